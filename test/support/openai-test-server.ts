/**
 * A local OpenAI-compatible chat-completions server for tests: it rejects what the real API
 * rejects, answers from a script or a responder, streams like the API, and injects faults.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import { type ApiErrorObject, apiErrorBody } from './api-error.js';
import { checkAuthorization, INVALID_JSON, invalidUrl, scriptExhausted } from './api-responses.js';
import { randomId } from './completion.js';
import { type Exchange, readBody, refuse, runStep, send } from './exchange.js';
import { type ProviderRules, providerRuleSet } from './provider-rules.js';
import { type RateLimitOptions, ServerRateLimits } from './rate-limits.js';
import { ReasoningLedger } from './reasoning-ledger.js';
import type { ReasoningMode } from './responses-body.js';
import type { RecordedRequest, Responder, Step, StreamShape } from './script.js';
import { validateChatRequest } from './validate-request.js';
import { validateResponsesRequest } from './validate-responses-request.js';

const ROUTES: Record<string, 'chat' | 'responses'> = {
  '/v1/chat/completions': 'chat',
  '/v1/responses': 'responses',
};

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** When set, only `Authorization: Bearer <apiKey>` is accepted (others get the API's 401). */
  apiKey?: string;
  /** Steps queued at start (same as calling `server.reply(...steps)`). */
  steps?: Step[];
  /** Answers requests once the queue is empty, e.g. one reply per concurrent run. */
  responder?: Responder;
  /** Default stream shape for streamed replies. */
  stream?: StreamShape;
  /** Clock for `receivedAt` and `created`. @default Date.now */
  now?: () => number;
  /**
   * Provider rules stricter than OpenAI's about the history a request echoes (DeepSeek thinking
   * mode, Gemini thought signatures, history arguments parsed as JSON). @default none
   */
  emulate?: ProviderRules;
  /**
   * `/v1/responses`: reasoning items in replies that do not say (`ReplyStep.reasoningItems`).
   * @default false
   */
  reasoningItems?: ReasoningMode;
  /**
   * Enforces requests and tokens per window like OpenAI: every valid request is answered with
   * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers, and one that does not fit
   * with a 429 (`rate_limit_exceeded`, `retry-after-ms`, `retry-after`). @default no limits
   */
  rateLimits?: RateLimitOptions;
}

/** A running test server. */
export interface TestServer {
  /** Base URL for the `openai` client's `baseURL`: `http://127.0.0.1:<port>/v1`. */
  readonly url: string;
  /** Every request that reached `POST /v1/chat/completions` or `POST /v1/responses`, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Queue scripted steps; each request that passes validation takes the next one. */
  reply(...steps: Step[]): void;
  /** Steps still queued. */
  readonly pendingSteps: number;
  /** Requests the client abandoned (closed the connection) before the server finished answering. */
  readonly aborted: number;
  /** Requests in flight now. */
  readonly active: number;
  /** The enforced rate limits' counts (admitted, refused with 429), with `rateLimits` set. */
  readonly rateLimits: ServerRateLimits | undefined;
  /**
   * Resolves with the `count`-th request once it has arrived (e.g. to abort a run mid-request).
   *
   * @param count - How many requests to wait for (1 = the first).
   * @param timeoutMs - Rejects after this long. @default 5000
   */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest>;
  /**
   * Resolves once no request is in flight; await it before reading `aborted` after an abort.
   *
   * @param timeoutMs - Rejects after this long. @default 5000
   */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops the server and destroys open connections (including hanging ones); calling it again is harmless. */
  close(): Promise<void>;
}

/**
 * Starts a local OpenAI-compatible server on 127.0.0.1 (random port) serving
 * `POST /v1/chat/completions`. Each request is checked like the real API (Bearer auth, JSON, then
 * {@link validateChatRequest}: a failure answers 400 with the API's error body), recorded, and
 * answered by the next queued step, else the responder, else a loud 500 "script exhausted".
 *
 * @param options - See {@link TestServerOptions}.
 * @returns The running server; `close()` it in `afterEach`.
 * @example
 * ```ts
 * const server = await startTestServer();
 * server.reply({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, { content: 'Sunny.' });
 * const client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
 * ```
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const {
    apiKey,
    responder,
    stream: shapeDefaults = {},
    now = Date.now,
    emulate = {},
    reasoningItems = false,
  } = options;
  const rules = providerRuleSet(emulate);
  const limits = options.rateLimits
    ? new ServerRateLimits({ now, ...options.rateLimits })
    : undefined;
  const responses = { ledger: new ReasoningLedger(), reasoningItems };
  const queue: Step[] = [...(options.steps ?? [])];
  const requests: RecordedRequest[] = [];
  const listeners = new Set<() => void>();
  let aborted = 0;
  let active = 0;
  let closing = false;
  let closed: Promise<void> | undefined;
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    active += 1;
    let markClosed = () => {};
    const exchange: Exchange = {
      req,
      res,
      closed: new Promise<void>((resolve) => {
        markClosed = resolve;
      }),
      isClosed: false,
      endedByServer: false,
    };
    res.once('close', () => {
      exchange.isClosed = true;
      active -= 1;
      if (!res.writableFinished && !exchange.endedByServer && !closing) aborted += 1;
      markClosed();
      notify();
    });
    res.setHeader('x-request-id', randomId('req_', 32));

    const raw = await Promise.race([
      readBody(req).catch(() => null),
      exchange.closed.then(() => null),
    ]);
    if (raw === null || exchange.isClosed) return;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const api = ROUTES[path];
    if (method !== 'POST' || api === undefined) {
      const answer = invalidUrl(method, path);
      return send(null, exchange, answer.status, answer.body);
    }

    let parsed: unknown;
    let parseFailed = false;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parseFailed = true;
    }
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    const record: RecordedRequest = {
      index: requests.length,
      api,
      method,
      path,
      headers: req.headers,
      body: (isObject ? parsed : {}) as ChatCompletionCreateParams,
      responsesBody: api === 'responses' && isObject ? (parsed as ResponseCreateParams) : undefined,
      receivedAt: now(),
      rejected: undefined,
      status: undefined,
      keepAlives: 0,
    };
    requests.push(record);
    notify();

    const authProblem = checkAuthorization(req.headers, apiKey);
    if (authProblem) return refuse(record, exchange, authProblem);
    if (parseFailed) return refuse(record, exchange, INVALID_JSON);
    if (api === 'responses') {
      const problem = validateResponsesRequest(parsed, responses.ledger);
      if (problem) {
        const { message, param, code, status = 400 } = problem;
        return refuse(record, exchange, { status, body: apiErrorBody({ message, param, code }) });
      }
    } else {
      const validation = validateChatRequest(parsed);
      if (!validation.ok) {
        const { message, param, code } = validation;
        return refuse(record, exchange, {
          status: 400,
          body: apiErrorBody({ message, param, code }),
        });
      }
    }
    const ruleRefusal = api === 'chat' ? rules.check(parsed) : null;
    if (ruleRefusal) {
      record.rejected = { ...ruleRefusal.rejected, status: ruleRefusal.status };
      return send(record, exchange, ruleRefusal.status, ruleRefusal.body);
    }

    if (limits) {
      const verdict = limits.check(record.body);
      for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
      if (verdict.refusal) {
        const { status, body } = verdict.refusal;
        record.rejected = { ...(body as { error: ApiErrorObject }).error, status };
        return send(record, exchange, status, body);
      }
    }

    let step: Step | undefined = queue.shift();
    if (step === undefined && responder) {
      try {
        step = await responder(record, record.index);
      } catch (error) {
        const message = `test server: the responder threw for request #${record.index}: ${error instanceof Error ? error.message : String(error)}`;
        return send(
          record,
          exchange,
          500,
          apiErrorBody({ message, type: 'server_error', code: 'test_responder_failed' }),
        );
      }
    }
    if (step === undefined) {
      const answer = scriptExhausted(record.index, path);
      return send(record, exchange, answer.status, answer.body);
    }
    await runStep(rules.prepare(step), record, exchange, shapeDefaults, now, responses);
  }

  function waitUntil(
    condition: () => boolean,
    timeoutMs: number,
    describe: () => string,
  ): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(describe()));
      }, timeoutMs);
      listeners.add(check);
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in a scripted step must fail the test that made the request, not crash the process.
      const message = `test server: internal error: ${error instanceof Error ? error.message : String(error)}`;
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(apiErrorBody({ message, type: 'server_error' })));
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...steps) => {
      queue.push(...steps);
    },
    get pendingSteps() {
      return queue.length;
    },
    get aborted() {
      return aborted;
    },
    get active() {
      return active;
    },
    rateLimits: limits,
    waitForRequests: async (count, timeoutMs = 5000) => {
      await waitUntil(
        () => requests.length >= count,
        timeoutMs,
        () =>
          `test server: expected ${count} request(s) within ${timeoutMs} ms, got ${requests.length}.`,
      );
      return requests[count - 1] as RecordedRequest;
    },
    idle: (timeoutMs = 5000) =>
      waitUntil(
        () => active === 0,
        timeoutMs,
        () => `test server: still ${active} request(s) in flight after ${timeoutMs} ms.`,
      ),
    close: () => {
      if (closed === undefined) {
        closing = true;
        closed = new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
      }
      return closed;
    },
  };
}
