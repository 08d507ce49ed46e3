import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from '@agentloop/core';
import { runChatJson } from './chat-json.js';
import { parseChatRequest } from './chat-request.js';
import { runChatStream } from './chat-stream.js';
import { HttpError, sendJson } from './http-error.js';
import { ClientGoneError, readJsonBody } from './read-json-body.js';
import type { ServiceLog } from './run-error.js';
import { RunSlots } from './run-slots.js';
import {
  type ChatContext,
  SERVICE_DEFAULTS,
  type ServiceAgentOptions,
  type ServiceOptions,
} from './service-options.js';
import { shutdown } from './shutdown.js';

/** A chat service: a `node:http` server running agents, and its handler for your own server. */
export interface ChatService {
  /** The server (not listening yet): `listen()` it, or mount {@link ChatService.handle} elsewhere. */
  readonly server: Server;
  /** The request handler, for `http.createServer(handle)` or a framework's raw Node handler. */
  readonly handle: RequestListener;
  /** The agents by name. Attach listeners here (`agents.get('assistant')?.on(...)`). */
  readonly agents: ReadonlyMap<string, Agent<ChatContext, unknown>>;
  /** Runs in progress. */
  readonly activeRuns: number;
  /** The bound on runs in progress. */
  readonly maxConcurrentRuns: number;
  /**
   * Starts listening.
   * @param port - `0` picks a free port. @default 0
   * @param host - @default '127.0.0.1'
   * @returns the bound address.
   */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops gracefully: new connections and requests are refused (503), runs in progress get
   * `graceMs` to finish, then they are aborted; resolves once the server is closed.
   * @param options - `graceMs`. @default 10000
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const ROUTES = 'POST /v1/chat, POST /v1/chat/stream and GET /healthz';

/**
 * Creates the chat service: `POST /v1/chat` (JSON), `POST /v1/chat/stream` (server-sent events),
 * `GET /healthz`. Every agent keeps its sessions in `store`; at most `maxConcurrentRuns` runs go
 * at once (429 past it); a client that disconnects aborts its run, and so does a streaming
 * client that reads nothing for `drainTimeoutMs`.
 *
 * @param options - see {@link ServiceOptions}.
 * @returns the service; nothing listens until `listen()`.
 * @throws Error for no agents, duplicate agent names or an invalid limit (at creation, not per request).
 * @example
 * ```ts
 * const service = createService({
 *   agents: [{ name: 'assistant', model: openai('gpt-4o-mini'), tools: [getTime] }],
 *   store: new FileStore({ dir: '.sessions' }),
 * });
 * const { port } = await service.listen(8787);
 * ```
 */
export function createService({
  agents: definitions,
  store,
  maxConcurrentRuns = SERVICE_DEFAULTS.maxConcurrentRuns,
  maxBodyBytes = SERVICE_DEFAULTS.maxBodyBytes,
  retryAfterSeconds = SERVICE_DEFAULTS.retryAfterSeconds,
  heartbeatMs = SERVICE_DEFAULTS.heartbeatMs,
  drainTimeoutMs = SERVICE_DEFAULTS.drainTimeoutMs,
  newSessionId = randomUUID,
  log = { error: (message, error) => console.error(message, error) },
}: ServiceOptions): ChatService {
  const agents = buildAgents(definitions, store);
  const names = [...agents.keys()];
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes >= 1)) {
    throw new RangeError(`maxBodyBytes must be a whole number >= 1, got ${String(maxBodyBytes)}.`);
  }
  if (!(Number.isInteger(drainTimeoutMs) && drainTimeoutMs >= 0)) {
    throw new RangeError(
      `drainTimeoutMs must be a whole number of milliseconds >= 0 (0: wait forever), got ${String(drainTimeoutMs)}.`,
    );
  }
  const slots = new RunSlots(maxConcurrentRuns);
  const busySessions = new Set<string>();
  let closing: Promise<void> | undefined;

  const chat = async (req: IncomingMessage, res: ServerResponse, streaming: boolean) => {
    const request = parseChatRequest(await readJsonBody(req, { maxBytes: maxBodyBytes }), names);
    const name = request.agent ?? (names[0] as string);
    const agent = agents.get(name) as Agent<ChatContext, unknown>;
    if (closing) throw shuttingDown();
    const sessionId = request.sessionId ?? newSessionId();
    // Two runs interleaving their turns in one session would store a conversation neither made.
    if (busySessions.has(sessionId)) {
      throw new HttpError(
        409,
        'session_busy',
        `Session ${JSON.stringify(sessionId)} already has a run in progress. Wait for its answer, then send the next message.`,
      );
    }
    const slot = slots.tryAcquire();
    if (!slot) {
      throw new HttpError(
        429,
        'too_many_runs',
        `The service is already running ${slots.max} runs, its limit (maxConcurrentRuns). Retry after ${retryAfterSeconds} second(s).`,
        { 'retry-after': String(retryAfterSeconds) },
      );
    }
    busySessions.add(sessionId);
    try {
      const context: ChatContext = { sessionId, agent: name };
      const run = { agent, message: request.message, context, slot, res, log };
      await (streaming ? runChatStream({ ...run, heartbeatMs, drainTimeoutMs }) : runChatJson(run));
    } finally {
      busySessions.delete(sessionId);
      slot.release();
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (path === '/healthz') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, path, 'GET, HEAD');
      const body = { ok: !closing, activeRuns: slots.active, maxConcurrentRuns: slots.max };
      return sendJson(res, closing ? 503 : 200, body);
    }
    if (path === '/v1/chat' || path === '/v1/chat/stream') {
      if (method !== 'POST') throw methodNotAllowed(method, path, 'POST');
      if (closing) throw shuttingDown();
      return chat(req, res, path === '/v1/chat/stream');
    }
    throw new HttpError(
      404,
      'not_found',
      `There is no route ${method} ${path}; the routes are ${ROUTES}.`,
    );
  };

  const handle: RequestListener = (req, res) => {
    if (closing) res.setHeader('connection', 'close');
    route(req, res).catch((error: unknown) => answerFault(error, res, log));
  };

  const server = createServer(handle);
  return {
    server,
    handle,
    agents,
    get activeRuns() {
      return slots.active;
    },
    maxConcurrentRuns: slots.max,
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: ({ graceMs = 10_000 } = {}) => {
      closing ??= shutdown({ server, slots, graceMs });
      return closing;
    },
  };
}

function buildAgents(
  definitions: readonly ServiceAgentOptions[],
  store: ServiceOptions['store'],
): Map<string, Agent<ChatContext, unknown>> {
  if (definitions.length === 0) {
    throw new Error('createService needs at least one agent in `agents`.');
  }
  const agents = new Map<string, Agent<ChatContext, unknown>>();
  for (const definition of definitions) {
    if (agents.has(definition.name)) {
      throw new Error(
        `Two agents are named ${JSON.stringify(definition.name)}; requests choose agents by name, so names must be unique.`,
      );
    }
    agents.set(
      definition.name,
      new Agent({ ...definition, memory: { ...definition.memory, store } }),
    );
  }
  return agents;
}

function methodNotAllowed(method: string, path: string, allow: string): HttpError {
  return new HttpError(
    405,
    'method_not_allowed',
    `${path} does not accept ${method}; use ${allow}.`,
    { allow },
  );
}

function shuttingDown(): HttpError {
  return new HttpError(
    503,
    'shutting_down',
    'The service is shutting down and takes no new runs; retry on another instance.',
    { connection: 'close' },
  );
}

/** Answers a fault of the request (an `HttpError`) or an unexpected one (500, logged). */
function answerFault(error: unknown, res: ServerResponse, log: ServiceLog): void {
  if (error instanceof ClientGoneError) return;
  if (error instanceof HttpError) {
    sendJson(res, error.status, error.toBody(), error.headers);
    return;
  }
  log.error('A request failed unexpectedly.', error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, {
    error: {
      code: 'internal_error',
      message: 'The request failed unexpectedly; the server logged it.',
    },
  });
}
