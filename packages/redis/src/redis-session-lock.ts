/**
 * `RedisSessionLock`: runs on one session take turns across processes.
 *
 * @module
 */

import { assertSessionId, type SessionLease, type SessionLock } from '@agentloop/memory';
import {
  closeConnection,
  DEFAULT_REDIS_TIMEOUT_MS,
  durationOption,
  prefixOption,
  type RedisConnection,
  type ResolvedConnection,
  resolveConnection,
} from './connection.js';
import { acquireLease } from './lease.js';
import { leaseChecks, sessionKey } from './session-keys.js';

/** The default lease of a session, in milliseconds. */
export const DEFAULT_SESSION_LEASE_MS = 30_000;

/** Options of `new RedisSessionLock(...)`. */
export interface RedisSessionLockOptions {
  /** Where Redis is: an ioredis client (shared), a `redis://` URL or ioredis options. */
  connection: RedisConnection;
  /**
   * Prefix of every key (`<prefix>session:{<id>}:lease`); the same as the `RedisStore`'s, so its
   * appends can be fenced.
   * @default 'agentloop:'
   */
  prefix?: string | undefined;
  /**
   * How long a holder keeps the session without a renewal. A holder renews every third of this
   * while its process lives; a crashed holder's session is free this long after its last renewal.
   * @default 30000
   */
  leaseMs?: number | undefined;
  /**
   * The bound on each Redis call: a Redis that is down or gone fails `acquire` with
   * `RedisUnavailableError` within this time.
   * @default 5000
   */
  timeoutMs?: number | undefined;
}

/** A held session: a lease renewed in the background until released. */
export interface RedisSessionLease extends SessionLease {
  /** The fencing token: larger for every later holder of the session. */
  readonly fence: number;
  /** Aborted (its reason a `LeaseLostError`) once the lease is known to be lost. */
  readonly signal: AbortSignal;
  /** Extends the lease now (it is renewed in the background anyway). */
  renew(): Promise<void>;
}

// Waiting for a held session: check again soon, then less often, never later than it expires.
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 250;

/**
 * A {@link SessionLock} on Redis: `acquire(sessionId)` waits until no process holds the session,
 * then holds it under a lease (renewed in the background; a crashed holder's lease expires after
 * `leaseMs`) with a fencing token. Give it to an agent beside a `RedisStore` and runs on one
 * session never overlap, whichever process runs them; the store refuses an append made under a
 * lease that was lost (`LeaseLostError`).
 *
 * @example
 * ```ts
 * const store = new RedisStore({ connection });
 * const agent = new Agent({ name, model, memory: { store, sessionLock: new RedisSessionLock({ connection }) } });
 * ```
 */
export class RedisSessionLock implements SessionLock {
  /** The key prefix. */
  readonly prefix: string;
  /** The lease of a holder, in milliseconds. */
  readonly leaseMs: number;
  /** The bound on each Redis call, in milliseconds. */
  readonly timeoutMs: number;
  readonly #connection: ResolvedConnection;

  /**
   * @param options - The connection and the timings.
   */
  constructor({ connection, prefix, leaseMs, timeoutMs }: RedisSessionLockOptions) {
    const owner = 'RedisSessionLock';
    this.prefix = prefixOption(prefix, owner);
    this.leaseMs = durationOption(leaseMs, DEFAULT_SESSION_LEASE_MS, 'leaseMs', owner);
    this.timeoutMs = durationOption(timeoutMs, DEFAULT_REDIS_TIMEOUT_MS, 'timeoutMs', owner);
    this.#connection = resolveConnection(connection, owner);
  }

  /**
   * Waits until nobody holds the session (or its holder's lease expired), then holds it.
   *
   * @param sessionId - The session (the ids `MemoryStore` accepts).
   * @param options - `signal` stops the wait.
   * @throws InvalidSessionIdError; RedisUnavailableError when Redis does not answer within
   * `timeoutMs`; the signal's reason when it aborts.
   */
  async acquire(
    sessionId: string,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<RedisSessionLease> {
    const id = assertSessionId(sessionId);
    const base = sessionKey(this.prefix, id);
    const keys = { lease: `${base}:lease`, fence: `${base}:fence` };
    let pause = FIRST_POLL_MS;
    for (;;) {
      signal?.throwIfAborted();
      const attempt = await acquireLease({
        client: this.#connection.client,
        keys,
        subject: { resource: 'session', id },
        ttlMs: this.leaseMs,
        timeoutMs: this.timeoutMs,
      });
      if (attempt.held) {
        const { lease } = attempt;
        const held: RedisSessionLease = {
          sessionId: id,
          fence: lease.fence,
          signal: lease.signal,
          renew: () => lease.renew(),
          release: () => lease.release(),
        };
        leaseChecks.set(held, { key: keys.lease, token: lease.token });
        if (signal?.aborted) {
          await lease.release().catch(() => {});
          signal.throwIfAborted();
        }
        return held;
      }
      await sleep(Math.min(pause, Math.max(1, attempt.expiresInMs)), signal);
      pause = Math.min(pause * 2, MAX_POLL_MS);
    }
  }

  /** Closes the connection, when the lock made it (a client it was given is left open). */
  close(): Promise<void> {
    return closeConnection(this.#connection);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
