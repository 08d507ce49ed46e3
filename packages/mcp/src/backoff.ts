/**
 * The delay before reconnection attempt `attempt` (1 is the first, made at once): `initialMs`
 * before the second, doubling after each, never more than `maxMs`.
 *
 * @param attempt - The attempt about to be made, from 1.
 * @returns Milliseconds to wait first.
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  if (attempt <= 1) return 0;
  return Math.min(maxMs, initialMs * 2 ** (attempt - 2));
}

/** Waits `ms` milliseconds, or less when `signal` aborts (then rejects with its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
