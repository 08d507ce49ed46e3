import {
  type MemoryStore,
  type SummaryState,
  TokenCounter,
  type TrimResult,
  trimMessages,
  trimWithSummary,
} from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expectTypeOf, it } from 'vitest';

describe('memory types', () => {
  it('trimMessages takes and returns openai message types', () => {
    const counter = new TokenCounter({ model: 'gpt-4o' });
    const result = trimMessages({ messages: [], counter });
    expectTypeOf(result).toEqualTypeOf<TrimResult>();
    expectTypeOf(result.messages).toEqualTypeOf<ChatCompletionMessageParam[]>();
    expectTypeOf(result.dropped).toEqualTypeOf<ChatCompletionMessageParam[]>();
    // @ts-expect-error a counter is required
    trimMessages({ messages: [] });
  });

  it('stores follow the MemoryStore contract', () => {
    expectTypeOf<MemoryStore['load']>().returns.toEqualTypeOf<
      Promise<ChatCompletionMessageParam[]>
    >();
  });

  it('trimWithSummary returns the state to keep', async () => {
    const counter = new TokenCounter({ model: 'gpt-4o' });
    const result = await trimWithSummary({ messages: [], counter, summarize: async () => 'x' });
    expectTypeOf(result.state).toEqualTypeOf<SummaryState | undefined>();
    // @ts-expect-error summarize must resolve to a string
    await trimWithSummary({ messages: [], counter, summarize: async () => 42 });
  });
});
