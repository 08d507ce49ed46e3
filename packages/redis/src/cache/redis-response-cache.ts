import { ConfigurationError, type ResponseCacheStore } from '@agentloop/core';
import type { Redis } from 'ioredis';

/** Options of `new RedisResponseCache(...)`. */
export interface RedisResponseCacheOptions {
  /** An ioredis client; the cache neither connects nor closes it. */
  redis: Redis;
  /** Put before every key, to keep the cache apart from other data. @default 'agentloop:cache:' */
  prefix?: string | undefined;
}

/**
 * A response cache in Redis, shared by every process that uses the same prefix: give it to
 * `cachedModel`. Entries expire with the model's `ttlMs` (Redis `PX`); bound the memory with
 * Redis's own `maxmemory` and an LRU `maxmemory-policy` (`allkeys-lru`, or `volatile-lru` with a
 * `ttlMs`). What another program stored under a key is never served (`cachedModel` reads it as a
 * miss). A Redis that fails makes a miss, not a failed run.
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL!);
 * const model = cachedModel(openai('gpt-4o-mini'), {
 *   store: new RedisResponseCache({ redis }),
 *   ttlMs: 24 * 60 * 60_000,
 * });
 * ```
 */
export class RedisResponseCache implements ResponseCacheStore {
  readonly #redis: Redis;
  /** The key prefix. */
  readonly prefix: string;

  /**
   * @param options - `redis`, `prefix`.
   * @throws ConfigurationError without an ioredis client.
   */
  constructor({ redis, prefix = 'agentloop:cache:' }: RedisResponseCacheOptions) {
    if (typeof redis?.get !== 'function' || typeof redis?.set !== 'function') {
      throw new ConfigurationError(
        'RedisResponseCache needs { redis }: an ioredis client, e.g. new Redis(process.env.REDIS_URL).',
        { option: 'redis' },
      );
    }
    this.#redis = redis;
    this.prefix = prefix;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number | undefined): Promise<void> {
    if (ttlMs === undefined) await this.#redis.set(this.prefix + key, value);
    else await this.#redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }
}
