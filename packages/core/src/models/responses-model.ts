import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Reasoning } from 'openai/resources/shared';
import { throwIfAborted } from '../errors/abort-error.js';
import type {
  Model,
  ModelCallOptions,
  ModelRequest,
  ModelResponse,
  ModelStreamEvent,
} from './model.js';
import { checkModelOptions, OpenAIConnection, type OpenAIModelOptions } from './openai-client.js';
import type { SentStream } from './reply-stream.js';
import { fromResponse } from './responses-reply.js';
import { type ResponsesDefaults, toResponsesBody } from './responses-request.js';
import { ResponsesStreamAccumulator } from './responses-stream.js';

/** Options of {@link openaiResponses}: those of `openai()`, and what the Responses API adds. */
export interface OpenAIResponsesModelOptions extends OpenAIModelOptions {
  /**
   * Whether the provider keeps each response (`store`). The adapter sends the whole
   * conversation with every request, reasoning included, so nothing needs keeping; a request's
   * own `store` (from `modelSettings`) wins.
   * @default false
   */
  store?: boolean | undefined;
  /**
   * Whether to ask for reasoning items with `encrypted_content`
   * (`include: ['reasoning.encrypted_content']`), which lets them go back to a provider that
   * did not keep them. The API refuses it for models that do not reason ("Encrypted content is
   * not supported with this model").
   * @default true for reasoning model names (`o1`, `o3`, `o4-mini`, `gpt-5*` but not
   *   `gpt-5-chat*`, `codex-mini*`) and for requests that set `reasoning_effort`; else false
   */
  encryptedReasoning?: boolean | undefined;
  /**
   * Reasoning settings sent with every request, e.g. `{ summary: 'auto' }`. A request's
   * `reasoning_effort` (from `modelSettings`) sets `effort` over these.
   */
  reasoning?: Reasoning | undefined;
}

/** Model names that reason, and so accept `include: ['reasoning.encrypted_content']`. */
const REASONING_MODEL = /^(?:ft:)?(?:o\d|gpt-5|codex-mini|computer-use)/i;
const CHAT_VARIANT = /-chat/i;

class OpenAIResponsesModel implements Model {
  readonly name: string;
  readonly #connection: OpenAIConnection;
  readonly #options: OpenAIResponsesModelOptions;

  constructor(name: string, options: OpenAIResponsesModelOptions) {
    this.name = name;
    this.#options = options;
    this.#connection = new OpenAIConnection(name, 'openaiResponses', options);
  }

  #body(request: ModelRequest) {
    const reasons =
      request.reasoning_effort != null ||
      (REASONING_MODEL.test(this.name) && !CHAT_VARIANT.test(this.name));
    const defaults: ResponsesDefaults = {
      store: this.#options.store ?? false,
      encryptedReasoning: this.#options.encryptedReasoning ?? reasons,
      reasoning: this.#options.reasoning,
    };
    return { ...toResponsesBody(request, defaults), model: this.name };
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const { signal } = options;
    throwIfAborted(signal);
    const body = this.#body(request);
    const connection = this.#connection;
    const timeoutMs = connection.clientTimeout(options.timeoutMs);
    const client = await connection.client(timeoutMs);
    const lease = await connection.admit(request, options);
    let reply: ModelResponse;
    try {
      const created = client.responses.create(
        { ...body, stream: false },
        connection.requestOptions(client, signal, timeoutMs),
      );
      // The raw response serves only the limiter (its headers): without one, the reply alone.
      const { data, response } = lease
        ? await created.withResponse()
        : { data: await created, response: undefined };
      reply = fromResponse(data, this.name, connection.secrets);
      connection.settle(lease, { response, usage: reply.usage });
    } catch (error) {
      connection.settle(lease, { error });
      throw connection.fail(error, signal);
    }
    return reply;
  }

  stream(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): AsyncIterableIterator<ModelStreamEvent, void> {
    const connection = this.#connection;
    const acc = new ResponsesStreamAccumulator();
    return connection.readReply(
      () => this.#send(request, options),
      {
        accumulator: acc,
        finish: () => acc.toResponse(this.name, connection.secrets),
        fromWhole: (body) => fromResponse(body, this.name, connection.secrets),
        unit: 'event',
        missingEnd: 'no response.completed event',
      },
      options,
    );
  }

  /** Sends a streamed request once the limiter admits it; a failure to send settles its lease. */
  async #send(
    request: ModelRequest,
    options: ModelCallOptions,
  ): Promise<SentStream<ResponseStreamEvent>> {
    const { signal } = options;
    throwIfAborted(signal);
    const body = this.#body(request);
    const connection = this.#connection;
    const timeoutMs = connection.clientTimeout(options.timeoutMs);
    const client = await connection.client(timeoutMs);
    const lease = await connection.admit(request, options);
    try {
      const { data, response } = await client.responses
        .create({ ...body, stream: true }, connection.requestOptions(client, signal, timeoutMs))
        .withResponse();
      return { data, response, lease };
    } catch (error) {
      connection.settle(lease, { error });
      throw connection.fail(error, signal);
    }
  }
}

/**
 * A model on OpenAI's Responses API (`POST /v1/responses`), with the same options as
 * `openai()` and the same `Model` interface, so an agent runs the same over either API. The
 * conversation stays Chat Completions messages; each request maps them to Responses items and
 * each reply back. Reasoning items (with `encrypted_content`, asked for on reasoning models)
 * ride on the assistant message they came with, in its `responses_output` field, so they go back
 * in place next to the calls they preceded, and trimming keeps or drops them with those calls.
 * `store` is `false` unless set: nothing is kept by the provider.
 *
 * Failures are the same `ModelError`s as `openai()`'s (retryable or not by status, scrubbed of
 * the key, bounded by the same timeouts); a reply or stream the provider marks failed is
 * retryable when its code says the fault was the server's. Settings the Responses API has no
 * equivalent for (`seed`, `stop`, `n > 1`, ...) are refused with a `ConfigurationError`.
 *
 * @param name - The model name, e.g. `gpt-5-mini` or `o4-mini`.
 * @param options - Key, endpoint, client, headers, timeout; `store`, `encryptedReasoning`,
 *   `reasoning`.
 * @returns A {@link Model}.
 * @example
 * ```ts
 * const agent = new Agent({
 *   model: openaiResponses('gpt-5-mini', { reasoning: { summary: 'auto' } }),
 *   modelSettings: { reasoning_effort: 'low', max_completion_tokens: 2000 },
 *   tools: [getWeather],
 * });
 * ```
 */
export function openaiResponses(name: string, options: OpenAIResponsesModelOptions = {}): Model {
  checkModelOptions('openaiResponses', name, options);
  return new OpenAIResponsesModel(name, options);
}
