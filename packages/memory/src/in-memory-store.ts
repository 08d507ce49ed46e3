/**
 * `InMemoryStore`: sessions kept in the process's memory.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { appendKeyOf } from './append-key.js';
import { InvalidOptionError } from './errors.js';
import type { AppendOptions, MemoryStore } from './memory-store.js';
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
 * An append with a `key` happens at most once per session: the store remembers the keys of a
 * session until it is cleared.
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
  readonly #keys = new Map<string, Set<string>>();

  /** {@inheritDoc MemoryStore.load} */
  async load(sessionId: string): Promise<ChatCompletionMessageParam[]> {
    return [...(this.#sessions.get(assertSessionId(sessionId)) ?? [])];
  }

  /** {@inheritDoc MemoryStore.append} */
  async append(
    sessionId: string,
    messages: readonly ChatCompletionMessageParam[],
    options?: AppendOptions,
  ): Promise<void> {
    const id = assertSessionId(sessionId);
    const key = appendKeyOf(options);
    if (!Array.isArray(messages)) {
      throw new InvalidOptionError('messages', 'an array of chat messages', messages);
    }
    let keys = this.#keys.get(id);
    if (key !== undefined && keys?.has(key)) return;
    const copies = messages.map((message) => deepFreeze(structuredClone(message)));
    if (key !== undefined) {
      if (!keys) {
        keys = new Set();
        this.#keys.set(id, keys);
      }
      keys.add(key);
    }
    let history = this.#sessions.get(id);
    if (!history) {
      history = [];
      this.#sessions.set(id, history);
    }
    for (const copy of copies) history.push(copy);
  }

  /** {@inheritDoc MemoryStore.clear} */
  async clear(sessionId: string): Promise<void> {
    const id = assertSessionId(sessionId);
    this.#sessions.delete(id);
    // The keys go with the history: an append after a clear lands whatever its key.
    this.#keys.delete(id);
  }
}
