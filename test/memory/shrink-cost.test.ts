import { ContextOverflowError, TokenCounter, trimMessages } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getEncoder } from '../../packages/memory/src/encoder-cache.js';

/** Characters and calls that went through the shared encoder while `fn` ran. */
function encodedBy<T>(fn: () => T): { value: T; chars: number; calls: number } {
  const spy = vi.spyOn(getEncoder('o200k_base'), 'encode_ordinary');
  try {
    const value = fn();
    const chars = spy.mock.calls.reduce((sum, [text]) => sum + text.length, 0);
    return { value, chars, calls: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

// A tool output of ~364K characters: a long log, as a `cat` of a big file would return.
const huge = Array.from(
  { length: 8_500 },
  (_, i) => `${i}: GET /api/items/${i * 7} 200 ${i % 97}ms user=${i % 13}`,
).join('\n');

const conversation: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You read logs.' },
  { role: 'user', content: 'What failed in the access log?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_1', content: huge },
];

describe('shrinking a tool output on a warm counter', () => {
  it('does not encode the whole output again on the next trim of the same conversation', () => {
    expect(huge.length).toBeGreaterThan(360_000);
    const counter = new TokenCounter({ model: 'gpt-4o' });
    const options = { counter, maxTokens: 4_000, reserveOutputTokens: 500 };
    const first = encodedBy(() => trimMessages({ messages: conversation, ...options }));
    expect(first.value.shrunk).toHaveLength(1);
    // The first trim has to read the whole output once.
    expect(first.chars).toBeGreaterThan(huge.length);

    const second = encodedBy(() => trimMessages({ messages: conversation, ...options }));
    // A store hands back new objects with the same content: recognised by content, too.
    const reloaded = encodedBy(() =>
      trimMessages({ messages: structuredClone(conversation), ...options }),
    );
    for (const warm of [second, reloaded]) {
      expect(warm.value).toEqual(first.value);
      // Only the kept head is encoded again (to cut it), never the 364K characters.
      expect(warm.chars).toBeLessThan(first.chars / 10);
      expect(warm.calls).toBeLessThan(first.calls / 4);
    }
  });

  it('reads a tool output once when even cutting it cannot fit, with the same error numbers', () => {
    const counter = new TokenCounter({ model: 'gpt-4o' });
    const options = { counter, maxTokens: 100, reserveOutputTokens: 20, minToolOutputTokens: 64 };
    const { value: error, chars } = encodedBy(() => {
      try {
        trimMessages({ messages: conversation, ...options });
      } catch (e) {
        return e;
      }
      return undefined;
    });
    expect(error).toBeInstanceOf(ContextOverflowError);
    // Counting the turn reads the output once; what cutting could save is not read again.
    expect(chars).toBeLessThan(huge.length * 1.1);
    const overflow = error as ContextOverflowError;
    const possible = counter.countText(huge) - 64;
    expect(overflow.needed).toBe(counter.countMessages(conversation) + 20 - possible);
    expect(overflow.message).toContain('with its tool outputs cut to 64 tokens');
  });
});
