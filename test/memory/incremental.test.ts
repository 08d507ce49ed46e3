import { TokenCounter, trimMessages } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getEncoder } from '../../packages/memory/src/encoder-cache.js';

function turn(n: number): ChatCompletionMessageParam[] {
  return [
    { role: 'user', content: `turn ${n}: what is the weather in city ${n}?` },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: `call_${n}`,
          type: 'function',
          function: { name: 'get_weather', arguments: `{"city":"city ${n}"}` },
        },
      ],
    },
    { role: 'tool', tool_call_id: `call_${n}`, content: `turn ${n}: 21°C and sunny in city ${n}` },
    { role: 'assistant', content: `turn ${n}: it is 21°C and sunny in city ${n}.` },
  ];
}

// Strings every turn has (roles, the tool name): encoded again as parts of the new messages.
const SHARED = ['user', 'assistant', 'tool', 'get_weather'];
const system: ChatCompletionMessageParam = {
  role: 'system',
  content: 'You answer weather questions.',
};
const history = (turns: number) => [
  system,
  ...Array.from({ length: turns }, (_, i) => turn(i + 1)).flat(),
];

function spyEncoder() {
  const encoder = getEncoder('o200k_base');
  return vi.spyOn(encoder, 'encode_ordinary');
}

afterEach(() => vi.restoreAllMocks());

describe('incremental counting', () => {
  it('trimming a conversation that grew by one turn encodes only that turn’s messages', () => {
    const counter = new TokenCounter({ model: 'gpt-4o' });
    const before = history(200);
    trimMessages({ messages: before, counter, maxTokens: 2_000 });
    const grown = [...before, ...turn(201)];
    const spy = spyEncoder();
    const result = trimMessages({ messages: grown, counter, maxTokens: 2_000 });
    expect(result.dropped.length).toBeGreaterThan(0);
    const encoded = spy.mock.calls.map(([text]) => text);
    // Every encoded text belongs to the new turn's messages.
    expect(encoded.length).toBeGreaterThan(0);
    for (const text of encoded) {
      expect(SHARED.includes(text) || text.includes('201')).toBe(true);
    }
    // user: role + content; assistant: role + id + name + arguments; tool: role + content + id; assistant: role + content.
    expect(encoded).toHaveLength(2 + 4 + 3 + 2);
  });

  it('recognises copies loaded from a store by their content', () => {
    const counter = new TokenCounter({ model: 'gpt-4o' });
    const before = history(100);
    trimMessages({ messages: before, counter, maxTokens: 1_500 });
    // A store hands back new objects every turn.
    const loaded = structuredClone([...before, ...turn(101)]);
    const spy = spyEncoder();
    trimMessages({ messages: loaded, counter, maxTokens: 1_500 });
    expect(spy.mock.calls.length).toBe(11);
    expect(spy.mock.calls.every(([text]) => SHARED.includes(text) || text.includes('101'))).toBe(
      true,
    );
  });

  it('a new counter (no cache) encodes every kept message, so the test above measures the cache', () => {
    const messages = [...history(100), ...turn(101)];
    const spy = spyEncoder();
    const result = trimMessages({
      messages,
      counter: new TokenCounter({ model: 'gpt-4o' }),
      maxTokens: 1_500,
    });
    expect(spy.mock.calls.length).toBeGreaterThan(11 * 3);
    // Trimming reads the conversation from the newest end: dropped turns are never encoded.
    const kept = result.messages.length;
    expect(spy.mock.calls.length).toBeLessThan((kept + 8) * 4);
  });
});
