import { ConfigurationError, isAbortError, RateLimiter } from '@agentloop/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseResetDuration } from '../../../packages/core/src/limits/rate-limit-headers.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * Requests admitted so far, by label, in order. Each is answered (settled) as soon as it is
 * admitted, as by a fast provider, unless `hold` keeps its lease for the test to settle.
 */
function tracker(limiter: RateLimiter) {
  const admitted: string[] = [];
  const waits: Array<{ label: string; waitMs: number; limit: string }> = [];
  const ask = (
    label: string,
    promptTokens: number,
    maxOutputTokens?: number,
    { signal, hold = false }: { signal?: AbortSignal; hold?: boolean } = {},
  ) =>
    limiter
      .acquire({
        promptTokens,
        maxOutputTokens,
        signal,
        onWait: (waitMs, limit) => waits.push({ label, waitMs, limit }),
      })
      .then((lease) => {
        admitted.push(label);
        if (!hold) lease.settle({ status: 200 });
        return lease;
      });
  return { admitted, waits, ask };
}

describe('RateLimiter', () => {
  it('admits at most rpm requests at once, then one per 1/rpm of the window, in arrival order', async () => {
    const limiter = new RateLimiter({ rpm: 2, windowMs: 1000 });
    const { admitted, waits, ask } = tracker(limiter);
    const all = ['a', 'b', 'c', 'd'].map((label) => ask(label, 10, 10));
    await vi.advanceTimersByTimeAsync(0);
    expect(admitted).toEqual(['a', 'b']);
    expect(waits).toEqual([
      { label: 'c', waitMs: 500, limit: 'requests' },
      { label: 'd', waitMs: 1000, limit: 'requests' },
    ]);
    await vi.advanceTimersByTimeAsync(499);
    expect(admitted).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(1);
    expect(admitted).toEqual(['a', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(500);
    expect(admitted).toEqual(['a', 'b', 'c', 'd']);
    await Promise.all(all);
  });

  it('counts the prompt plus the output bound, or the assumed output without one', async () => {
    const limiter = new RateLimiter({ tpm: 1000, windowMs: 1000, outputTokens: 300 });
    const { admitted, waits, ask } = tracker(limiter);
    const first = await ask('a', 200, 300); // 500
    expect(first.tokens).toBe(500);
    const second = await ask('b', 200, undefined, { hold: true }); // 200 + 300 assumed
    expect(second.tokens).toBe(500);
    void ask('c', 100, 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(admitted).toEqual(['a', 'b']);
    expect(waits).toEqual([{ label: 'c', waitMs: 200, limit: 'tokens' }]);
    // b used 250 tokens, not 500: the 250 it did not use come back, and c fits at once.
    second.settle({ status: 200, usedTokens: 250 });
    await vi.advanceTimersByTimeAsync(0);
    expect(admitted).toEqual(['a', 'b', 'c']);
  });

  it('admits a request larger than the budget once the budget is whole, rather than never', async () => {
    const limiter = new RateLimiter({ tpm: 100, windowMs: 1000 });
    const { admitted, ask } = tracker(limiter);
    await ask('small', 50, 0);
    void ask('huge', 500, 0);
    await vi.advanceTimersByTimeAsync(499);
    expect(admitted).toEqual(['small']);
    await vi.advanceTimersByTimeAsync(1);
    expect(admitted).toEqual(['small', 'huge']);
  });

  it('ends a wait when the signal aborts, and lets the next request go in its place', async () => {
    const limiter = new RateLimiter({ rpm: 1, windowMs: 1000 });
    const { admitted, ask } = tracker(limiter);
    await ask('a', 1, 1);
    const controller = new AbortController();
    const waiting = ask('b', 1, 1, { signal: controller.signal });
    const next = ask('c', 1, 1);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await expect(waiting).rejects.toSatisfy(isAbortError);
    expect(limiter.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(900);
    await next;
    expect(admitted).toEqual(['a', 'c']);
  });

  it('pauses every request for a 429 retry-after and gives back what the refused one reserved', async () => {
    const limiter = new RateLimiter({ rpm: 10, windowMs: 1000 });
    const { admitted, waits, ask } = tracker(limiter);
    const leases = await Promise.all(['a', 'b'].map((label) => ask(label, 1, 1)));
    const refused = await ask('c', 1, 1, { hold: true });
    expect(leases).toHaveLength(2);
    refused.settle({ status: 429, retryAfterMs: 2000, requests: { remaining: 0 } });
    void ask('d', 1, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(waits.at(-1)).toEqual({ label: 'd', waitMs: 2000, limit: 'retry_after' });
    await vi.advanceTimersByTimeAsync(1999);
    expect(admitted).not.toContain('d');
    await vi.advanceTimersByTimeAsync(1);
    expect(admitted).toContain('d');
    // Two seconds refilled the whole budget (10 per second): 9 more go at once.
    const burst = Array.from({ length: 10 }, (_, i) => ask(`e${i}`, 1, 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(admitted.filter((label) => label.startsWith('e'))).toHaveLength(9);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(burst);
  });

  it('lowers what is left to the provider’s x-ratelimit-remaining, never raises it', async () => {
    const limiter = new RateLimiter({ rpm: 10, tpm: 10_000, windowMs: 1000 });
    const { admitted, ask } = tracker(limiter);
    const lease = await ask('a', 10, 10, { hold: true });
    // Another process spent most of the key's budget.
    lease.settle({ status: 200, requests: { remaining: 1 }, tokens: { remaining: 9_000 } });
    await ask('b', 10, 10);
    void ask('c', 10, 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(admitted).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(100);
    expect(admitted).toEqual(['a', 'b', 'c']);
    // A provider saying more is left than the limiter thinks does not raise it.
    const full = new RateLimiter({ rpm: 2, windowMs: 1000 });
    const more = tracker(full);
    const first = await more.ask('x', 1, 1, { hold: true });
    await more.ask('y', 1, 1);
    first.settle({ status: 200, requests: { remaining: 50 } });
    void more.ask('z', 1, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(more.admitted).toEqual(['x', 'y']);
  });

  it('learns budgets it was not given from x-ratelimit-limit and -reset', async () => {
    const limiter = new RateLimiter();
    const { admitted, waits, ask } = tracker(limiter);
    const lease = await ask('a', 10, 10, { hold: true });
    // 3 requests per window; 1 left, the 2 spent come back within 2 s: one every second.
    lease.settle({ status: 200, requests: { limit: 3, remaining: 1, resetMs: 2000 } });
    await ask('b', 10, 10);
    void ask('c', 10, 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(waits).toEqual([{ label: 'c', waitMs: 1000, limit: 'requests' }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(admitted).toEqual(['a', 'b', 'c']);
  });

  it('holds back the refill while requests are in flight: the provider charges them on arrival', async () => {
    const limiter = new RateLimiter({ rpm: 2, windowMs: 1000 });
    const { admitted, ask } = tracker(limiter);
    const slow = await Promise.all([
      ask('a', 1, 1, { hold: true }),
      ask('b', 1, 1, { hold: true }),
    ]);
    void ask('c', 1, 1);
    // A window passes with both still on their way: the provider may not have counted them yet,
    // and its budget, full meanwhile, refilled nothing; so c still waits.
    await vi.advanceTimersByTimeAsync(2000);
    expect(admitted).toEqual(['a', 'b']);
    // a was answered: it has been counted, and the budget refills from here (b may still land).
    slow[0]?.settle({ status: 200 });
    await vi.advanceTimersByTimeAsync(499);
    expect(admitted).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(1);
    expect(admitted).toEqual(['a', 'b', 'c']);
  });

  it('stops holding back the refill when the provider’s reset time says its budget cannot be full', async () => {
    const limiter = new RateLimiter({ rpm: 2, windowMs: 1000 });
    const { admitted, ask } = tracker(limiter);
    const [a] = await Promise.all([ask('a', 1, 1, { hold: true }), ask('b', 1, 1, { hold: true })]);
    void ask('c', 1, 1, { hold: true });
    void ask('d', 1, 1, { hold: true });
    await vi.advanceTimersByTimeAsync(100);
    // a was answered: the provider had nothing left, and its budget is whole again in 2 s. So it
    // refills from now until then, whatever is still in flight (b, and c once admitted).
    a?.settle({ status: 200, requests: { remaining: 0, resetMs: 2000 } });
    await vi.advanceTimersByTimeAsync(500);
    expect(admitted).toEqual(['a', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(499);
    expect(admitted).toEqual(['a', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(1);
    expect(admitted).toEqual(['a', 'b', 'c', 'd']);
  });

  it('without limits, admits everything at once', async () => {
    const limiter = new RateLimiter();
    const { admitted, ask } = tracker(limiter);
    await Promise.all(Array.from({ length: 100 }, (_, i) => ask(String(i), 1_000_000)));
    expect(admitted).toHaveLength(100);
  });

  it('refuses limits that are not positive numbers', () => {
    expect(() => new RateLimiter({ rpm: 0 })).toThrow(ConfigurationError);
    expect(() => new RateLimiter({ tpm: -5 })).toThrow(/tpm must be a positive number/);
    expect(() => new RateLimiter({ windowMs: Number.NaN })).toThrow(/windowMs/);
    expect(() => new RateLimiter({ outputTokens: 1.5 })).toThrow(/outputTokens/);
  });

  it('reads reset durations as OpenAI writes them', () => {
    expect(parseResetDuration('1s')).toBe(1000);
    expect(parseResetDuration('6m0s')).toBe(360_000);
    expect(parseResetDuration('59.5ms')).toBe(59.5);
    expect(parseResetDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetDuration('2')).toBe(2000);
    expect(parseResetDuration('soon')).toBeUndefined();
    expect(parseResetDuration('')).toBeUndefined();
  });
});
