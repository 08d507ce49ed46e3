/**
 * The contract of session stores.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** Options of {@link MemoryStore.append}. */
export interface AppendOptions {
  /**
   * Makes the append happen at most once: a store that already holds an append of this session
   * with this key does nothing. Agents key each turn by run and turn (`run_…:3`), so a run
   * resumed after a crash never appends a turn twice.
   */
  key?: string;
  /**
   * The session lease the append is made under (see {@link SessionLock}). A store that can
   * check it (a `RedisStore` with its own `sessionLock`) refuses the append once the lease is
   * lost, so a holder that lost the session never writes into another's turn; other stores
   * ignore it.
   */
  lease?: SessionLease;
}

/** A session held by one holder (see {@link SessionLock}); release it when the run ends. */
export interface SessionLease {
  /** The session. */
  readonly sessionId: string;
  /** The fencing token: larger for every later holder of the session, when the lock has one. */
  readonly fence?: number;
  /**
   * Aborted, its reason saying why, once the lease is known to be lost (it expired unrenewed and
   * another holder may have the session). A run holding the lease stops then: its model call
   * and tools see the abort, and it ends with the reason.
   */
  readonly signal?: AbortSignal;
  /** Lets the session go. Safe to call more than once. */
  release(): Promise<void>;
}

/**
 * Makes runs on one session take turns across processes (agents keep runs of one session in
 * line within a process on their own): `new Agent({ memory: { store, sessionLock } })`.
 */
export interface SessionLock {
  /**
   * Waits until nobody holds the session, then holds it for the caller.
   * @param sessionId - The session.
   * @param options - `signal`: stops the wait (the promise rejects with its reason).
   */
  acquire(sessionId: string, options?: { signal?: AbortSignal }): Promise<SessionLease>;
}

/**
 * Where conversations are kept, by session id. A store keeps the full history: trimming only
 * shapes what is sent to the model and never deletes from it.
 *
 * Session ids are 1 to 128 characters from letters, digits, `_`, `-`, `.` and `@` (not starting
 * with `.`); other ids are refused with `InvalidSessionIdError`.
 */
export interface MemoryStore {
  /**
   * The whole history of a session, oldest first; empty for an unknown session.
   * @param sessionId - The session.
   */
  load(sessionId: string): Promise<ChatCompletionMessageParam[]>;
  /**
   * Adds messages at the end of a session's history. Concurrent appends to one session all land,
   * each batch whole and in call order.
   * @param sessionId - The session.
   * @param messages - The messages to add, oldest first.
   * @param options - `key`: append at most once per key (see {@link AppendOptions}).
   */
  append(
    sessionId: string,
    messages: readonly ChatCompletionMessageParam[],
    options?: AppendOptions,
  ): Promise<void>;
  /**
   * Deletes a session's history.
   * @param sessionId - The session.
   */
  clear(sessionId: string): Promise<void>;
}
