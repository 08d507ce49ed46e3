import OpenAI, { type ClientOptions } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { createAbortError, throwIfAborted } from '../errors/abort-error.js';
import { ConfigurationError } from '../errors/errors.js';
import { ModelError } from '../errors/model-error.js';
import { readableErrorsFetch } from './error-body-fetch.js';
import type {
  Model,
  ModelCallOptions,
  ModelRequest,
  ModelResponse,
  ModelStreamEvent,
} from './model.js';
import { toModelError } from './openai-errors.js';
import { fromCompletion } from './openai-response.js';
import { redactingLogger, scrub } from './redact.js';
import { StreamAccumulator } from './stream-accumulator.js';

/** Options of {@link openai}. */
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
}

/** The longest timeout a timer can hold; the client's own must stay below it. */
const MAX_CLIENT_TIMEOUT_MS = 2_147_483_647;

/** Sent as the key to endpoints that need none, so the client does not refuse to start. */
const NO_KEY_PLACEHOLDER = 'no-key-needed';

class OpenAIChatModel implements Model {
  readonly name: string;
  readonly #options: OpenAIModelOptions;
  #client: OpenAI | undefined;
  #secrets: readonly string[] = [];

  constructor(name: string, options: OpenAIModelOptions) {
    this.name = name;
    this.#options = options;
  }

  /**
   * Creates the client on first use, so that constructing a model does no work. Its timeout is
   * the one the first call asks for: a request that asks for the client's own timeout passes
   * none, and the client then sends no `X-Stainless-Timeout` header, which it adds to every
   * request given a timeout of its own.
   */
  #getClient(timeoutMs: number | undefined): OpenAI {
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
        `No API key for model '${this.name}'. Set OPENAI_API_KEY, pass openai('${this.name}', { apiKey }), or set a baseURL (OPENAI_BASE_URL or { baseURL }) for a local server such as Ollama, vLLM or LM Studio, which needs no key.`,
        { option: 'apiKey' },
      );
    }
    this.#secrets = key === undefined ? [] : [key];
    this.#client = new OpenAI({
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
   */
  #clientTimeout(bound: number | undefined): number | undefined {
    return (
      this.#options.timeoutMs ??
      (bound === undefined ? undefined : Math.min(Math.ceil(bound) + 1000, MAX_CLIENT_TIMEOUT_MS))
    );
  }

  #requestOptions(client: OpenAI, signal: AbortSignal | undefined, timeoutMs: number | undefined) {
    // A client made here already has its timeout unless the calls ask for different ones.
    const timeout =
      timeoutMs === undefined && this.#options.client === undefined
        ? OpenAI.DEFAULT_TIMEOUT
        : timeoutMs;
    return {
      maxRetries: 0,
      ...(signal ? { signal } : {}),
      ...(timeout !== undefined && timeout !== client.timeout ? { timeout } : {}),
    };
  }

  #fail(error: unknown, signal: AbortSignal | undefined, stream?: StreamAccumulator): Error {
    return toModelError(error, {
      model: this.name,
      baseURL: this.#client?.baseURL ?? '',
      secrets: this.#secrets,
      signal,
      stream: stream && {
        chunks: stream.chunks,
        text: stream.partialText,
        toolCalls: stream.partialToolCalls,
      },
    });
  }

  async #readBody(response: Response, signal: AbortSignal | undefined): Promise<unknown> {
    try {
      return JSON.parse(await response.text()) as unknown;
    } catch (error) {
      throw this.#fail(error, signal);
    }
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const { signal } = options;
    throwIfAborted(signal);
    const timeoutMs = this.#clientTimeout(options.timeoutMs);
    const client = this.#getClient(timeoutMs);
    let completion: unknown;
    try {
      completion = await client.chat.completions.create(
        { ...request, model: this.name, stream: false },
        this.#requestOptions(client, signal, timeoutMs),
      );
      return fromCompletion(completion, this.name, this.#secrets);
    } catch (error) {
      throw this.#fail(error, signal);
    }
  }

  async *stream(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): AsyncGenerator<ModelStreamEvent, void, undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    const timeoutMs = this.#clientTimeout(options.timeoutMs);
    const client = this.#getClient(timeoutMs);
    const acc = new StreamAccumulator();
    let chunks: AsyncIterable<ChatCompletionChunk>;
    let response: Response;
    try {
      ({ data: chunks, response } = await client.chat.completions
        .create(
          {
            ...request,
            model: this.name,
            stream: true,
            stream_options: { include_usage: true },
          },
          this.#requestOptions(client, signal, timeoutMs),
        )
        .withResponse());
    } catch (error) {
      throw this.#fail(error, signal);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (/json/i.test(contentType)) {
      // Some OpenAI-compatible servers ignore `stream: true` and send one whole completion.
      let whole: ModelResponse;
      try {
        whole = fromCompletion(await this.#readBody(response, signal), this.name, this.#secrets);
      } catch (error) {
        throw this.#fail(error, signal);
      }
      if (whole.message.content) yield { type: 'text-delta', delta: whole.message.content };
      yield { type: 'response', response: whole };
      return;
    }
    if (contentType !== '' && !/event-stream/i.test(contentType)) {
      // Scrubbed before it is cut: a key cut in half would escape the scrub in #fail.
      const body = scrub(await response.text().catch(() => ''), this.#secrets);
      throw this.#fail(
        new ModelError({
          message: `The stream from ${this.name} is not server-sent events: the server answered ${response.status} with "${contentType}" (${JSON.stringify(body.slice(0, 120))}). Check that the base URL points at an OpenAI-compatible /v1 endpoint.`,
          retryable: false,
          status: response.status,
          model: this.name,
        }),
        signal,
      );
    }
    try {
      for await (const chunk of chunks) {
        // SSE comments (keep-alives) never get here: the client's parser drops them.
        options.onChunk?.();
        for (const event of acc.push(chunk)) yield event;
      }
    } catch (error) {
      throw this.#fail(error, signal, acc);
    }
    // The client ends a stream quietly when its request is aborted; that is not an answer.
    if (signal?.aborted) throw createAbortError(signal);
    if (!acc.finished) {
      throw this.#fail(
        new ModelError({
          message:
            acc.chunks === 0
              ? `The stream from ${this.name} ended before any chunk arrived.`
              : `The stream from ${this.name} ended before the model finished (no finish_reason).`,
          retryable: acc.chunks === 0,
          model: this.name,
          midStream: acc.chunks > 0,
          partialText: acc.partialText,
          partialToolCalls: acc.partialToolCalls,
        }),
        signal,
      );
    }
    yield { type: 'response', response: acc.toResponse() };
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

/**
 * A chat model on any OpenAI-compatible endpoint: OpenAI, Azure (pass an `AzureOpenAI` as
 * `client`), Ollama, vLLM, llama.cpp, LM Studio. Reads `OPENAI_API_KEY` and `OPENAI_BASE_URL`
 * when the options do not say. Nothing happens until the first call: the client is created then,
 * and a missing key is reported then as a `ConfigurationError`.
 *
 * Failures become `ModelError`s saying whether a retry may help (429, 408, 409, 5xx and
 * connection faults do; 400, 401, 403, 404 do not; a stream that broke after its first chunk
 * never does), with the provider's `retry-after` in `retryAfterMs`. The API key never appears in
 * them. When the call's `signal` aborts, the model rejects with an `AbortError` (`isAbortError`).
 *
 * @param name - the model name, e.g. `gpt-4o-mini` or `llama3.1:8b`.
 * @param options - key, endpoint, client, headers, timeout.
 * @returns a {@link Model}.
 * @example
 * ```ts
 * const cloud = openai('gpt-4o-mini');                                      // OPENAI_API_KEY
 * const local = openai('llama3.1:8b', { baseURL: 'http://localhost:11434/v1' }); // Ollama
 * ```
 */
export function openai(name: string, options: OpenAIModelOptions = {}): Model {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(
      `openai() needs a model name such as 'gpt-4o-mini', got ${JSON.stringify(name)}.`,
      { option: 'model' },
    );
  }
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
    throw new ConfigurationError(
      `timeoutMs must be a positive number of milliseconds, got ${String(options.timeoutMs)}.`,
      { option: 'timeoutMs' },
    );
  }
  return new OpenAIChatModel(name, options);
}
