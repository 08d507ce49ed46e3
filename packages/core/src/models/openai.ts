import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { throwIfAborted } from '../errors/abort-error.js';
import type {
  Model,
  ModelCallOptions,
  ModelRequest,
  ModelResponse,
  ModelStreamEvent,
} from './model.js';
import { checkModelOptions, OpenAIConnection, type OpenAIModelOptions } from './openai-client.js';
import { fromCompletion } from './openai-response.js';
import type { SentStream } from './reply-stream.js';
import { withoutOutputEntries } from './responses-output.js';
import { StreamAccumulator } from './stream-accumulator.js';

export type { OpenAIModelOptions } from './openai-client.js';

class OpenAIChatModel implements Model {
  readonly name: string;
  readonly #connection: OpenAIConnection;

  constructor(name: string, options: OpenAIModelOptions) {
    this.name = name;
    this.#connection = new OpenAIConnection(name, 'openai', options);
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const { signal } = options;
    throwIfAborted(signal);
    const connection = this.#connection;
    const timeoutMs = connection.clientTimeout(options.timeoutMs);
    const client = await connection.client(timeoutMs);
    const lease = await connection.admit(request, options);
    let reply: ModelResponse;
    try {
      const created = client.chat.completions.create(
        {
          ...request,
          messages: withoutOutputEntries(request.messages),
          model: this.name,
          stream: false,
        },
        connection.requestOptions(client, signal, timeoutMs),
      );
      // The raw response serves only the limiter (its headers): without one, the reply alone,
      // which spares the client's promises of `withResponse()`.
      const { data: completion, response } = lease
        ? await created.withResponse()
        : { data: await created, response: undefined };
      reply = fromCompletion(completion, this.name, connection.secrets);
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
    const acc = new StreamAccumulator();
    return connection.readReply(
      () => this.#send(request, options),
      {
        accumulator: acc,
        finish: () => acc.toResponse(),
        fromWhole: (body) => fromCompletion(body, this.name, connection.secrets),
        unit: 'chunk',
        missingEnd: 'no finish_reason',
      },
      options,
    );
  }

  /** Sends a streamed request once the limiter admits it; a failure to send settles its lease. */
  async #send(
    request: ModelRequest,
    options: ModelCallOptions,
  ): Promise<SentStream<ChatCompletionChunk>> {
    const { signal } = options;
    throwIfAborted(signal);
    const connection = this.#connection;
    const timeoutMs = connection.clientTimeout(options.timeoutMs);
    const client = await connection.client(timeoutMs);
    const lease = await connection.admit(request, options);
    try {
      const { data, response } = await client.chat.completions
        .create(
          {
            ...request,
            messages: withoutOutputEntries(request.messages),
            model: this.name,
            stream: true,
            stream_options: { include_usage: true },
          },
          connection.requestOptions(client, signal, timeoutMs),
        )
        .withResponse();
      return { data, response, lease };
    } catch (error) {
      connection.settle(lease, { error });
      throw connection.fail(error, signal);
    }
  }
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
  checkModelOptions('openai', name, options);
  return new OpenAIChatModel(name, options);
}
