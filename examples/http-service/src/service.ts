import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Agent,
  InMemoryRunStore,
  type RunHooks,
  RunState,
  RunStateError,
  type RunStore,
} from '@agentloop/core';
import { answerFault } from './answer-fault.js';
import { applyDecisions, parseApproveRequest } from './approve-request.js';
import { runChatJson } from './chat-json.js';
import { parseChatRequest } from './chat-request.js';
import { runChatStream } from './chat-stream.js';
import { HttpError, sendJson } from './http-error.js';
import { readJsonBody } from './read-json-body.js';
import { acceptsEventStream, decodePathSegment } from './request-negotiation.js';
import { RunBook } from './run-book.js';
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

const ROUTES =
  'POST /v1/chat, POST /v1/chat/stream, POST /v1/runs/<runId>/approve and GET /healthz';
const APPROVE_PATH = /^\/v1\/runs\/([^/]+)\/approve$/;

/**
 * Creates the chat service: `POST /v1/chat` (JSON, or server-sent events when the client accepts
 * `text/event-stream`), `POST /v1/chat/stream` (server-sent events), `POST /v1/runs/:id/approve`
 * (decides a paused run's interruptions and continues it, answered like a chat), `GET /healthz`.
 * Every agent keeps its sessions in `store` and checkpoints its runs in `runStore`; at most
 * `maxConcurrentRuns` runs go at once (429 past it); a client that disconnects aborts its run,
 * and so does a streaming client that reads nothing for `drainTimeoutMs`.
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
  runStore = new InMemoryRunStore(),
  maxConcurrentRuns = SERVICE_DEFAULTS.maxConcurrentRuns,
  maxBodyBytes = SERVICE_DEFAULTS.maxBodyBytes,
  retryAfterSeconds = SERVICE_DEFAULTS.retryAfterSeconds,
  heartbeatMs = SERVICE_DEFAULTS.heartbeatMs,
  drainTimeoutMs = SERVICE_DEFAULTS.drainTimeoutMs,
  newSessionId = randomUUID,
  log = { error: (message, error) => console.error(message, error) },
}: ServiceOptions): ChatService {
  const agents = buildAgents(definitions, store, runStore);
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
  const runs = new RunBook(runStore, log);
  let closing: Promise<void> | undefined;

  /** Admits a run on a session, runs it and answers (JSON or SSE); the session and slot are held until it ends. */
  const answer = async (run: {
    agent: Agent<ChatContext, unknown>;
    input: string | RunState;
    context: ChatContext;
    hooks?: RunHooks<ChatContext>;
    streaming: boolean;
    res: ServerResponse;
  }) => {
    const { sessionId } = run.context;
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
      const { streaming, ...options } = run;
      const admitted = { ...options, slot, log };
      await (streaming
        ? runChatStream({ ...admitted, heartbeatMs, drainTimeoutMs })
        : runChatJson(admitted));
    } finally {
      busySessions.delete(sessionId);
      slot.release();
    }
  };

  const chat = async (req: IncomingMessage, res: ServerResponse, streaming: boolean) => {
    const request = parseChatRequest(await readJsonBody(req, { maxBytes: maxBodyBytes }), names);
    const name = request.agent ?? (names[0] as string);
    const agent = agents.get(name) as Agent<ChatContext, unknown>;
    if (closing) throw shuttingDown();
    const context: ChatContext = { sessionId: request.sessionId ?? newSessionId(), agent: name };
    const watched = runs.watch();
    try {
      await answer({
        agent,
        input: request.message,
        context,
        hooks: watched.hooks,
        streaming,
        res,
      });
    } finally {
      await watched.finish();
    }
  };

  /**
   * Decides a paused run's interruptions and continues it. The decisions are made on a copy of
   * its checkpoint: a refused request (an unknown interruption, a busy session, too many runs)
   * leaves the stored run as it was.
   */
  const approve = async (req: IncomingMessage, res: ServerResponse, runId: string) => {
    const decisions = parseApproveRequest(await readJsonBody(req, { maxBytes: maxBodyBytes }));
    if (closing) throw shuttingDown();
    const { snapshot, release } = await runs.hold(runId);
    try {
      if (snapshot.status === 'completed') {
        throw new RunStateError(
          `Run "${runId}" has already completed: its interruptions were all decided and it answered. There is nothing left to approve; send a new message to the session instead.`,
          { code: 'run_completed', runId },
        );
      }
      const agent = agents.get(snapshot.agent);
      if (!agent || snapshot.sessionId === undefined) {
        throw new RunStateError(
          `Run "${runId}" was started by agent "${snapshot.agent}"${snapshot.sessionId === undefined ? ' without a session' : ''}, which this service does not run (its agents are ${names.map((n) => JSON.stringify(n)).join(', ')}). Continue it where it was started.`,
          { code: 'run_state_agent_mismatch', runId },
        );
      }
      const state = RunState.fromSnapshot(snapshot);
      applyDecisions(state, decisions);
      const context: ChatContext = { sessionId: snapshot.sessionId, agent: snapshot.agent };
      await answer({ agent, input: state, context, streaming: acceptsEventStream(req), res });
    } finally {
      release();
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
      return chat(req, res, path === '/v1/chat/stream' || acceptsEventStream(req));
    }
    const approval = APPROVE_PATH.exec(path ?? '');
    if (approval) {
      if (method !== 'POST') throw methodNotAllowed(method, path as string, 'POST');
      if (closing) throw shuttingDown();
      return approve(req, res, decodePathSegment(approval[1] as string));
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
  runStore: RunStore,
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
      new Agent({ ...definition, memory: { ...definition.memory, store }, runStore }),
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
