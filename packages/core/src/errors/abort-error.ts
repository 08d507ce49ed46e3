/**
 * Abort errors: what a model (or any step) throws when the caller's signal aborts it, so the loop
 * can tell a cancellation from a failure and turn it into `RunAbortedError`.
 *
 * @module
 */

/**
 * True when `error` means "cancelled by an abort signal": a `DOMException` or `Error` named
 * `AbortError` (what `fetch`, `AbortSignal.abort()`, the models and `withRetry` throw).
 *
 * @param error - anything caught.
 * @returns whether it is an abort error.
 * @example
 * ```ts
 * try { await model.generate(request, { signal }); }
 * catch (e) { if (isAbortError(e)) return; throw e; }
 * ```
 */
export function isAbortError(error: unknown): error is Error & { name: 'AbortError' } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/**
 * The error to throw when `signal` has aborted: an `Error` named `AbortError` whose `cause` is the
 * signal's `reason` (so a reason the caller gave is kept), recognised by {@link isAbortError}.
 *
 * @param signal - the aborted signal, when there is one.
 * @returns a new abort error.
 */
export function createAbortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  const detail =
    reason === undefined || (reason instanceof Error && reason.name === 'AbortError')
      ? ''
      : `: ${reason instanceof Error ? reason.message : String(reason)}`;
  const error = new Error(
    `The operation was aborted${detail}.`,
    reason === undefined ? undefined : { cause: reason },
  );
  error.name = 'AbortError';
  return error;
}

/**
 * Throws {@link createAbortError} when `signal` has aborted; does nothing otherwise.
 * @param signal - the signal to check.
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw createAbortError(signal);
}

/**
 * Waits `ms` milliseconds, or rejects with an abort error as soon as `signal` aborts.
 * @param ms - how long to wait.
 * @param signal - cancels the wait.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(createAbortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(createAbortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
