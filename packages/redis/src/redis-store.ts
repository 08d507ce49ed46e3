/**
 * `RedisStore`: sessions kept in Redis, shared by every process that reaches it.
 *
 * @module
 */

import {
  type AppendOptions,
  appendKeyOf,
  assertSessionId,
  InvalidOptionError,
  type MemoryStore,
  SessionStoreError,
} from '@agentloop/memory';
import {
  bounded,
  closeConnection,
  DEFAULT_REDIS_TIMEOUT_MS,
  durationOption,
  prefixOption,
  type RedisConnection,
  type ResolvedConnection,
  resolveConnection,
} from './connection.js';
import { LeaseLostError, RedisUnavailableError } from './errors.js';
import { fenceOf } from './lease.js';
import { RedisSessionLock } from './redis-session-lock.js';
import { leaseChecks, sessionKey } from './session-keys.js';

/** A chat message as the store keeps it (the `MemoryStore` contract's message type). */
type Message = Awaited<ReturnType<MemoryStore['load']>>[number];

/** The longest accepted append key (as every store). */

/** Options of `new RedisStore(...)`. */
export interface RedisStoreOptions {
  /** Where Redis is: an ioredis client (shared), a `redis://` URL or ioredis options. */
  connection: RedisConnection;
  /**
   * Prefix of every key (`<prefix>session:{<id>}` holds the history, `…:keys` the append keys).
   * @default 'agentloop:'
   */
  prefix?: string | undefined;
  /**
   * Forget a session this long after its last append (its history and keys expire together).
   * Kept for ever when unset.
   */
  ttlMs?: number | undefined;
  /**
   * The bound on each Redis call: a Redis that is down or gone fails the call with
   * `SessionStoreError` within this time, never a hang.
   * @default 5000
   */
  timeoutMs?: number | undefined;
}

/**
 * Appends one batch atomically: refused when made under a lease that is no longer the current
 * one, skipped when its key is already in the session, else pushed whole, the TTL refreshed.
 * KEYS: history, keys, lease (or history again). ARGV: key, ttl, lease token, messages....
 */
const APPEND = `
if ARGV[3] ~= '' then
  local current = redis.call('GET', KEYS[3])
  if current ~= ARGV[3] then return {0, current} end
end
if ARGV[1] ~= '' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return {2, false} end
for i = 4, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
if ARGV[2] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return {1, false}`;

/**
 * A {@link MemoryStore} on Redis: each session's history is a list of JSON messages under
 * `<prefix>session:{<id>}`, shared by every process (every replica of a service) that reaches
 * the same Redis.
 *
 * - One append is one script, atomic: its batch lands whole or not at all, and a load never
 *   sees part of it. Appends of one store land in call order.
 * - An append with a `key` lands at most once per session, in any process (the keys are kept
 *   in Redis beside the history, and forgotten with it).
 * - `ttlMs` forgets a session that long after its last append.
 * - Session ids follow the rules of every store (`InvalidSessionIdError`).
 * - A Redis that is down or gone fails a call with `SessionStoreError` (its `cause` a
 *   `RedisUnavailableError`) within `timeoutMs`.
 * - With `sessionLock` (a {@link RedisSessionLock} on the same connection) in the agent's memory
 *   options, runs on one session take turns across processes, and an append made under a lease
 *   that was lost is refused with `LeaseLostError`.
 *
 * @example
 * ```ts
 * const store = new RedisStore({ connection: 'redis://127.0.0.1:6379', ttlMs: 7 * 24 * 3600_000 });
 * const agent = new Agent({ name: 'support', model, memory: { store, sessionLock: store.sessionLock } });
 * await agent.run('Hi', { sessionId: 'u42' });
 * ```
 */
export class RedisStore implements MemoryStore {
  /** The key prefix. */
  readonly prefix: string;
  /** The bound on each Redis call, in milliseconds. */
  readonly timeoutMs: number;
  readonly #ttlMs: number | undefined;
  readonly #connection: ResolvedConnection;
  #lock: RedisSessionLock | undefined;

  /**
   * @param options - The connection, the prefix and the timings.
   */
  constructor({ connection, prefix, ttlMs, timeoutMs }: RedisStoreOptions) {
    const owner = 'RedisStore';
    this.prefix = prefixOption(prefix, owner);
    this.timeoutMs = durationOption(timeoutMs, DEFAULT_REDIS_TIMEOUT_MS, 'timeoutMs', owner);
    this.#ttlMs = ttlMs === undefined ? undefined : durationOption(ttlMs, 0, 'ttlMs', owner);
    this.#connection = resolveConnection(connection, owner);
  }

  /**
   * A {@link RedisSessionLock} on this store's connection and prefix (default lease), made on
   * first use: `memory: { store, sessionLock: store.sessionLock }`.
   */
  get sessionLock(): RedisSessionLock {
    this.#lock ??= new RedisSessionLock({
      connection: this.#connection.client,
      prefix: this.prefix,
      timeoutMs: this.timeoutMs,
    });
    return this.#lock;
  }

  /**
   * The key of a session's history.
   * @param sessionId - A valid session id.
   */
  keyOf(sessionId: string): string {
    return sessionKey(this.prefix, assertSessionId(sessionId));
  }

  /** {@inheritDoc MemoryStore.load} */
  async load(sessionId: string): Promise<Message[]> {
    const key = this.keyOf(sessionId);
    const items = await this.#call(
      () => this.#connection.client.lrange(key, 0, -1),
      'read',
      sessionId,
    );
    return items.map((item, index) => {
      try {
        return JSON.parse(item) as Message;
      } catch (cause) {
        throw new SessionStoreError(
          `Message ${index} of session '${sessionId}' (Redis key ${key}) is not JSON: something other than agentloop wrote it. Clear the session or repair the key.`,
          { sessionId, file: key, cause },
        );
      }
    });
  }

  /** {@inheritDoc MemoryStore.append} */
  async append(
    sessionId: string,
    messages: readonly Message[],
    options?: AppendOptions,
  ): Promise<void> {
    const key = this.keyOf(sessionId);
    const appendKey = appendKeyOf(options);
    if (!Array.isArray(messages)) {
      throw new InvalidOptionError('messages', 'an array of chat messages', messages);
    }
    const lines = messages.map((message, index) => {
      if (typeof message !== 'object' || message === null) {
        throw new InvalidOptionError(`messages[${index}]`, 'a chat message object', message);
      }
      return JSON.stringify(message);
    });
    // A keyed batch is written even when empty, so that its key is kept.
    if (lines.length === 0 && appendKey === undefined) return;
    const lease = options?.lease;
    const check = lease === undefined ? undefined : leaseChecks.get(lease);
    const [status, current] = (await this.#call(
      () =>
        this.#connection.client.eval(
          APPEND,
          3,
          key,
          `${key}:keys`,
          check?.key ?? key,
          appendKey ?? '',
          this.#ttlMs ?? '',
          check?.token ?? '',
          ...lines,
        ),
      'append to',
      sessionId,
    )) as [number, string | null];
    if (status === 0) {
      const currentFence = fenceOf(current);
      throw new LeaseLostError(
        {
          resource: 'session',
          id: sessionId,
          fence: fenceOf(check?.token) ?? 0,
          ...(currentFence !== undefined ? { currentFence } : {}),
        },
        `append to session '${sessionId}'`,
      );
    }
  }

  /** {@inheritDoc MemoryStore.clear} */
  async clear(sessionId: string): Promise<void> {
    const key = this.keyOf(sessionId);
    await this.#call(() => this.#connection.client.del(key, `${key}:keys`), 'delete', sessionId);
  }

  /** Closes the connection, when the store made it (a client it was given is left open). */
  close(): Promise<void> {
    return closeConnection(this.#connection);
  }

  async #call<T>(call: () => Promise<T>, action: string, sessionId: string): Promise<T> {
    try {
      return await bounded(
        this.#connection.client,
        call,
        `${action} the history of session '${sessionId}'`,
        this.timeoutMs,
      );
    } catch (error) {
      if (!RedisUnavailableError.isInstance(error)) throw error;
      const key = sessionKey(this.prefix, sessionId);
      throw new SessionStoreError(
        `Could not ${action} the history of session '${sessionId}' in Redis (key ${key}): ${error.message}`,
        { sessionId, file: key, cause: error },
      );
    }
  }
}
