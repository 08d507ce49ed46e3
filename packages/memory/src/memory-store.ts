/**
 * The contract of session stores.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

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
   */
  append(sessionId: string, messages: readonly ChatCompletionMessageParam[]): Promise<void>;
  /**
   * Deletes a session's history.
   * @param sessionId - The session.
   */
  clear(sessionId: string): Promise<void>;
}
