/**
 * Issue 11 point 2, memory side: an assistant message carries provider fields back to its provider
 * (`reasoning_content`, `reasoning`, Gemini's `extra_content` on tool calls). The reasoning is sent,
 * so it counts; trimming keeps every field on the messages it keeps.
 */
import { TokenCounter, trimMessages } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';

const counter = new TokenCounter({ model: 'gpt-4o-mini' });
const reasoning =
  'The user asks about Paris, so I should call the weather tool with the city name.';

const withCalls = (extra: Record<string, unknown>): ChatCompletionMessageParam =>
  ({
    role: 'assistant',
    content: null,
    tool_calls: [
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        extra_content: { google: { thought_signature: 'c2lnbmF0dXJl' } },
      },
    ],
    ...extra,
  }) as unknown as ChatCompletionMessageParam;

describe('counting', () => {
  it.each(['reasoning_content', 'reasoning'])('counts %s like text', (field) => {
    const plain = counter.countMessage(withCalls({}));
    const carried = counter.countMessage(withCalls({ [field]: reasoning }));
    expect(carried - plain).toBe(counter.countText(reasoning));
    expect(counter.countText(reasoning)).toBeGreaterThan(10);
  });
});

describe('trimming', () => {
  it('keeps the provider fields of the messages it keeps, within a budget that counts the reasoning', () => {
    const turn = (n: number): ChatCompletionMessageParam[] => [
      { role: 'user', content: `Weather ${n}?` },
      withCalls({ reasoning_content: `${reasoning} (${n})` }),
      { role: 'tool', tool_call_id: 'call_1', content: '21C' },
      {
        role: 'assistant',
        content: 'Sunny.',
        reasoning_content: 'Done.',
      } as ChatCompletionMessageParam,
    ];
    const strip = (list: ChatCompletionMessageParam[]) =>
      list.map((m) => {
        const { reasoning_content: _r, ...rest } = m as unknown as Record<string, unknown>;
        return rest as unknown as ChatCompletionMessageParam;
      });
    // Room for the last turn and for the previous one only if its reasoning were free.
    const maxTokens = counter.countMessages(turn(3)) + counter.countMessages(strip(turn(2))) - 3;
    const trimmed = trimMessages({
      messages: [...turn(1), ...turn(2), ...turn(3)],
      maxTokens,
      counter,
    });

    expect(trimmed.messages).toEqual(turn(3));
    expect(trimmed.tokens).toBe(counter.countMessages(turn(3)));
  });
});
