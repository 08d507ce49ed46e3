/**
 * Issue 18, memory side: an assistant message from `openaiResponses()` carries its reasoning items
 * in `responses_output`, and they go back to the model in the next request. They take room in the
 * context, so the counter counts them and trimming keeps them within the budget.
 */
import { TokenCounter, trimMessages } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';

const counter = new TokenCounter({ model: 'gpt-5-mini' });
const summary = 'Checking the weather for Paris before answering, with the metric unit.';
const encrypted = 'gAAAAA'.padEnd(1600, 'x');

function callWithReasoning(n: number, output: unknown[]): ChatCompletionMessageParam {
  return {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: `call_${n}`, type: 'function', function: { name: 'get_weather', arguments: '{}' } },
    ],
    responses_output: output,
  } as unknown as ChatCompletionMessageParam;
}

const reasoningItem = (extra: Record<string, unknown> = {}) => ({
  type: 'reasoning',
  id: 'rs_1',
  summary: [{ type: 'summary_text', text: summary }],
  ...extra,
});

describe('counting the reasoning items of a Responses reply', () => {
  const plain = counter.countMessage(callWithReasoning(1, []));

  it('counts summary texts exactly', () => {
    const withSummary = counter.countMessage(callWithReasoning(1, [reasoningItem()]));
    expect(withSummary - plain).toBe(counter.countText(summary));
  });

  it('counts reasoning content texts exactly, and encrypted content at 3 bytes per 4 characters, 4 bytes a token', () => {
    const item = reasoningItem({
      content: [{ type: 'reasoning_text', text: 'step one' }],
      encrypted_content: encrypted,
    });
    const counted = counter.countMessage(callWithReasoning(1, [item]));
    expect(counted - plain).toBe(
      counter.countText(summary) + counter.countText('step one') + Math.ceil((1600 * 3) / 16),
    );
  });

  it('does not count the markers of message and function call items (the message says those), nor entries it cannot read', () => {
    const markers = [
      { type: 'function_call', id: 'fc_1', call_id: 'call_1' },
      { type: 'message', id: 'msg_1' },
      null,
      'junk',
      { type: 'reasoning', summary: 'not a list', encrypted_content: 42 },
    ];
    expect(counter.countMessage(callWithReasoning(1, markers))).toBe(plain);
  });
});

describe('trimming with reasoning items', () => {
  it('drops the oldest turn when its reasoning does not fit, though it would fit without it', () => {
    const turn = (n: number, output: unknown[]): ChatCompletionMessageParam[] => [
      { role: 'user', content: `Weather ${n}?` },
      callWithReasoning(n, output),
      { role: 'tool', tool_call_id: `call_${n}`, content: '21C' },
      { role: 'assistant', content: 'Sunny.' },
    ];
    const heavy = (n: number) => turn(n, [reasoningItem({ encrypted_content: encrypted })]);
    const maxTokens = counter.countMessages(heavy(2)) + counter.countMessages(turn(1, [])) - 3;
    const trimmed = trimMessages({ messages: [...heavy(1), ...heavy(2)], maxTokens, counter });
    expect(trimmed.messages).toEqual(heavy(2));
    expect(trimmed.tokens).toBeLessThanOrEqual(maxTokens);
  });
});
