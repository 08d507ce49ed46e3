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
