import {
  ConfigurationError,
  DEFAULT_OUTPUT_RESERVATION,
  type RateLimitKind,
  type RateLimitLease,
  type RateLimitOutcome,
  type RateLimitRequest,
  type RequestLimiter,
} from '@agentloop/core';
import type { Redis } from 'ioredis';
import { ACQUIRE, SETTLE } from './rate-limit-scripts.js';

/** A request of this process waiting for the shared budget. */
interface LocalWaiter {
  readonly request: RateLimitRequest;
  /** Its lease's id in Redis, the same for every ask. */
  readonly id: string;
  readonly cost: number;
  readonly assumed: boolean;
  resolve(lease: RateLimitLease): void;
  reject(error: unknown): void;
  /** Admitted, aborted or failed: nothing more is owed to it. */
  done: boolean;
  /** Until when the wait told to the request lasts; told again if it waits longer. */
  toldUntil: number;
  detach(): void;
}

/**
 * How many of a process's waiting requests one script call considers: enough to admit a whole
 * burst in one round trip, few enough that the script stays short.
 */
const MAX_BATCH = 100;

/** Options of `new RedisRateLimiter(...)`. */
export interface RedisRateLimiterOptions {
  /** An ioredis client; the limiter neither connects nor closes it. */
  redis: Redis;
  /** The budget's name: every limiter with the same key shares one budget. @default 'default' */
  key?: string | undefined;
  /** Put before the budget's keys. @default 'agentloop:ratelimit:' */
  prefix?: string | undefined;
  /** Requests per window. At least one of `rpm` and `tpm` is needed. */
  rpm?: number | undefined;
  /** Tokens per window (prompt plus output bound). */
  tpm?: number | undefined;
  /** The window the limits are per, in ms. @default 60_000 */
  windowMs?: number | undefined;
  /** Output tokens reserved for a request without `max_tokens`. @default 1024 */
  outputTokens?: number | undefined;
  /**
   * How long a lease holds its reservation when its process never settles it (it died), in ms.
   * @default 10 minutes
   */
  leaseMs?: number | undefined;
}

/**
 * A requests and tokens budget shared by every process that uses the same Redis and `key`: the
 * `RateLimiter` of `@agentloop/core`, with its state in Redis and each decision one Lua script
 * (atomic, timed by Redis's clock). Requests are admitted before they leave with their exact
 * prompt count plus their output bound, in arrival order within a process: one script call
 * admits every waiting request of the process that fits, and the process asks again when the
 * first of the rest should fit. Each wait is reported (`model:rate_limited`); a run's abort ends
 * its wait. A 429
 * pauses every process for its `retry-after`; `x-ratelimit-remaining-*` lowers what is left.
 *
 * @example
 * ```ts
 * const limiter = new RedisRateLimiter({ redis, key: 'openai-prod', rpm: 500, tpm: 200_000 });
 * const model = openai('gpt-4o-mini', { limiter });
 * ```
 */
export class RedisRateLimiter implements RequestLimiter {
  readonly #redis: Redis;
  readonly #keys: [string, string];
  readonly #rpm: number;
  readonly #tpm: number;
  readonly #windowMs: number;
  readonly #outputTokens: number;
  readonly #leaseMs: number;
  readonly #queue: LocalWaiter[] = [];
  #pumping = false;
  /** While the pump sleeps: when it wakes, for which budget, and how to wake it sooner. */
  #sleep: { until: number; kind: RateLimitKind; wake(): void } | undefined;

  /**
   * @param options - `redis`, `key`, `rpm`, `tpm`, `windowMs`, `outputTokens`, `leaseMs`.
   * @throws ConfigurationError without a client or a limit, or for a limit that is not positive.
   */
  constructor(options: RedisRateLimiterOptions) {
    const {
      redis,
      key = 'default',
      prefix = 'agentloop:ratelimit:',
      rpm,
      tpm,
      windowMs = 60_000,
      outputTokens = DEFAULT_OUTPUT_RESERVATION,
      leaseMs = 600_000,
    } = options ?? ({} as RedisRateLimiterOptions);
    if (typeof redis?.eval !== 'function') {
      throw new ConfigurationError(
        'RedisRateLimiter needs { redis }: an ioredis client, e.g. new Redis(process.env.REDIS_URL).',
        { option: 'redis' },
      );
    }
    if (rpm === undefined && tpm === undefined) {
      throw new ConfigurationError(
        'RedisRateLimiter needs rpm, tpm or both: the budget every process shares.',
        { option: 'rpm' },
      );
    }
    for (const [option, value] of Object.entries({ rpm, tpm, windowMs, leaseMs })) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new ConfigurationError(
          `RedisRateLimiter: ${option} must be a positive number, got ${String(value)}.`,
          { option },
        );
      }
    }
    if (!Number.isInteger(outputTokens) || outputTokens < 0) {
      throw new ConfigurationError(
        `RedisRateLimiter: outputTokens must be a whole number >= 0, got ${String(outputTokens)}.`,
        { option: 'outputTokens' },
      );
    }
    this.#redis = redis;
    this.#keys = [`${prefix}${key}:bucket`, `${prefix}${key}:leases`];
    this.#rpm = rpm ?? 0;
    this.#tpm = tpm ?? 0;
    this.#windowMs = windowMs;
    this.#outputTokens = outputTokens;
    this.#leaseMs = leaseMs;
  }

  acquire(request: RateLimitRequest): Promise<RateLimitLease> {
    const { promptTokens, maxOutputTokens, signal } = request;
    if (!(Number.isFinite(promptTokens) && promptTokens >= 0)) {
      return Promise.reject(
        new ConfigurationError(
          `RedisRateLimiter.acquire: promptTokens must be a number >= 0, got ${String(promptTokens)}.`,
          { option: 'promptTokens' },
        ),
      );
    }
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const assumed = maxOutputTokens === undefined || maxOutputTokens === null;
    const cost = Math.ceil(
      promptTokens + (assumed ? this.#outputTokens : Math.max(0, maxOutputTokens)),
    );
    return new Promise<RateLimitLease>((resolve, reject) => {
      const onAbort = () => {
        if (waiter.done) return;
        waiter.done = true;
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(abortError(signal));
        // The pump's sleep was timed for the head; the next one may fit sooner.
        if (at === 0) this.#sleep?.wake();
      };
      const waiter: LocalWaiter = {
        request,
        id: crypto.randomUUID(),
        cost,
        assumed,
        resolve,
        reject,
        done: false,
        toldUntil: 0,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      const sleep = this.#sleep;
      if (sleep) {
        // The pump sleeps until the head may fit: this one waits at least that long, and about a
        // refill interval more for each request ahead of it.
        const now = Date.now();
        this.#tell(
          waiter,
          sleep.until - now + (this.#queue.length - 1) * this.#refillMs(cost),
          sleep.kind,
          now,
        );
      }
      // On a microtask: requests asked for together go to Redis together.
      queueMicrotask(() => void this.#pump());
    });
  }

  /**
   * Admits this process's requests in arrival order: one script call admits every waiting
   * request that fits (a burst in one round trip) and times the others' waits; the pump then
   * sleeps until the first of them may fit, so a crowd of waiting runs asks Redis once.
   */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.slice(0, MAX_BATCH);
        let reply: Array<number | RateLimitKind>;
        try {
          reply = (await this.#redis.eval(
            ACQUIRE,
            2,
            ...this.#keys,
            this.#rpm,
            this.#tpm,
            this.#windowMs,
            this.#leaseMs,
            batch.length,
            ...batch.flatMap((w) => [w.cost, w.id]),
          )) as Array<number | RateLimitKind>;
        } catch (error) {
          for (const waiter of batch) this.#fail(waiter, error);
          continue;
        }
        const [admitted, admittedAt] = reply as [number, number];
        for (const waiter of batch.slice(0, admitted)) this.#grant(waiter, admittedAt);
        if (admitted === batch.length) continue;
        const now = Date.now();
        let last: { waitMs: number; kind: RateLimitKind } | undefined;
        for (const waiter of this.#queue) {
          const at = batch.indexOf(waiter) - admitted;
          last =
            at >= 0
              ? { waitMs: reply[2 + 2 * at] as number, kind: reply[3 + 2 * at] as RateLimitKind }
              : { waitMs: (last?.waitMs ?? 0) + this.#refillMs(waiter.cost), kind: 'requests' };
          this.#tell(waiter, last.waitMs, last.kind, now);
        }
        if (this.#queue.length === 0) continue;
        // Until the first that was not admitted may fit (one aborted meanwhile: a little early).
        const until = now + (reply[2] as number);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, until - now);
          this.#sleep = {
            until,
            kind: reply[3] as RateLimitKind,
            wake: () => {
              clearTimeout(timer);
              resolve();
            },
          };
        });
        this.#sleep = undefined;
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** About how long one more request of `cost` adds to a wait, in ms: its refill time. */
  #refillMs(cost: number): number {
    return Math.max(
      this.#rpm > 0 ? this.#windowMs / this.#rpm : 0,
      this.#tpm > 0 ? (Math.min(cost, this.#tpm) * this.#windowMs) / this.#tpm : 0,
    );
  }

  /** Tells a waiting request how long it waits, unless the wait it was told has not run out. */
  #tell(waiter: LocalWaiter, waitMs: number, kind: RateLimitKind, now: number): void {
    if (waiter.done || now < waiter.toldUntil) return;
    waiter.toldUntil = now + waitMs;
    try {
      waiter.request.onWait?.(Math.ceil(waitMs), kind);
    } catch {
      // A listener's failure is not the limiter's.
    }
  }

  /** Hands an admitted request its lease; one aborted meanwhile gives its reservation back. */
  #grant(waiter: LocalWaiter, admittedAt: number): void {
    const at = this.#queue.indexOf(waiter);
    if (at >= 0) this.#queue.splice(at, 1);
    const lease = this.#lease(waiter.id, waiter.cost, waiter.assumed, admittedAt);
    if (waiter.done) {
      // Never sent: settled as a refusal without a pause, which returns what it reserved.
      void Promise.resolve(lease.settle({ status: 429 })).catch(() => {});
      return;
    }
    waiter.done = true;
    waiter.detach();
    waiter.resolve(lease);
  }

  #fail(waiter: LocalWaiter, error: unknown): void {
    const at = this.#queue.indexOf(waiter);
    if (at >= 0) this.#queue.splice(at, 1);
    if (waiter.done) return;
    waiter.done = true;
    waiter.detach();
    waiter.reject(error);
  }

  #lease(id: string, cost: number, assumed: boolean, admittedAt: number): RateLimitLease {
    let settled = false;
    return {
      tokens: cost,
      settle: async (outcome: RateLimitOutcome) => {
        if (settled) return;
        settled = true;
        const giveBack =
          assumed && outcome.usedTokens !== undefined && outcome.status !== 429
            ? cost - Math.ceil(outcome.usedTokens)
            : 0;
        await this.#redis.eval(
          SETTLE,
          2,
          ...this.#keys,
          this.#rpm,
          this.#tpm,
          this.#windowMs,
          id,
          cost,
          outcome.status === 429 ? 1 : 0,
          Math.ceil(outcome.retryAfterMs ?? 0),
          giveBack,
          Math.floor(outcome.requests?.remaining ?? -1),
          Math.floor(outcome.tokens?.remaining ?? -1),
          Math.floor(outcome.requests?.resetMs ?? -1),
          Math.floor(outcome.tokens?.resetMs ?? -1),
          admittedAt,
        );
      },
    };
  }
}

function abortError(signal?: AbortSignal): Error {
  const error = new Error('The wait for the rate limiter was aborted.', { cause: signal?.reason });
  error.name = 'AbortError';
  return error;
}
