import { ConfigurationError } from '../errors/errors.js';
import type { AgentEvent } from '../events/events.js';
import type { RunResult } from '../run/run-result.js';
import type { RunOptions } from './agent-options.js';
import type { ToolList } from './tool-calls.js';

/**
 * @internal How a streamed run hands events to its consumer: `push` never blocks; `ready`
 * returns a promise while the consumer is behind, and the loop awaits it between chunks of the
 * model's stream.
 */
export interface StreamSink {
  push(event: AgentEvent): void;
  ready(): Promise<void> | undefined;
}

/** @internal Starts the run with a sink and a signal the stream aborts when its consumer stops. */
export type StreamStarter<TOutput> = (
  sink: StreamSink,
  signal: AbortSignal,
) => Promise<RunResult<TOutput>>;

/** The default `highWaterMark` of a stream: 64 events. */
export const STREAM_HIGH_WATER_MARK = 64;

/**
 * Options of `agent.stream(input, options)`: the run options, plus the buffer size.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools, which type the `hooks`.
 */
export interface StreamOptions<TContext = unknown, TTools extends ToolList = ToolList>
  extends RunOptions<TContext, TTools> {
  /**
   * How many events may wait for the consumer before the agent stops reading the model's stream.
   * Reading resumes once the consumer has taken the buffer down to half of it.
   * @default 64 ({@link STREAM_HIGH_WATER_MARK})
   */
  highWaterMark?: number;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A streamed run: an async iterable of every event of the run (the very objects that
 * `agent.on(...)` listeners and run hooks receive, `text:delta` and `tool:args` included),
 * plus `result`, the same `RunResult` that `run()` returns.
 *
 * **Starting.** Nothing runs until iteration begins or `result` is read. Iterate first: when
 * `result` is read before any iteration, the run starts on the next microtask without keeping
 * events, and a later attempt to iterate throws a `TypeError` rather than silently missing the
 * beginning. (Reading `result` and starting the `for await` in the same tick is fine.)
 *
 * **Backpressure.** Events wait in a buffer. When it holds `highWaterMark` events, the agent
 * stops reading the model's stream (so the socket, and the provider, are paused too) until the
 * consumer has taken the buffer down to half. Only chunk events are held back this way: the few
 * events one step emits at once (a turn's `tool:start`/`tool:end` pairs, `turn:end`,
 * `model:start`, ...) are never dropped, so the buffer can exceed the mark by at most the events
 * of one turn that are not chunks. A slow consumer therefore never makes the run buffer a whole
 * reply. `bufferedCount` tells how many events are waiting. A consumer that keeps the iterator
 * but stops calling `next()` pauses the run indefinitely: `break` or `abort()` instead.
 *
 * **Ending.** After `run:end` the iterator finishes. After `run:error` it throws that error
 * (the same error `result` rejects with), unless the consumer itself stopped the run with
 * `abort()`: then it finishes quietly after `run:error`. Breaking out of the `for await` (or
 * calling `return()`) aborts the run, cancelling the model's stream and every running tool
 * (their `ctx.signal` aborts); the `break` completes once the run has wound down, so exactly one
 * terminal event (`run:error` with a `RunAbortedError`) has reached the agent's listeners by then.
 * `result` never causes an unhandled rejection when left unread.
 *
 * @typeParam TOutput - the run's output type, as for `run()`.
 * @typeParam TTools - the agent's tools, which type the tool events and `result.toolCalls`.
 * @example
 * ```ts
 * const stream = agent.stream('Weather in Paris?');
 * for await (const event of stream) {
 *   if (event.type === 'text:delta') process.stdout.write(event.delta);
 * }
 * const { usage } = await stream.result;
 * ```
 */
export class AgentStream<TOutput = string, TTools extends ToolList = ToolList>
  implements AsyncIterable<AgentEvent<TTools>>
{
  /** The number of buffered events at which the agent stops reading the model's stream. */
  readonly highWaterMark: number;
  readonly #start: StreamStarter<TOutput>;
  readonly #controller = new AbortController();
  readonly #buffer: AgentEvent<TTools>[] = [];
  readonly #outcome: Promise<RunResult<TOutput, TTools>>;
  // Typed loosely so that `AgentStream<T>` stays covariant in `T` (assignable to `AgentStream<unknown>`).
  #resolve!: (result: unknown) => void;
  #reject!: (error: unknown) => void;
  #started = false;
  #startScheduled = false;
  /** True when the run keeps events for an iterator (it started because iteration began). */
  #reading = false;
  #iteratorTaken = false;
  /** The iterator finished, returned or threw: nothing more is buffered or yielded. */
  #closed = false;
  #terminalPushed = false;
  #settled = false;
  #failure: { error: unknown } | undefined;
  #abortedByConsumer = false;
  #eventArrived: Promise<void> | undefined;
  #wakeReaders: (() => void) | undefined;
  #consumerCaughtUp: Promise<void> | undefined;
  #wakeProducer: (() => void) | undefined;

  /**
   * @internal Created by `agent.stream()`.
   * @param start - starts the run.
   * @param options - `highWaterMark`.
   */
  constructor(start: StreamStarter<TOutput>, { highWaterMark }: { highWaterMark?: number } = {}) {
    if (highWaterMark !== undefined && !(Number.isInteger(highWaterMark) && highWaterMark >= 1)) {
      throw new ConfigurationError(
        `highWaterMark must be a whole number of events >= 1, got ${String(highWaterMark)}.`,
        { option: 'highWaterMark' },
      );
    }
    this.highWaterMark = highWaterMark ?? STREAM_HIGH_WATER_MARK;
    this.#start = start;
    this.#outcome = new Promise<RunResult<TOutput, TTools>>((resolve, reject) => {
      this.#resolve = resolve as (result: unknown) => void;
      this.#reject = reject;
    });
    // The error reaches the consumer through the iterator or `result`; never unhandled.
    this.#outcome.catch(() => {});
  }

  /**
   * The run's result, the same as `run()` would return; rejects as `run()` would (a
   * `RunAbortedError` after `break` or `abort()`). Always the same promise.
   */
  get result(): Promise<RunResult<TOutput, TTools>> {
    if (!this.#started && !this.#startScheduled) {
      this.#startScheduled = true;
      queueMicrotask(() => this.#begin(false));
    }
    return this.#outcome;
  }

  /** How many events are waiting for the consumer. */
  get bufferedCount(): number {
    return this.#buffer.length;
  }

  /**
   * Aborts the run: the model's stream and running tools are cancelled, `result` rejects with
   * `RunAbortedError`, and the iterator yields the remaining events up to `run:error`, then ends
   * without throwing. Does nothing once the run has ended.
   *
   * @param reason - kept as the `RunAbortedError`'s `reason`.
   */
  abort(reason?: unknown): void {
    if (this.#settled || this.#terminalPushed) return;
    this.#abortedByConsumer = true;
    this.#controller.abort(
      reason ?? new DOMException('The stream was aborted by its consumer.', 'AbortError'),
    );
    this.#releaseProducer();
  }

  /**
   * The iterator of the run's events. A stream can be iterated once.
   * @throws TypeError when iterated a second time, or after the run started through `result`.
   */
  [Symbol.asyncIterator](): AsyncIterator<AgentEvent<TTools>> {
    if (this.#iteratorTaken) {
      throw new TypeError(
        'An AgentStream can be iterated only once; keep the events you need while iterating.',
      );
    }
    if (this.#started) {
      throw new TypeError(
        'This AgentStream cannot be iterated: its run already started without keeping events, because `result` was read before iteration began. Start the `for await` first, and read `result` during or after it.',
      );
    }
    this.#iteratorTaken = true;
    this.#begin(true);
    return {
      next: () => this.#next(),
      return: () => this.#return(),
    };
  }

  #begin(reading: boolean): void {
    if (this.#started) return;
    this.#started = true;
    this.#reading = reading;
    const sink: StreamSink = {
      push: (event) => this.#push(event),
      ready: () => this.#ready(),
    };
    let run: Promise<RunResult<TOutput>>;
    try {
      run = this.#start(sink, this.#controller.signal);
    } catch (error) {
      run = Promise.reject(error);
    }
    run.then(
      (result) => {
        this.#settle(undefined);
        this.#resolve(result);
      },
      (error: unknown) => {
        this.#settle({ error });
        this.#reject(error);
      },
    );
  }

  #push(event: AgentEvent): void {
    // Without an iterator nobody can read events; after the terminal event nothing belongs.
    if (!this.#reading || this.#closed || this.#terminalPushed) return;
    // The stream's own run ends it; a child's (an agent called as a tool) only ends that child.
    if (
      (event.type === 'run:end' || event.type === 'run:error') &&
      event.parentRunId === undefined
    ) {
      this.#terminalPushed = true;
    }
    // The loop emits the wide event types; a run of this agent emits only its tools' events.
    this.#buffer.push(event as AgentEvent<TTools>);
    this.#notifyReaders();
  }

  #ready(): Promise<void> | undefined {
    if (
      !this.#reading ||
      this.#closed ||
      this.#settled ||
      this.#controller.signal.aborted ||
      this.#buffer.length < this.highWaterMark
    ) {
      return undefined;
    }
    this.#consumerCaughtUp ??= new Promise<void>((resolve) => {
      this.#wakeProducer = resolve;
    });
    return this.#consumerCaughtUp;
  }

  #settle(failure: { error: unknown } | undefined): void {
    this.#failure = failure;
    this.#settled = true;
    this.#notifyReaders();
    this.#releaseProducer();
  }

  async #next(): Promise<IteratorResult<AgentEvent<TTools>>> {
    for (;;) {
      if (this.#closed) return DONE;
      const event = this.#buffer.shift();
      if (event !== undefined) {
        if (this.#buffer.length <= Math.floor(this.highWaterMark / 2)) this.#releaseProducer();
        return { done: false, value: event };
      }
      if (this.#settled) {
        this.#closed = true;
        const failure = this.#failure;
        if (failure && !this.#abortedByConsumer) throw failure.error;
        return DONE;
      }
      await this.#waitForEvent();
    }
  }

  async #return(): Promise<IteratorResult<AgentEvent<TTools>>> {
    if (!this.#closed) {
      this.#closed = true;
      this.#buffer.length = 0;
      if (!this.#settled && !this.#terminalPushed) {
        this.#abortedByConsumer = true;
        this.#controller.abort(
          new DOMException(
            'The stream consumer stopped reading (break, return or cancel).',
            'AbortError',
          ),
        );
      }
      this.#releaseProducer();
      this.#notifyReaders();
    }
    // `break` completes once the run has wound down: its terminal event has been emitted.
    await this.#outcome.then(
      () => undefined,
      () => undefined,
    );
    return DONE;
  }

  #waitForEvent(): Promise<void> {
    this.#eventArrived ??= new Promise<void>((resolve) => {
      this.#wakeReaders = resolve;
    });
    return this.#eventArrived;
  }

  #notifyReaders(): void {
    const wake = this.#wakeReaders;
    this.#eventArrived = undefined;
    this.#wakeReaders = undefined;
    wake?.();
  }

  #releaseProducer(): void {
    const wake = this.#wakeProducer;
    this.#consumerCaughtUp = undefined;
    this.#wakeProducer = undefined;
    wake?.();
  }
}
