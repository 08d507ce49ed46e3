import { TokenCounter } from '@agentloop/memory';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { getEncoder } from '../../packages/memory/src/encoder-cache.js';
import { cookbookMessages, cookbookToolMessages, cookbookTools } from './fixtures.js';

const encodedLength = (encoding: 'o200k_base' | 'cl100k_base', text: string) =>
  getEncoder(encoding).encode_ordinary(text).length;

describe('TokenCounter matches the counts the OpenAI API reported in the cookbook', () => {
  it.each([
    ['gpt-4', 129],
    ['gpt-4-0613', 129],
    ['gpt-3.5-turbo', 129],
    ['gpt-4o', 124],
    ['gpt-4o-mini', 124],
  ])('example_messages on %s count %i', (model, expected) => {
    expect(new TokenCounter({ model }).countMessages(cookbookMessages)).toBe(expected);
  });

  it.each([
    ['gpt-4', 105],
    ['gpt-3.5-turbo', 105],
    ['gpt-4o', 101],
    ['gpt-4o-mini', 101],
  ])('get_current_weather with its two messages on %s counts %i', (model, expected) => {
    const counter = new TokenCounter({ model });
    expect(counter.countMessages(cookbookToolMessages) + counter.countTools(cookbookTools)).toBe(
      expected,
    );
  });

  it('follows num_tokens_for_tools with the constants of each model family', () => {
    // The cookbook's function, transcribed: func_init 7 (gpt-4o) or 10 (gpt-4, gpt-3.5-turbo).
    const reference = (encoding: 'o200k_base' | 'cl100k_base', funcInit: number) => {
      const enc = (t: string) => encodedLength(encoding, t);
      let count = 0;
      for (const tool of twoTools) {
        if (tool.type !== 'function') continue;
        const f = tool.function;
        count += funcInit + enc(`${f.name}:${f.description?.replace(/\.$/, '')}`);
        const properties = (f.parameters?.properties ?? {}) as Record<
          string,
          { type: string; description: string; enum?: string[] }
        >;
        if (Object.keys(properties).length > 0) count += 3;
        for (const [key, p] of Object.entries(properties)) {
          count += 3;
          if (p.enum) {
            count -= 3;
            for (const item of p.enum) count += 3 + enc(item);
          }
          count += enc(`${key}:${p.type}:${p.description.replace(/\.$/, '')}`);
        }
      }
      return count + 12;
    };
    const twoTools: ChatCompletionTool[] = [
      cookbookTools[0]!,
      {
        type: 'function' as const,
        function: {
          name: 'get_forecast',
          description: 'Forecast for the next days.',
          parameters: {
            type: 'object',
            properties: { days: { type: 'integer', description: 'How many days.' } },
          },
        },
      },
    ];
    expect(new TokenCounter({ model: 'gpt-4o' }).countTools(twoTools)).toBe(
      reference('o200k_base', 7),
    );
    expect(new TokenCounter({ model: 'gpt-4' }).countTools(twoTools)).toBe(
      reference('cl100k_base', 10),
    );
    expect(new TokenCounter({ model: 'gpt-4o' }).countTools([])).toBe(0);
  });
});

describe('the message rule', () => {
  const counter = new TokenCounter({ model: 'gpt-4o' });
  const enc = (text: string) => encodedLength('o200k_base', text);

  it('counts 3 per message, every string field, 1 per name, and 3 to prime the reply', () => {
    const user: ChatCompletionMessageParam = { role: 'user', content: 'Hello there', name: 'bob' };
    expect(counter.countMessage(user)).toBe(3 + enc('user') + enc('Hello there') + enc('bob') + 1);
    expect(counter.countMessages([user])).toBe(counter.countMessage(user) + 3);
    expect(counter.countMessages([])).toBe(3);
  });

  it('counts assistant tool calls (3 + id + name + arguments each) and tool messages', () => {
    const call: ChatCompletionMessageParam = {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
        {
          id: 'call_2',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
        },
      ],
    };
    const expected =
      3 +
      enc('assistant') +
      (3 + enc('call_1') + enc('get_weather') + enc('{"city":"Paris"}')) +
      (3 + enc('call_2') + enc('get_weather') + enc('{"city":"Oslo"}'));
    expect(counter.countMessage(call)).toBe(expected);
    const result: ChatCompletionMessageParam = {
      role: 'tool',
      tool_call_id: 'call_1',
      content: '21°C, sunny',
    };
    expect(counter.countMessage(result)).toBe(3 + enc('tool') + enc('21°C, sunny') + enc('call_1'));
  });

  it('counts text parts exactly and images by the documented rule (remote, size unknown: the largest)', () => {
    const message: ChatCompletionMessageParam = {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
        { type: 'image_url', image_url: { url: 'https://example.com/b.png' } },
      ],
    };
    expect(counter.countMessage(message)).toBe(
      3 + enc('user') + enc('What is in this image?') + 85 + 1445,
    );
  });

  it('counts <|endoftext|> and other special-token strings as text instead of throwing', () => {
    const text = 'before <|endoftext|> after <|im_start|>';
    expect(counter.countText(text)).toBe(enc(text));
    expect(counter.countText('<|endoftext|>')).toBeGreaterThan(1);
    expect(new TokenCounter({ model: 'gpt-4' }).countText('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('counts text exactly, unicode included', () => {
    for (const text of [
      'tiktoken is great!',
      'お誕生日おめでとう',
      '👩‍👩‍👧 émoji\tand\nnewlines',
      '',
    ]) {
      expect(counter.countText(text)).toBe(enc(text));
    }
  });

  it('cuts text to a token budget without splitting characters', () => {
    const text = 'héllo wörld 你好世界 '.repeat(50);
    const head = counter.truncateText(text, 20);
    expect(text.startsWith(head)).toBe(true);
    expect(counter.countText(head)).toBeLessThanOrEqual(20);
    expect(counter.countText(head)).toBeGreaterThanOrEqual(18);
    expect(counter.truncateText('short', 20)).toBe('short');
  });

  it('refuses a counter without a model name', () => {
    expect(() => new TokenCounter({ model: '' })).toThrow(/Invalid option 'model'/);
  });
});
