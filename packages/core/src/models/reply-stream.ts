import { createAbortError } from '../errors/abort-error.js';
import { ModelError, type PartialToolCall } from '../errors/model-error.js';
import type { RateLimitLease } from '../limits/request-limiter.js';
import type { ModelCallOptions, ModelResponse, ModelStreamEvent } from './model.js';

/** A streamed request once sent: the wire events, the raw HTTP response and its limiter lease. */
export interface SentStream<Event> {
  data: AsyncIterable<Event>;
  response: Response;
  lease: RateLimitLease | undefined;
}

/** How one wire API's stream becomes a reply: what a {@link ReplyStream} needs of it. */
export interface ReplyStreamReader<Event> {
  /** Folds the wire events into model stream events and, at the end, the reply. */
  accumulator: {
    readonly chunks: number;
    readonly finished: boolean;
    readonly partialText: string;
    readonly partialToolCalls: PartialToolCall[];
    push(event: Event): ModelStreamEvent[];
  };
  /** The reply when the stream finished. */
  finish(): ModelResponse;
  /** The reply from a whole JSON body sent in place of the stream. */
  fromWhole(body: unknown): ModelResponse;
  /** What one wire event is called in messages: `chunk`, `event`. */
  unit: string;
  /** What a finished stream has and this one did not, for the message. */
  missingEnd: string;
}

/** What a stream had delivered when it failed, for the error. */
export interface StreamProgress {
  chunks: number;
  text: string;
  toolCalls: readonly PartialToolCall[];
}

/** What a {@link ReplyStream} needs of the connection it reads through (`OpenAIConnection`). */
export interface ReplyConnection {
  /** The model name, for messages. */
  readonly model: string;
  fail(error: unknown, signal: AbortSignal | undefined, stream?: StreamProgress): Error;
  wholeBodyOf(
    response: Response,
    signal: AbortSignal | undefined,
  ): Promise<{ body: unknown } | undefined>;
  settle(
    lease: RateLimitLease | undefined,
    answer: { response?: Response; usage?: ModelResponse['usage'] },
  ): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A streamed reply read on demand, the same for both wire APIs: the request is sent on the first
 * `next()`; a whole JSON body in place of the stream becomes one reply; each wire event goes
 * through the accumulator; a stream that breaks or ends before the model finished becomes a
 * `ModelError` with what had arrived. The limiter's lease is settled once, when the reply is
 * whole (with its usage), when the stream fails, or when the reader stops early (`return()`,
 * which also closes the wire stream).
 *
 * A plain async iterator rather than async generators: a generator layer costs a few promises
 * and microtasks per event it passes on, and a streamed reply has dozens of chunks.
 */
export class ReplyStream<Event> implements AsyncIterableIterator<ModelStreamEvent, void> {
  readonly #connection: ReplyConnection;
  readonly #send: () => Promise<SentStream<Event>>;
  readonly #reader: ReplyStreamReader<Event>;
  readonly #options: ModelCallOptions;
  #sent: SentStream<Event> | undefined;
  #source: AsyncIterator<Event> | undefined;
  /** Events made from one wire event and not handed out yet. */
  #queue: ModelStreamEvent[] = [];
  /** Nothing more is read: the reply is whole, the stream failed, or the reader returned. */
  #closed = false;

  /**
   * @param connection - Failures, whole bodies and the limiter.
   * @param send - Sends the request (after its limiter admitted it); settles its lease itself
   *   when sending fails.
   * @param reader - How this API's events and whole bodies become replies.
   * @param options - The caller's signal and chunk callback.
   */
  constructor(
    connection: ReplyConnection,
    send: () => Promise<SentStream<Event>>,
    reader: ReplyStreamReader<Event>,
    options: ModelCallOptions,
  ) {
    this.#connection = connection;
    this.#send = send;
    this.#reader = reader;
    this.#options = options;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ModelStreamEvent, void>> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return { done: false, value: queued };
    if (this.#closed) return DONE;
    const { signal } = this.#options;
    const acc = this.#reader.accumulator;
    try {
      if (this.#source === undefined) {
        const whole = await this.#open();
        if (whole) return { done: false, value: whole };
      }
      const source = this.#source as AsyncIterator<Event>;
      // The loop of a chunk is here, not in a helper: an async helper would cost a promise and
      // a tick per chunk.
      for (;;) {
        let next: IteratorResult<Event>;
        try {
          next = await source.next();
        } catch (error) {
          throw this.#connection.fail(error, signal, this.#progress());
        }
        if (next.done) return { done: false, value: this.#finish() };
        let events: ModelStreamEvent[];
        try {
          // SSE comments (keep-alives) never get here: the client's parser drops them.
          this.#options.onChunk?.();
          events = acc.push(next.value);
        } catch (error) {
          await closeQuietly(source);
          throw this.#connection.fail(error, signal, this.#progress());
        }
        const first = events[0];
        if (first === undefined) continue;
        for (let i = 1; i < events.length; i++) this.#queue.push(events[i] as ModelStreamEvent);
        return { done: false, value: first };
      }
    } catch (error) {
      this.#close(undefined);
      throw error;
    }
  }

  async return(): Promise<IteratorResult<ModelStreamEvent, void>> {
    this.#queue.length = 0;
    if (!this.#closed) {
      const source = this.#source;
      this.#close(undefined);
      await source?.return?.();
    }
    return DONE;
  }

  /**
   * Sends the request and looks at the answer: a whole JSON body in place of the stream is the
   * reply (its first event is returned); server-sent events become the source to read.
   */
  async #open(): Promise<ModelStreamEvent | undefined> {
    const { signal } = this.#options;
    const sent = await this.#send();
    this.#sent = sent;
    const whole = await this.#connection.wholeBodyOf(sent.response, signal);
    if (!whole) {
      this.#source = sent.data[Symbol.asyncIterator]();
      return undefined;
    }
    // Some OpenAI-compatible servers ignore `stream: true` and send one whole reply.
    let reply: ModelResponse;
    try {
      reply = this.#reader.fromWhole(whole.body);
    } catch (error) {
      throw this.#connection.fail(error, signal);
    }
    return this.#end(reply, reply.message.content);
  }

  /** The source has ended: the reply's `response` event, or why there is no reply. */
  #finish(): ModelStreamEvent {
    const { signal } = this.#options;
    const reader = this.#reader;
    const acc = reader.accumulator;
    // The client ends a stream quietly when its request is aborted; that is not an answer.
    if (signal?.aborted) throw createAbortError(signal);
    if (!acc.finished) {
      const model = this.#connection.model;
      throw this.#connection.fail(
        new ModelError({
          message:
            acc.chunks === 0
              ? `The stream from ${model} ended before any ${reader.unit} arrived.`
              : `The stream from ${model} ended before the model finished (${reader.missingEnd}).`,
          retryable: acc.chunks === 0,
          model,
          midStream: acc.chunks > 0,
          partialText: acc.partialText,
          partialToolCalls: acc.partialToolCalls,
        }),
        signal,
      );
    }
    let reply: ModelResponse;
    try {
      reply = reader.finish();
    } catch (error) {
      throw this.#connection.fail(error, signal, this.#progress());
    }
    return this.#end(reply, null);
  }

  /** The reply is whole: the limiter is told, and its events (the text of a whole body first) queued. */
  #end(reply: ModelResponse, text: ModelResponse['message']['content']): ModelStreamEvent {
    this.#close(reply);
    const response: ModelStreamEvent = { type: 'response', response: reply };
    if (!text) return response;
    this.#queue.push(response);
    return { type: 'text-delta', delta: text };
  }

  /** Stops reading; the lease of a request that was sent is settled (with the reply's usage). */
  #close(reply: ModelResponse | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#source = undefined;
    const sent = this.#sent;
    if (sent) this.#connection.settle(sent.lease, { response: sent.response, usage: reply?.usage });
  }

  #progress(): StreamProgress {
    const acc = this.#reader.accumulator;
    return { chunks: acc.chunks, text: acc.partialText, toolCalls: acc.partialToolCalls };
  }
}

/** Closes a wire stream after a failure to take its event: that failure is the one reported. */
async function closeQuietly(source: AsyncIterator<unknown>): Promise<void> {
  try {
    await source.return?.();
  } catch {
    // Reported: the failure that made the stream close.
  }
}
