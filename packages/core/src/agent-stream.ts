import type { AgentEvent } from './events.js';
import type { RunResult } from './run-result.js';

/**
 * How a streamed run hands events to its consumer: `push` never blocks; `ready` resolves when
 * the consumer has caught up, and the loop awaits it between chunks of the model's stream.
 */
export interface StreamSink {
  push(event: AgentEvent): void;
  ready(): Promise<void> | undefined;
}

/** Starts the run with a sink and a signal the stream aborts when its consumer stops. */
export type StreamStarter<TOutput> = (
  sink: StreamSink,
  signal: AbortSignal,
) => Promise<RunResult<TOutput>>;

/**
 * The events buffered before the model stream is paused. Events emitted by one step (for
 * example the `tool:end` events of a turn) are never dropped, so the buffer may briefly exceed it.
 */
export const STREAM_HIGH_WATER_MARK = 64;

/**
 * A streamed run: an async iterable of every event of the run (the same objects listeners
 * receive), plus `result`.
 *
 * Backpressure: events wait in a buffer; when it holds `STREAM_HIGH_WATER_MARK` events the
 * agent stops reading the model's stream until the consumer catches up, so a slow consumer
 * never makes the producer buffer without bound.
 *
 * The run starts when iteration starts or `result` is first read. Breaking out of the
 * `for await` aborts the run (model stream and tools). When the run fails, the iterator yields
 * the `run:error` event and then throws its error.
 */
export class AgentStream<TOutput = string> implements AsyncIterable<AgentEvent> {
  readonly #start: StreamStarter<TOutput>;
  readonly #controller = new AbortController();
  readonly #buffer: AgentEvent[] = [];
  #result: Promise<RunResult<TOutput>> | undefined;
  #iterating = false;
  #finished = false;
  #failure: { error: unknown } | undefined;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;

  /** @internal Created by `agent.stream()`. */
  constructor(start: StreamStarter<TOutput>) {
    this.#start = start;
  }

  /** The run's result, the same as `run()` would return; rejects as `run()` would. */
  get result(): Promise<RunResult<TOutput>> {
    return this.#begin();
  }

  /** Aborts the run; the iterator ends and `result` rejects with `RunAbortedError`. */
  abort(reason?: unknown): void {
    this.#controller.abort(reason ?? new Error('The stream was aborted by its consumer.'));
  }

  [Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    if (this.#iterating) {
      throw new TypeError('An AgentStream can be iterated only once; keep the events you need.');
    }
    this.#iterating = true;
    this.#begin();
    return {
      next: () => this.#next(),
      return: async () => {
        this.#stopReading();
        return { done: true, value: undefined };
      },
    };
  }

  #begin(): Promise<RunResult<TOutput>> {
    if (this.#result) return this.#result;
    const sink: StreamSink = {
      push: (event) => this.#push(event),
      ready: () => this.#ready(),
    };
    this.#result = this.#start(sink, this.#controller.signal).then(
      (result) => {
        this.#finish(undefined);
        return result;
      },
      (error: unknown) => {
        this.#finish({ error });
        throw error;
      },
    );
    // The error reaches the consumer through `result` or the iterator; never unhandled.
    this.#result.catch(() => {});
    return this.#result;
  }

  #push(event: AgentEvent): void {
    // Nobody can read events until iteration starts; only `result` is wanted then.
    if (!this.#iterating || this.#finished) return;
    this.#buffer.push(event);
    this.#wakeConsumer?.();
  }

  #ready(): Promise<void> | undefined {
    if (this.#buffer.length < STREAM_HIGH_WATER_MARK || this.#finished) return undefined;
    return new Promise<void>((resolve) => {
      this.#wakeProducer = resolve;
    });
  }

  #finish(failure: { error: unknown } | undefined): void {
    this.#failure = failure;
    this.#finished = true;
    this.#wakeConsumer?.();
    this.#wakeProducer?.();
  }

  async #next(): Promise<IteratorResult<AgentEvent>> {
    for (;;) {
      const event = this.#buffer.shift();
      if (event) {
        if (this.#buffer.length < STREAM_HIGH_WATER_MARK / 2) this.#releaseProducer();
        return { done: false, value: event };
      }
      if (this.#finished) {
        const failure = this.#failure;
        this.#failure = undefined;
        if (failure && !this.#controller.signal.aborted) throw failure.error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
      });
      this.#wakeConsumer = undefined;
    }
  }

  #releaseProducer(): void {
    const wake = this.#wakeProducer;
    this.#wakeProducer = undefined;
    wake?.();
  }

  #stopReading(): void {
    if (!this.#finished) {
      this.#controller.abort(new Error('The stream consumer stopped reading.'));
    }
    this.#buffer.length = 0;
    this.#finished = true;
    this.#releaseProducer();
    this.#wakeConsumer?.();
  }
}
