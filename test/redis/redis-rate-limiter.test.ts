import { ConfigurationError, isAbortError, type RateLimitLease } from '@agentloop/core';
import { RedisRateLimiter } from '@agentloop/redis';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/index.js';
import { findRedis, uniquePrefix } from '../support/redis.js';
import { runProcesses } from './rate-limit-processes.js';

const found = await findRedis();

describe.skipIf(!found.url)(`RedisRateLimiter (${found.reason})`, () => {
  let redis: Redis;
  let prefix = uniquePrefix('ratelimit');
  let server: TestServer | undefined;
  beforeAll(() => {
    redis = new Redis(found.url as string);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    prefix = uniquePrefix('ratelimit');
  });
  afterAll(async () => {
    await redis.quit();
    await found.stop();
  });

  const limiterOn = (client: Redis, options: { rpm?: number; tpm?: number; windowMs: number }) =>
    new RedisRateLimiter({ redis: client, prefix, key: 'k', ...options });

  it('shares one budget between limiters on different connections, and reports each wait', async () => {
    const other = new Redis(found.url as string);
    try {
      const a = limiterOn(redis, { rpm: 2, windowMs: 400 });
      const b = limiterOn(other, { rpm: 2, windowMs: 400 });
      const order: string[] = [];
      const waits: Array<[string, number, string]> = [];
      const ask = (limiter: RedisRateLimiter, label: string) =>
        limiter
          .acquire({
            promptTokens: 1,
            maxOutputTokens: 1,
            onWait: (ms, kind) => waits.push([label, ms, kind]),
          })
          .then((lease) => {
            order.push(label);
            return lease.settle({ status: 200 });
          });
      await Promise.all([ask(a, 'a1'), ask(b, 'b1')]);
      expect(waits).toEqual([]);
      // The budget of the window is spent: the third request waits about one refill (200 ms).
      await ask(a, 'a2');
      expect(waits).toHaveLength(1);
      expect(waits[0]?.[0]).toBe('a2');
      expect(waits[0]?.[1]).toBeGreaterThan(100);
      expect(waits[0]?.[1]).toBeLessThanOrEqual(200);
      expect(waits[0]?.[2]).toBe('requests');
      expect(order).toHaveLength(3);
    } finally {
      await other.quit();
    }
  });

  it('counts tokens (the prompt plus the output bound) and waits for them', async () => {
    const limiter = limiterOn(redis, { tpm: 100, windowMs: 1000 });
    const first = await limiter.acquire({ promptTokens: 60, maxOutputTokens: 30 });
    expect(first.tokens).toBe(90);
    await first.settle({ status: 200 });
    const waits: Array<[number, string]> = [];
    const lease = await limiter.acquire({
      promptTokens: 50,
      maxOutputTokens: 0,
      onWait: (ms, kind) => waits.push([ms, kind]),
    });
    expect(waits[0]?.[1]).toBe('tokens');
    expect(waits[0]?.[0]).toBeGreaterThan(300);
    await lease.settle({ status: 200 });
  });

  it('ends a wait when the signal aborts', async () => {
    const limiter = limiterOn(redis, { rpm: 1, windowMs: 60_000 });
    await (await limiter.acquire({ promptTokens: 1 })).settle({ status: 200 });
    const controller = new AbortController();
    const waiting = limiter.acquire({
      promptTokens: 1,
      signal: controller.signal,
      onWait: () => controller.abort(),
    });
    await expect(waiting).rejects.toSatisfy(isAbortError);
  });

  it('pauses every process for a 429 retry-after, and gives back what the refused request reserved', async () => {
    const a = limiterOn(redis, { rpm: 100, windowMs: 1000 });
    const lease = await a.acquire({ promptTokens: 1 });
    await lease.settle({ status: 429, retryAfterMs: 300 });
    const waits: Array<[number, string]> = [];
    const other = new Redis(found.url as string);
    try {
      const b = limiterOn(other, { rpm: 100, windowMs: 1000 });
      const next = await b.acquire({
        promptTokens: 1,
        onWait: (ms, kind) => waits.push([ms, kind]),
      });
      await next.settle({ status: 200 });
      expect(waits[0]?.[1]).toBe('retry_after');
      expect(waits[0]?.[0]).toBeGreaterThan(200);
    } finally {
      await other.quit();
    }
    const state = await redis.hgetall(`${prefix}k:bucket`);
    // 100 - 1 (the 429 given back) - 1 (the second) + refill, capped at 100.
    expect(Number(state.rl)).toBeGreaterThan(98);
  });

  it('lets a dead process’s reservation go after leaseMs', async () => {
    const limiter = new RedisRateLimiter({
      redis,
      prefix,
      key: 'k',
      rpm: 1,
      windowMs: 100,
      leaseMs: 300,
    });
    // Never settled, as if its process died.
    const lost: RateLimitLease = await limiter.acquire({ promptTokens: 1 });
    expect(lost.tokens).toBeGreaterThan(0);
    const started = Date.now();
    const lease = await limiter.acquire({ promptTokens: 1 });
    await lease.settle({ status: 200 });
    // Refill alone would take 100 ms; the lost lease held it back until it expired.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('admits a burst in one round trip, and times the wait of each request it could not admit', async () => {
    const evals: number[] = [];
    const evalOf = redis.eval.bind(redis);
    const spied = Object.assign(Object.create(redis) as Redis, {
      eval: (...args: Parameters<Redis['eval']>) => {
        evals.push(args.length);
        return evalOf(...args);
      },
    });
    const burst = new RedisRateLimiter({ redis: spied, prefix, key: 'k', rpm: 10, windowMs: 1000 });
    const waits: number[][] = Array.from({ length: 12 }, () => []);
    const leases = Array.from({ length: 12 }, (_, i) =>
      burst.acquire({ promptTokens: 1, onWait: (ms) => waits[i]?.push(ms) }),
    );
    const first = await Promise.all(leases.slice(0, 10));
    const asked = evals.length;
    await Promise.all(first.map((lease) => lease.settle({ status: 200 })));
    // Ten fit the budget: one script call admitted them all, and told the two after them that
    // they wait, the second longer.
    expect(asked).toBe(1);
    expect(waits.slice(0, 10).flat()).toEqual([]);
    expect(waits[10]?.[0]).toBeGreaterThan(0);
    expect(waits[11]?.[0]).toBeGreaterThan(waits[10]?.[0] ?? 0);
    const rest = await Promise.all(leases.slice(10));
    await Promise.all(rest.map((lease) => lease.settle({ status: 200 })));
  });

  it('gives back the reservation of a request aborted while its admission was being decided', async () => {
    const controller = new AbortController();
    const evalOf = redis.eval.bind(redis);
    const slow = Object.assign(Object.create(redis) as Redis, {
      eval: async (...args: Parameters<Redis['eval']>) => {
        const reply = await evalOf(...args);
        controller.abort();
        return reply;
      },
    });
    const limiter = new RedisRateLimiter({
      redis: slow,
      prefix,
      key: 'k',
      rpm: 10,
      windowMs: 60_000,
    });
    await expect(limiter.acquire({ promptTokens: 1, signal: controller.signal })).rejects.toSatisfy(
      isAbortError,
    );
    // Admitted by the script, then given back: the budget is whole again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const state = await redis.hgetall(`${prefix}k:bucket`);
    expect(Number(state.rl)).toBe(10);
    expect(await redis.hlen(`${prefix}k:leases`)).toBe(0);
  });

  it('stops holding back the refill when the provider’s reset time says its budget cannot be full', async () => {
    const limiter = limiterOn(redis, { rpm: 2, windowMs: 1000 });
    const ask = () => limiter.acquire({ promptTokens: 1, maxOutputTokens: 1 });
    const [a, b] = await Promise.all([ask(), ask()]);
    // a was answered: the provider had nothing left, and its budget is whole again in 3 s. Until
    // then it refills whatever is still in flight (b, then c), so d comes a refill after c.
    await a?.settle({ status: 200, requests: { remaining: 0, resetMs: 3000 } });
    const c = await ask();
    const d = await Promise.race([
      ask(),
      new Promise<undefined>((resolve) => setTimeout(resolve, 2500, undefined)),
    ]);
    expect(d).toBeDefined();
    await Promise.all([b, c, d].map((lease) => lease?.settle({ status: 200 })));
  });

  it('refuses a missing client or budget', () => {
    expect(() => new RedisRateLimiter({} as never)).toThrow(ConfigurationError);
    expect(() => new RedisRateLimiter({ redis })).toThrow(/rpm, tpm or both/);
    expect(() => new RedisRateLimiter({ redis, rpm: -1 })).toThrow(/rpm must be a positive/);
  });

  it('3 processes at 5x the budget: at most a handful of 429s, over 85% of the budget used', async () => {
    // 20 requests a second, over a window long next to the requests' latency on a busy machine
    // (as a minute is next to a model call's).
    const windowMs = 2000;
    const rpm = 40;
    // 3 processes x 34 runs x 2 requests = 204 requests, 5x the budget of a window.
    server = await startTestServer({
      responder: (record) =>
        record.body.messages?.at(-1)?.role === 'tool'
          ? { content: 'It is a word.' }
          : { toolCalls: [{ name: 'lookup', arguments: { word: 'limit' } }] },
      rateLimits: { rpm, windowMs },
    });
    const reports = await runProcesses({
      serverUrl: server.url,
      redisUrl: found.url as string,
      prefix,
      processes: 3,
      runsPerProcess: 34,
      rpm,
      windowMs,
    });
    expect(reports.map((r) => r.completed)).toEqual([34, 34, 34]);
    const limits = server.rateLimits!;
    expect(limits.admitted).toBe(204);
    expect(limits.refused).toBeLessThanOrEqual(3);
    expect(reports.reduce((sum, r) => sum + r.waits, 0)).toBeGreaterThan(50);
    const admitted = server.requests.filter((r) => r.status === 200);
    const first = admitted[0]?.receivedAt ?? 0;
    const last = admitted.at(-1)?.receivedAt ?? first;
    const allowed = rpm + (rpm * (last - first)) / windowMs;
    // 0.94-0.99 measured here (2 cores, load average 5-14 from other sessions, alone and beside
    // the core, tree and conformance test files), and 0.90-0.99 for the bench's heavier load. What
    // is left of the budget is lost in the clients, not the limiter: a process starved of CPU
    // holds requests it was granted for up to a second before they reach the server, whose
    // budget sits full meanwhile. 0.85 leaves that margin below the worst seen; a limiter that
    // admitted one request per round trip, or held the refill back until answers were read, fell
    // to 0.86 at that load.
    expect(limits.admitted / allowed).toBeGreaterThan(0.85);
  }, 60_000);
});
