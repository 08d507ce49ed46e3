/**
 * Where `cachedModel` keeps replies: a key-value store of strings with an expiry. The values are
 * whatever `cachedModel` wrote; a store needs not read them. `InMemoryResponseCache` (this
 * package) and `RedisResponseCache` (`@agentloop/redis`) implement it.
 */
export interface ResponseCacheStore {
  /**
   * The value stored under `key`, or `undefined` when there is none (or it expired).
   * @param key - A cache key.
   */
  get(key: string): Promise<string | undefined> | string | undefined;
  /**
   * Stores `value` under `key`, replacing what was there.
   * @param key - A cache key.
   * @param value - The entry, as text.
   * @param ttlMs - How long it may be served, in ms; `undefined` for no expiry.
   */
  set(key: string, value: string, ttlMs: number | undefined): Promise<void> | void;
}
