/** Signals of runs nobody can abort; kept weakly, so each goes with its run. */
const uncancellable = new WeakSet<AbortSignal>();

/**
 * Marks the signal of a run nobody can abort (no `signal` given, no `deadlineMs`, not streamed).
 * Each run gets its own, so listeners a tool leaves on it go away with the run. Waiting on it
 * needs no listener. (The run itself still aborts it when it fails, to stop the tools it
 * started. The model always gets a signal of its own: its call's timeouts abort it.)
 */
export function markUncancellable(signal: AbortSignal): AbortSignal {
  uncancellable.add(signal);
  return signal;
}

/** Whether anything can abort `signal`. */
export const canAbort = (signal: AbortSignal): boolean => !uncancellable.has(signal);

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts, whichever comes first: with
 * `abortError(signal)`, by default the signal's reason. The listener is removed either way, and
 * a later rejection of an abandoned promise is swallowed so it never becomes an unhandled
 * rejection.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  abortError: (signal: AbortSignal) => unknown = (s) => s.reason,
): Promise<T> {
  if (!signal || !canAbort(signal)) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
