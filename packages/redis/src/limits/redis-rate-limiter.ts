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

/** A request of this process waiting for its turn to ask Redis. */
interface LocalWaiter {
  readonly request: RateLimitRequest;
  resolve(lease: RateLimitLease): void;
  reject(error: unknown): void;
  /** At the head: asking Redis, or sleeping until it said to ask again. */
  started: boolean;
}

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
 * prompt count plus their output bound; a waiting request polls again when its turn should
 * have come (one request per process at a time asks Redis; the others queue behind it in
 * arrival order), and reports each wait (`model:rate_limited`); its run's abort ends the wait. A 429
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
  #lastKind: RateLimitKind = 'requests';

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
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<RateLimitLease>((resolve, reject) => {
      const waiter: LocalWaiter = { request, resolve, reject, started: false };
      const ahead = this.#queue.length;
      this.#queue.push(waiter);
      if (ahead > 0) {
        // Queued behind this process's own requests: say so now, with a rough estimate (one
        // refill interval per request ahead); the wait at the head is reported as Redis says.
        const perRequest = Math.max(
          this.#rpm > 0 ? this.#windowMs / this.#rpm : 0,
          this.#tpm > 0 ? (this.#costOf(request) * this.#windowMs) / this.#tpm : 0,
        );
        try {
          request.onWait?.(Math.ceil(ahead * perRequest), this.#lastKind);
        } catch {
          // A listener's failure is not the limiter's.
        }
      }
      signal?.addEventListener(
        'abort',
        () => {
          if (waiter.started) return; // The head's own wait sees the abort.
          const at = this.#queue.indexOf(waiter);
          if (at >= 0) this.#queue.splice(at, 1);
          reject(abortError(signal));
        },
        { once: true },
      );
      void this.#pump();
    });
  }

  /**
   * Admits this process's requests one at a time, in arrival order: only the head asks Redis, so
   * a crowd of waiting runs does not poll it all at once.
   */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const waiter = this.#queue[0] as LocalWaiter;
        waiter.started = true;
        try {
          waiter.resolve(await this.#admit(waiter.request));
        } catch (error) {
          waiter.reject(error);
        }
        this.#queue.shift();
      }
    } finally {
      this.#pumping = false;
    }
  }

  #costOf({ promptTokens, maxOutputTokens }: RateLimitRequest): number {
    const assumed = maxOutputTokens === undefined || maxOutputTokens === null;
    return Math.ceil(promptTokens + (assumed ? this.#outputTokens : Math.max(0, maxOutputTokens)));
  }

  async #admit(request: RateLimitRequest): Promise<RateLimitLease> {
    const { maxOutputTokens, signal, onWait } = request;
    const assumed = maxOutputTokens === undefined || maxOutputTokens === null;
    const cost = this.#costOf(request);
    const id = crypto.randomUUID();
    while (true) {
      if (signal?.aborted) throw abortError(signal);
      const [waitMs, kind] = (await this.#redis.eval(
        ACQUIRE,
        2,
        ...this.#keys,
        this.#rpm,
        this.#tpm,
        this.#windowMs,
        cost,
        id,
        this.#leaseMs,
      )) as [number, RateLimitKind];
      if (waitMs === 0) return this.#lease(id, cost, assumed);
      this.#lastKind = kind;
      try {
        onWait?.(waitMs, kind);
      } catch {
        // A listener's failure is not the limiter's.
      }
      await sleep(waitMs, signal);
    }
  }

  #lease(id: string, cost: number, assumed: boolean): RateLimitLease {
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

/** Waits `ms`, or rejects with the signal's abort error. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
