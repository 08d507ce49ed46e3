import { describe, expect, it, vi } from 'vitest';
import { isAbortError } from '../../packages/core/src/errors/abort-error.js';
import { ConfigurationError, ModelError } from '../../packages/core/src/errors/errors.js';
import {
  DEFAULT_MAX_RETRIES,
  type RetryInfo,
  retryDelay,
  withRetry,
} from '../../packages/core/src/models/retry.js';

const transient = (extra: Partial<ConstructorParameters<typeof ModelError>[0]> = {}) =>
  new ModelError({ message: 'busy', retryable: true, status: 503, ...extra });
const fatal = () => new ModelError({ message: 'bad request', retryable: false, status: 400 });

/** A script of outcomes: errors are thrown, anything else is returned. */
function script(...outcomes: Array<Error | string>) {
  const fn = vi.fn(async (_attempt: number) => {
    const next = outcomes[fn.mock.calls.length - 1];
    if (next instanceof Error) throw next;
    return next as string;
  });
  return fn;
}

function recorder() {
  const waits: number[] = [];
  const sleep = vi.fn(async (ms: number) => {
    waits.push(ms);
  });
  return { waits, sleep };
}

describe('withRetry', () => {
  it('retries transient errors and returns the first success, telling onRetry each time', async () => {
    const fn = script(transient(), transient(), 'ok');
    const { sleep } = recorder();
    const seen: RetryInfo[] = [];
    const result = await withRetry(fn, { sleep, random: () => 0.5, onRetry: (i) => seen.push(i) });
    expect(result).toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(fn.mock.calls.map((c) => c[0])).toEqual([0, 1, 2]);
    expect(seen.map((i) => i.attempt)).toEqual([1, 2]);
    expect(seen.every((i) => ModelError.isInstance(i.error))).toBe(true);
  });

  it('honours retryAfterMs (retry-after-ms / retry-after), capped at maxRetryAfterMs', async () => {
    const fn = script(
      transient({ retryAfterMs: 1500 }),
      transient({ retryAfterMs: 7000 }),
      transient({ retryAfterMs: 600_000 }),
      'ok',
    );
    const { waits, sleep } = recorder();
    const delays: number[] = [];
    await withRetry(fn, {
      sleep,
      random: () => 0,
      maxRetryAfterMs: 60_000,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    expect(waits).toEqual([1500, 7000, 60_000]);
    expect(delays).toEqual(waits);
  });

  it('backs off exponentially with full jitter up to maxDelayMs', async () => {
    const fn = script(...Array.from({ length: 6 }, () => transient()), 'ok');
    const { waits, sleep } = recorder();
    await withRetry(fn, {
      sleep,
      random: () => 0.999,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      maxRetries: 6,
    });
    expect(waits).toEqual([99, 199, 399, 799, 999, 999]);
    for (let i = 1; i < 4; i++) expect(waits[i]! / waits[i - 1]!).toBeGreaterThan(1.9);

    // Full jitter: the wait is random() times the ceiling, anywhere from 0.
    const err = transient();
    expect(retryDelay(3, err, { baseDelayMs: 100, random: () => 0 })).toBe(0);
    expect(retryDelay(3, err, { baseDelayMs: 100, random: () => 0.5 })).toBe(200);
  });

  it('stops after maxRetries and rethrows the last error', async () => {
    const last = transient({ message: 'still busy' });
    const fn = script(transient(), transient(), last, 'never');
    const { sleep } = recorder();
    await expect(withRetry(fn, { sleep, maxRetries: 2 })).rejects.toBe(last);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it(`retries ${DEFAULT_MAX_RETRIES} times by default`, async () => {
    const fn = script(...Array.from({ length: 10 }, () => transient()));
    const { sleep } = recorder();
    await expect(withRetry(fn, { sleep })).rejects.toThrow('busy');
    expect(fn).toHaveBeenCalledTimes(DEFAULT_MAX_RETRIES + 1);
  });

  it('fails at once on non-retryable errors, mid-stream failures and foreign errors', async () => {
    for (const error of [
      fatal(),
      new ModelError({ message: 'cut', retryable: true, midStream: true }),
      new TypeError('a bug'),
    ]) {
      const fn = script(error, 'never');
      const { sleep } = recorder();
      await expect(withRetry(fn, { sleep })).rejects.toBe(error);
      expect(fn).toHaveBeenCalledTimes(1);
      expect(sleep).not.toHaveBeenCalled();
    }
  });

  it('an abort during the wait rejects promptly, even with a sleep that ignores the signal', async () => {
    vi.useFakeTimers();
    try {
      for (const sleep of [undefined, () => new Promise<void>(() => {})]) {
        const controller = new AbortController();
        const fn = script(transient({ retryAfterMs: 30_000 }), 'never');
        const started = Date.now();
        let settled = false;
        const pending = withRetry(fn, { signal: controller.signal, sleep })
          .catch((e) => e)
          .finally(() => {
            settled = true;
          });
        // 10 ms into the 30 s wait: still waiting, until the abort.
        await vi.advanceTimersByTimeAsync(10);
        expect(settled).toBe(false);
        controller.abort();
        const error = await pending;
        expect(isAbortError(error)).toBe(true);
        expect(Date.now() - started).toBe(10);
        expect(fn).toHaveBeenCalledTimes(1);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not call fn when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    const fn = script('never');
    const error = await withRetry(fn, { signal: controller.signal }).catch((e) => e);
    expect(isAbortError(error)).toBe(true);
    expect((error as Error).message).toContain('user left');
    expect(fn).not.toHaveBeenCalled();
  });

  it('ignores an onRetry that throws', async () => {
    const fn = script(transient(), 'ok');
    const { sleep } = recorder();
    const onRetry = () => {
      throw new Error('listener bug');
    };
    await expect(withRetry(fn, { sleep, onRetry })).resolves.toBe('ok');
  });

  it('rejects bad options as configuration errors', async () => {
    const fn = script('ok');
    await expect(withRetry(fn, { maxRetries: -1 })).rejects.toSatisfy(
      ConfigurationError.isInstance,
    );
    await expect(withRetry(fn, { baseDelayMs: Number.NaN })).rejects.toThrow(/baseDelayMs/);
  });
});
