import { TokenCounter } from '@agentloop/memory';
import type { ClientOptions, OpenAI } from 'openai';
import type { CompletionUsage } from 'openai/resources/completions';
import { ConfigurationError } from '../errors/errors.js';
import { ModelError } from '../errors/model-error.js';
import { rateLimitOutcome } from '../limits/rate-limit-headers.js';
import type { RateLimitLease, RequestLimiter } from '../limits/request-limiter.js';
import { readableErrorsFetch } from './error-body-fetch.js';
import type { ModelCallOptions, ModelRequest, ModelStreamEvent } from './model.js';
import { toModelError } from './openai-errors.js';
import { importOpenAI, loadedOpenAI } from './openai-sdk.js';
import { redactingLogger, scrub } from './redact.js';
import {
  type ReplyConnection,
  ReplyStream,
  type ReplyStreamReader,
  type SentStream,
  type StreamProgress,
} from './reply-stream.js';

/** Options of `openai()` and `openaiResponses()`: how to reach the endpoint. */
export interface OpenAIModelOptions {
  /** The API key. @default `process.env.OPENAI_API_KEY` */
  apiKey?: string | undefined;
  /**
   * An OpenAI-compatible endpoint, e.g. `http://localhost:11434/v1` (Ollama), vLLM, llama.cpp,
   * LM Studio. A local endpoint needs no key.
   * @default `process.env.OPENAI_BASE_URL`, else `https://api.openai.com/v1`
   */
  baseURL?: string | undefined;
  /**
   * A ready `OpenAI` client (e.g. `AzureOpenAI`); `apiKey`, `baseURL`, `organization`,
   * `defaultHeaders` and `fetch` are then ignored. Requests are sent with `maxRetries: 0`
   * whatever the client's setting, because the loop owns retries.
   */
  client?: OpenAI | undefined;
  /** The OpenAI organization id. @default `process.env.OPENAI_ORG_ID` */
  organization?: string | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
  /**
   * The `openai` client's own request timeout: how long a request may wait for the response
   * headers, in ms. A run bounds every call by its `timeouts` anyway, and by default the client
   * is told that bound (plus a second), so it neither cuts a call sooner nor waits longer; set
   * this to cut requests sooner, e.g. when calling the model outside an agent.
   * @default the run's `timeouts.firstByteMs` plus 1 s in a run; else the client's (10 minutes)
   */
  timeoutMs?: number | undefined;
  /** A `fetch` implementation (proxies, tests). @default `globalThis.fetch` */
  fetch?: ClientOptions['fetch'] | undefined;
  /**
   * A rate limiter every request waits for before it is sent (`new RateLimiter({ rpm, tpm })`,
   * or `RedisRateLimiter` across processes). Share one between all the models and agents that
   * spend the same API key's limits. @default none
   */
  limiter?: RequestLimiter | undefined;
}

/** The longest timeout a timer can hold; the client's own must stay below it. */
const MAX_CLIENT_TIMEOUT_MS = 2_147_483_647;

/** Sent as the key to endpoints that need none, so the client does not refuse to start. */
const NO_KEY_PLACEHOLDER = 'no-key-needed';

/**
 * Checks a model factory's arguments at definition time, so a mistake is reported where it was
 * made rather than at the first call.
 *
 * @param factory - The factory's name for messages (`openai`, `openaiResponses`).
 * @param name - The model name given.
 * @param options - The options given.
 * @throws ConfigurationError for an empty name or a timeout that is not a positive number.
 */
export function checkModelOptions(
  factory: string,
  name: unknown,
  options: OpenAIModelOptions,
): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(
      `${factory}() needs a model name such as 'gpt-4o-mini', got ${JSON.stringify(name)}.`,
      { option: 'model' },
    );
  }
  if (options.limiter !== undefined && typeof options.limiter?.acquire !== 'function') {
    throw new ConfigurationError(
      `${factory}(): limiter must be a rate limiter with acquire(), such as new RateLimiter({ rpm, tpm }).`,
      { option: 'limiter' },
    );
  }
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
    throw new ConfigurationError(
      `timeoutMs must be a positive number of milliseconds, got ${String(options.timeoutMs)}.`,
      { option: 'timeoutMs' },
    );
  }
}

/**
 * One model's connection to an OpenAI endpoint, shared by the Chat Completions and the
 * Responses adapters: the client made on first use, the timeouts each call passes to it, the
 * secrets that must never appear in an error, and the conversion of failures to `ModelError`s.
 */
export class OpenAIConnection implements ReplyConnection {
  readonly #model: string;
  readonly #factory: string;
  readonly #options: OpenAIModelOptions;
  #client: OpenAI | undefined;
  #secrets: readonly string[] = [];
  #counter: TokenCounter | undefined;

  /**
   * @param model - The model name, for messages.
   * @param factory - The factory that made the model (`openai`, `openaiResponses`), for messages.
   * @param options - How to reach the endpoint.
   */
  constructor(model: string, factory: string, options: OpenAIModelOptions) {
    this.#model = model;
    this.#factory = factory;
    this.#options = options;
  }

  /** The model name, for messages. */
  get model(): string {
    return this.#model;
  }

  /** Strings that must not appear in an error (the API key), known once the client exists. */
  get secrets(): readonly string[] {
    return this.#secrets;
  }

  /**
   * The client, created on first use so that constructing a model does no work. Its timeout is
   * the one the first call asks for: a request that asks for the client's own timeout passes
   * none, and the client then sends no `X-Stainless-Timeout` header, which it adds to every
   * request given a timeout of its own.
   *
   * The `openai` package is imported then too, also for a client given in the options: reading
   * a reply needs its error classes.
   *
   * @param timeoutMs - The first call's client timeout (see {@link clientTimeout}).
   * @throws ConfigurationError when there is neither a key nor a base URL, or no `openai` package.
   */
  async client(timeoutMs: number | undefined): Promise<OpenAI> {
    if (this.#client) return this.#client;
    const { default: OpenAIClient } = await importOpenAI();
    // Another call may have made it while this one waited for the import.
    if (this.#client) return this.#client;
    const { client, apiKey, baseURL, organization, defaultHeaders, fetch } = this.#options;
    if (client) {
      this.#secrets = typeof client.apiKey === 'string' ? [client.apiKey] : [];
      this.#client = client;
      return client;
    }
    const key = apiKey ?? envVar('OPENAI_API_KEY');
    const url = baseURL ?? envVar('OPENAI_BASE_URL');
    if (key === undefined && url === undefined) {
      throw new ConfigurationError(
        `No API key for model '${this.#model}'. Set OPENAI_API_KEY, pass ${this.#factory}('${this.#model}', { apiKey }), or set a baseURL (OPENAI_BASE_URL or { baseURL }) for a local server such as Ollama, vLLM or LM Studio, which needs no key.`,
        { option: 'apiKey' },
      );
    }
    this.#secrets = key === undefined ? [] : [key];
    this.#client = new OpenAIClient({
      apiKey: key ?? NO_KEY_PLACEHOLDER,
      baseURL: url ?? null,
      maxRetries: 0,
      ...(organization !== undefined ? { organization } : {}),
      ...(defaultHeaders !== undefined ? { defaultHeaders } : {}),
      ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
      fetch: readableErrorsFetch(() => fetch ?? globalThis.fetch),
      logger: redactingLogger(this.#secrets),
    });
    return this.#client;
  }

  /**
   * The client's timeout for a call: `timeoutMs` when set; else, under a caller's bound, the
   * bound plus a second (the caller's bound fires first and reports which bound it was; the
   * client's own only keeps it from giving up sooner); else the client's default (10 minutes).
   *
   * @param bound - The caller's bound on the call (`ModelCallOptions.timeoutMs`).
   */
  clientTimeout(bound: number | undefined): number | undefined {
    return (
      this.#options.timeoutMs ??
      (bound === undefined ? undefined : Math.min(Math.ceil(bound) + 1000, MAX_CLIENT_TIMEOUT_MS))
    );
  }

  /**
   * The per-request options of a call: no retries (the loop owns them), the caller's signal, and
   * the call's timeout when it differs from the client's.
   */
  requestOptions(client: OpenAI, signal: AbortSignal | undefined, timeoutMs: number | undefined) {
    // A client made here already has its timeout unless the calls ask for different ones.
    const timeout =
      timeoutMs === undefined && this.#options.client === undefined
        ? loadedOpenAI().default.DEFAULT_TIMEOUT
        : timeoutMs;
    return {
      maxRetries: 0,
      ...(signal ? { signal } : {}),
      ...(timeout !== undefined && timeout !== client.timeout ? { timeout } : {}),
    };
  }

  /**
   * Waits for the model's rate limiter, when it has one, to admit a request: its prompt counted
   * exactly, plus its output bound. Each wait is reported as a `rate_limited` call event.
   *
   * @param request - The request about to be sent.
   * @param options - The call's signal and event callback.
   * @returns The lease to settle with {@link settle}, or `undefined` without a limiter.
   */
  async admit(
    request: ModelRequest,
    options: ModelCallOptions,
  ): Promise<RateLimitLease | undefined> {
    const { limiter } = this.#options;
    if (!limiter) return undefined;
    this.#counter ??= new TokenCounter({ model: this.#model });
    const counter = this.#counter;
    const promptTokens =
      counter.countMessages(request.messages) + counter.countTools(request.tools);
    const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
    const { signal, onEvent } = options;
    return limiter.acquire({
      promptTokens,
      maxOutputTokens,
      signal,
      onWait: (waitMs, limit) => onEvent?.({ type: 'rate_limited', waitMs, limit }),
    });
  }

  /**
   * Tells the limiter how an admitted request went: the status and `x-ratelimit-*` headers of
   * the answer (or of the error that carried them) and the usage reported. A limiter's own
   * failure never fails the call.
   *
   * @param lease - What {@link admit} returned.
   * @param answer - The HTTP response, or the error, and the reply's usage.
   */
  settle(
    lease: RateLimitLease | undefined,
    answer: {
      response?: Response | undefined;
      error?: unknown;
      usage?: CompletionUsage | null | undefined;
    },
  ): void {
    if (!lease) return;
    const { response, error, usage } = answer;
    const failed = error as { status?: unknown; headers?: unknown } | undefined;
    const status =
      response?.status ?? (typeof failed?.status === 'number' ? failed.status : undefined);
    const headers =
      response?.headers ??
      (failed?.headers && typeof (failed.headers as Headers).get === 'function'
        ? (failed.headers as Headers)
        : undefined);
    try {
      Promise.resolve(lease.settle(rateLimitOutcome(status, headers, usage))).catch(() => {});
    } catch {
      // The limiter is told what it can be; its failure is not the call's.
    }
  }

  /**
   * What a failed call throws: an abort error when the caller aborted, else a scrubbed
   * `ModelError` (see `toModelError`).
   *
   * @param error - What the client, the stream or the adapter threw.
   * @param signal - The caller's signal.
   * @param stream - What a stream had delivered, when it was one.
   */
  fail(error: unknown, signal: AbortSignal | undefined, stream?: StreamProgress): Error {
    return toModelError(error, {
      model: this.#model,
      baseURL: this.#client?.baseURL ?? '',
      secrets: this.#secrets,
      signal,
      stream,
    });
  }

  /**
   * Looks at the answer to a streamed request before its events are read. Some OpenAI-compatible
   * servers ignore `stream: true` and answer one whole JSON body: that body is returned, parsed.
   * An answer that is neither JSON nor server-sent events fails with a `ModelError` naming what
   * came. Server-sent events return `undefined`: read the stream.
   *
   * @param response - The raw HTTP response.
   * @param signal - The caller's signal.
   * @returns `{ body }` for a whole JSON answer, `undefined` for a stream.
   */
  async wholeBodyOf(
    response: Response,
    signal: AbortSignal | undefined,
  ): Promise<{ body: unknown } | undefined> {
    const contentType = response.headers.get('content-type') ?? '';
    if (/json/i.test(contentType)) {
      try {
        return { body: JSON.parse(await response.text()) as unknown };
      } catch (error) {
        throw this.fail(error, signal);
      }
    }
    if (contentType === '' || /event-stream/i.test(contentType)) return undefined;
    // Scrubbed before it is cut: a key cut in half would escape the scrub in fail().
    const body = scrub(await response.text().catch(() => ''), this.#secrets);
    throw this.fail(
      new ModelError({
        message: `The stream from ${this.#model} is not server-sent events: the server answered ${response.status} with "${contentType}" (${JSON.stringify(body.slice(0, 120))}). Check that the base URL points at an OpenAI-compatible /v1 endpoint.`,
        retryable: false,
        status: response.status,
        model: this.#model,
      }),
      signal,
    );
  }

  /**
   * A streamed reply, read on demand: `send` sends the request when the reader first asks for an
   * event (see {@link ReplyStream}).
   *
   * @param send - Sends the request once its limiter admitted it; settles its lease on failure.
   * @param reader - How this API's events and whole bodies become replies, and its words for them.
   * @param options - The caller's signal and chunk callback.
   * @returns The model's stream events, ending with the `response` event.
   */
  readReply<Event>(
    send: () => Promise<SentStream<Event>>,
    reader: ReplyStreamReader<Event>,
    options: ModelCallOptions,
  ): AsyncIterableIterator<ModelStreamEvent, void> {
    return new ReplyStream(this, send, reader, options);
  }
}

/**
 * An environment variable, unless empty. Edge runtimes (Vercel Edge, Cloudflare Workers) may
 * have no `process` at all: there the model's options are the only source.
 */
function envVar(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
