import { abortableSleep, createAbortError, throwIfAborted } from '../errors/abort-error.js';
import { ConfigurationError, ModelError } from '../errors/errors.js';
import { raceAbort } from '../run/abort.js';

/** What `onRetry` is told before each wait. */
export interface RetryInfo {
  /** Which retry this is: 1 for the first retry (the second attempt). */
  attempt: number;
  /** How long the wait before it lasts, in milliseconds. */
  delayMs: number;
  /** The retryable error that caused it. */
  error: ModelError;
}

/**
 * How transient model errors are retried. The user-facing part (`Agent({ retry })`) is
 * `maxRetries`, `baseDelayMs`, `maxDelayMs` and `maxRetryAfterMs`; the loop adds the rest.
 */
export interface RetryOptions {
  /**
   * How many times a failed call is retried (so at most `maxRetries + 1` attempts).
   * @default 3
   */
  maxRetries?: number | undefined;
  /**
   * The backoff of the first retry; it doubles with each retry, before jitter.
   * @default 500
   */
  baseDelayMs?: number | undefined;
  /**
   * The most the backoff grows to, before jitter.
   * @default 8000
   */
  maxDelayMs?: number | undefined;
  /**
   * The longest wait a provider's `retry-after` is honoured up to; longer requests are capped.
   * @default 60000
   */
  maxRetryAfterMs?: number | undefined;
  /** Aborts the wait between attempts at once (and stops further attempts). */
  signal?: AbortSignal | undefined;
  /** Called before each wait, e.g. to emit `model:retry`. An error it throws is ignored. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Waits between attempts; injectable for tests. Must honour `signal`. @default a timer */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** A random number in [0, 1) for the jitter; injectable for tests. @default Math.random */
  random?: (() => number) | undefined;
}

/** The default number of retries: 3 (four attempts in all). */
export const DEFAULT_MAX_RETRIES = 3;

/**
 * Whether `error` may be retried: a `ModelError` marked `retryable` that did not fail mid-stream.
 * @param error - anything thrown by a model call.
 */
export function isRetryable(error: unknown): error is ModelError {
  return ModelError.isInstance(error) && error.retryable && !error.midStream;
}

/**
 * The wait before retry number `attempt` (1-based): the provider's `retryAfterMs` when it gave
 * one (a finite number >= 0, capped at `maxRetryAfterMs`), otherwise exponential backoff with full jitter,
 * `random() * min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))`.
 */
export function retryDelay(
  attempt: number,
  error: ModelError,
  {
    baseDelayMs = 500,
    maxDelayMs = 8000,
    maxRetryAfterMs = 60_000,
    random = Math.random,
  }: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'random'> = {},
): number {
  const asked = error.retryAfterMs;
  if (asked !== undefined && Number.isFinite(asked) && asked >= 0) {
    return Math.min(asked, maxRetryAfterMs);
  }
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Calls `fn` and retries it while it fails with a retryable `ModelError` (429, 408, 409, 5xx,
 * connection faults; never a stream that failed mid-way), with exponential backoff and full
 * jitter, honouring the provider's `retry-after`. Anything else is rethrown at once, and so is
 * the last error once `maxRetries` is spent. Aborting `signal` ends a wait at once with an
 * `AbortError` (see `isAbortError`).
 *
 * @param fn - one attempt; it receives the attempt number (0 for the first).
 * @param options - see {@link RetryOptions}.
 * @returns what `fn` returned on its first success.
 * @example
 * ```ts
 * const reply = await withRetry(() => model.generate(request, { signal }), {
 *   signal,
 *   onRetry: ({ attempt, delayMs, error }) => log(`retry ${attempt} in ${delayMs} ms: ${error.message}`),
 * });
 * ```
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { maxRetries = DEFAULT_MAX_RETRIES, signal, onRetry, sleep = abortableSleep } = options;
  validate(options, maxRetries);
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted || attempt >= maxRetries || !isRetryable(error)) throw error;
      const delayMs = retryDelay(attempt + 1, error, options);
      try {
        onRetry?.({ attempt: attempt + 1, delayMs, error });
      } catch {
        // A failing observer must not turn a recoverable fault into a failed run.
      }
      // Rejects at once on abort, even with an injected sleep that ignores the signal.
      await raceAbort(sleep(delayMs, signal), signal, createAbortError);
    }
  }
}

function validate(options: RetryOptions, maxRetries: number): void {
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new ConfigurationError(
      `retry.maxRetries must be a whole number >= 0 (0 turns retries off), got ${String(maxRetries)}.`,
      { option: 'retry.maxRetries' },
    );
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new ConfigurationError(
        `retry.${key} must be a finite number of milliseconds >= 0, got ${String(value)}.`,
        { option: `retry.${key}` },
      );
    }
  }
}
