/**
 * The Redis keys of a session, shared by `RedisStore` and `RedisSessionLock`. The session id is
 * a hash tag (`{…}`), so a session's history, its append keys and its lease share one Redis
 * Cluster slot and one script can check the lease while it appends.
 *
 * @module
 */

/** The key of a session's history (a list of JSON messages); `…:keys` and `…:lease` beside it. */
export function sessionKey(prefix: string, sessionId: string): string {
  return `${prefix}session:{${sessionId}}`;
}

/** What a fenced append needs to know of a lease: its key and its token. */
export interface LeaseCheck {
  key: string;
  token: string;
}

/** The leases `RedisSessionLock` gave out, so `RedisStore` can fence the appends made under them. */
export const leaseChecks = new WeakMap<object, LeaseCheck>();
