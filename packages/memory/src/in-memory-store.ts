/**
 * `InMemoryStore`: sessions kept in the process's memory.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { MemoryStore } from './memory-store.js';
import { assertSessionId } from './session-id.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A {@link MemoryStore} in memory, for tests, scripts and single-process services; lost on exit.
 *
 * Appended messages are copied (`structuredClone`) and frozen, so later changes by the caller do
 * not reach the store; `load` returns a new array of those frozen messages. Because they are the
 * same objects every time, a `TokenCounter` counts each of them once.
 *
 * @example
 * ```ts
 * const store = new InMemoryStore();
 * await store.append('u42', [{ role: 'user', content: 'Hi' }]);
 * await store.load('u42'); // [{ role: 'user', content: 'Hi' }]
 * ```
 */
export class InMemoryStore implements MemoryStore {
  readonly #sessions = new Map<string, ChatCompletionMessageParam[]>();

  /** {@inheritDoc MemoryStore.load} */
  async load(sessionId: string): Promise<ChatCompletionMessageParam[]> {
    return [...(this.#sessions.get(assertSessionId(sessionId)) ?? [])];
  }

  /** {@inheritDoc MemoryStore.append} */
  async append(sessionId: string, messages: readonly ChatCompletionMessageParam[]): Promise<void> {
    const id = assertSessionId(sessionId);
    const copies = messages.map((message) => deepFreeze(structuredClone(message)));
    let history = this.#sessions.get(id);
    if (!history) {
      history = [];
      this.#sessions.set(id, history);
    }
    for (const copy of copies) history.push(copy);
  }

  /** {@inheritDoc MemoryStore.clear} */
  async clear(sessionId: string): Promise<void> {
    this.#sessions.delete(assertSessionId(sessionId));
  }
}
