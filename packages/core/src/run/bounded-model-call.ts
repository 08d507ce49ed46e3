import { ModelError } from '../errors/model-error.js';
import type { ModelCallEvent, ModelCallOptions, ModelStreamEvent } from '../models/model.js';
import { canAbort } from './abort.js';
import type { ResolvedModelTimeouts } from './model-timeouts.js';

/** What one bounded attempt of a model call hands to the model. */
export interface BoundedAttempt {
  /** Aborted when the run aborts or a bound fires. */
  readonly signal: AbortSignal;
  /** The options to call the model with: the attempt's signal, `onChunk`, the first-byte bound. */
  readonly callOptions: ModelCallOptions;
  /**
   * The model's stream, timed: the wait for each event is bounded (the first by `firstByteMs`,
   * the others by `idleMs`), and the time between events, while the loop works, is not.
   */
  watch(events: AsyncIterable<ModelStreamEvent>): AsyncIterable<ModelStreamEvent>;
}

/** Where a bounded call runs. */
export interface BoundedCallOptions {
  /** The run's signal: aborting it aborts the attempt, which then rejects with its reason. */
  signal: AbortSignal;
  /** The model's name, for messages. */
  model: string;
  /** How the reply is read; only a streamed one has chunks, and so an idle bound. */
  mode: 'generate' | 'stream';
  timeouts: ResolvedModelTimeouts;
  /** What the model reports about the call (see `ModelCallOptions.onEvent`). */
  onEvent?: ((event: ModelCallEvent) => void) | undefined;
}

/**
 * Runs one attempt of a model call under the bounds: it settles with `call`'s outcome, or
 * rejects with a retryable `ModelError` (`timeout: 'first_byte' | 'idle'`) as soon as a bound
 * fires, or with the run signal's reason as soon as the run aborts. Either way the attempt's
 * signal is aborted, so the model cancels its request, and a later settlement of `call` is
 * ignored. Nothing is left behind: no timer, no listener on the run's signal.
 *
 * @param options - the run's signal, the model's name, the mode and the bounds.
 * @param call - the attempt; it must call the model with `attempt.callOptions` and read a
 *   stream through `attempt.watch`.
 */
export function boundedModelCall<T>(
  options: BoundedCallOptions,
  call: (attempt: BoundedAttempt) => Promise<T>,
): Promise<T> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const clock = new AttemptClock(options, (error) => {
      finish();
      reject(error);
    });
    const onAbort = () => {
      clock.abort(signal.reason);
      finish();
      reject(signal.reason);
    };
    // A run nobody can abort aborts its signal only once it has failed, when no model call is
    // in flight: its calls need no listener (adding and removing one is a good part of what the
    // bounds cost a call).
    const watched = canAbort(signal);
    const finish = () => {
      clock.stop();
      if (watched) signal.removeEventListener('abort', onAbort);
    };
    if (watched) signal.addEventListener('abort', onAbort, { once: true });
    let pending: Promise<T>;
    try {
      pending = call(clock);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        if (clock.settled()) return;
        finish();
        resolve(value);
      },
      (error: unknown) => {
        if (clock.settled()) return;
        finish();
        reject(error);
      },
    );
  });
}

/**
 * The timer of one attempt. It runs only while the loop waits on the model, against a
 * deadline that data pushes back; one timer is kept and re-armed lazily when it fires early, so
 * a chunk costs a clock read, not a timer.
 */
class AttemptClock implements BoundedAttempt {
  readonly #controller = new AbortController();
  readonly callOptions: ModelCallOptions;
  readonly #options: BoundedCallOptions;
  readonly #fail: (error: ModelError) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #deadline = Number.POSITIVE_INFINITY;
  #waiting = false;
  #started = false;
  #done = false;
  #events = 0;
  #text = '';

  constructor(options: BoundedCallOptions, fail: (error: ModelError) => void) {
    this.#options = options;
    this.#fail = fail;
    this.callOptions = {
      signal: this.#controller.signal,
      timeoutMs: options.timeouts.firstByteMs,
      onEvent: (event) => {
        // A model that reports after the attempt ended (aborted, timed out) is not heard.
        if (this.#done) return;
        if (event.type === 'rate_limited') this.#postpone(event.waitMs);
        options.onEvent?.(event);
      },
      ...(options.mode === 'stream' ? { onChunk: () => this.#data() } : {}),
    };
    this.#wait();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the attempt has settled one way or another. */
  settled(): boolean {
    return this.#done;
  }

  /** Ends the attempt: no more timing. */
  stop(): void {
    this.#done = true;
    this.#waiting = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Aborts the model's request with `reason`. */
  abort(reason: unknown): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }

  /**
   * A plain iterator, not an async generator: a generator layer costs a few more microtasks per
   * event, and a streamed run has a hundred events or more.
   */
  watch(events: AsyncIterable<ModelStreamEvent>): AsyncIterable<ModelStreamEvent> {
    const iterator = events[Symbol.asyncIterator]();
    let open = true;
    const watched: AsyncIterableIterator<ModelStreamEvent> = {
      [Symbol.asyncIterator]: () => watched,
      next: () => {
        this.#wait();
        return iterator.next().then(
          (next) => {
            this.#arrived(next.done ? undefined : next.value);
            if (next.done) open = false;
            return next;
          },
          (error: unknown) => {
            open = false;
            throw error;
          },
        );
      },
      // The loop stopped reading (the reply is complete, or the attempt failed): close the
      // model's stream so it releases its request.
      return: async () => {
        if (open) {
          open = false;
          await iterator.return?.();
        }
        return { done: true, value: undefined };
      },
    };
    return watched;
  }

  /** The loop starts waiting on the model. */
  #wait(): void {
    if (this.#done || this.#waiting) return;
    this.#waiting = true;
    this.#push(this.#started ? this.#options.timeouts.idleMs : this.#options.timeouts.firstByteMs);
  }

  /** An event arrived: the loop works on it, untimed, until it asks for the next one. */
  #arrived(event: ModelStreamEvent | undefined): void {
    this.#started = true;
    this.#waiting = false;
    if (event !== undefined && event.type !== 'response') {
      this.#events += 1;
      if (event.type === 'text-delta') this.#text += event.delta;
    }
  }

  /** The model received a data chunk (perhaps one that yields no event): it is alive. */
  #data(): void {
    this.#started = true;
    if (this.#waiting && !this.#done) this.#push(this.#options.timeouts.idleMs);
  }

  /**
   * The request waits `ms` for its rate limiter before it is sent: the first-byte bound starts
   * again after the wait, since the provider has not been asked yet.
   */
  #postpone(ms: number): void {
    if (this.#done || !this.#waiting || this.#started) return;
    this.#push(Math.max(0, ms) + this.#options.timeouts.firstByteMs);
  }

  /** Moves the deadline to `ms` from now, arming the timer when it would fire too late. */
  #push(ms: number): void {
    const now = performance.now();
    this.#deadline = now + ms;
    if (this.#timer !== undefined && this.#timerAt <= this.#deadline) return;
    // A stream's first wait arms the timer for the shorter of its two bounds, so that the first
    // chunk (from then on the idle bound counts) need not arm a second one; firing early only
    // re-arms it for the rest.
    const { mode, timeouts } = this.#options;
    this.#arm(mode === 'stream' ? Math.min(ms, timeouts.idleMs) : ms, now);
  }

  #arm(ms: number, now: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = now + ms;
    this.#timer = setTimeout(() => this.#ring(), Math.max(0, Math.ceil(ms)));
  }

  #ring(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.#done || !this.#waiting) return;
    const now = performance.now();
    if (now < this.#deadline) {
      this.#arm(this.#deadline - now, now);
      return;
    }
    const error = this.#timeoutError();
    this.abort(error);
    this.#fail(error);
  }

  #timeoutError(): ModelError {
    const { model, mode, timeouts } = this.#options;
    const idle = this.#started;
    const timeoutMs = idle ? timeouts.idleMs : timeouts.firstByteMs;
    const shown = this.#events > 0;
    let message: string;
    if (!idle) {
      message =
        mode === 'stream'
          ? `${model} sent no data within ${timeoutMs} ms of the request (timeouts.firstByteMs), so the request was cancelled; it is retried. Keep-alive comments do not count. If the model needs longer before it starts answering (reasoning models can), raise timeouts.firstByteMs.`
          : `${model} did not answer within ${timeoutMs} ms (timeouts.firstByteMs), so the request was cancelled; it is retried. A reply that is not streamed arrives whole, after all the thinking and writing: for a slow or reasoning model raise timeouts.firstByteMs, or stream the run.`;
    } else if (shown) {
      message = `The stream from ${model} stalled: no data for ${timeoutMs} ms (timeouts.idleMs) after ${this.#text.length} characters of text had arrived, so it was cancelled. It is not retried, because the text already streamed would be repeated. Keep-alive comments do not count as data; raise timeouts.idleMs if the model pauses this long.`;
    } else {
      message = `The stream from ${model} started, then sent no data for ${timeoutMs} ms (timeouts.idleMs), so the request was cancelled; it is retried. Keep-alive comments do not count as data; raise timeouts.idleMs if the model pauses this long.`;
    }
    return new ModelError({
      message,
      retryable: true,
      model,
      timeout: idle ? 'idle' : 'first_byte',
      timeoutMs,
      ...(shown ? { midStream: true, partialText: this.#text } : {}),
    });
  }
}
