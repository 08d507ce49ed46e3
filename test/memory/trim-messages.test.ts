import {
  ContextOverflowError,
  contextWindowFor,
  InvalidOptionError,
  TokenCounter,
  trimMessages,
} from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { validateChatRequest } from '../support/validate-request.js';
import { cookbookTools } from './fixtures.js';

const counter = new TokenCounter({ model: 'gpt-4o' });
const system: ChatCompletionMessageParam = {
  role: 'system',
  content: 'You answer weather questions.',
};

function turnWithTools(n: number, output: string): ChatCompletionMessageParam[] {
  return [
    { role: 'user', content: `Question ${n}: weather in Paris and Oslo?` },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: `c${n}a`,
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
        {
          id: `c${n}b`,
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: `c${n}a`, content: output },
    { role: 'tool', tool_call_id: `c${n}b`, content: output },
    { role: 'assistant', content: `Answer ${n}: it is mild in both.` },
  ];
}

const history = [
  system,
  ...turnWithTools(1, 'Paris: 21°C'),
  ...turnWithTools(2, 'Oslo: 9°C'),
  ...turnWithTools(3, 'sunny'),
];

describe('trimMessages', () => {
  it('returns everything when it fits, with the exact token count', () => {
    const result = trimMessages({ messages: history, counter, maxTokens: 10_000 });
    expect(result.messages).toEqual(history);
    expect(result.dropped).toEqual([]);
    expect(result.tokens).toBe(counter.countMessages(history));
  });

  it('drops the oldest whole turns first and returns them in `dropped`', () => {
    const all = counter.countMessages(history);
    const lastTurn = history.slice(11);
    const result = trimMessages({ messages: history, counter, maxTokens: all - 1 });
    expect(result.messages).toEqual([system, ...history.slice(6)]);
    expect(result.dropped).toEqual(history.slice(1, 6));
    const tight = trimMessages({
      messages: history,
      counter,
      maxTokens: counter.countMessages([system, ...lastTurn]),
    });
    expect(tight.messages).toEqual([system, ...lastTurn]);
    expect(tight.dropped).toHaveLength(10);
  });

  it('counts tool definitions and reserved reply tokens against the budget', () => {
    const exactFit = counter.countMessages([system, ...history.slice(6)]);
    const plain = trimMessages({ messages: history, counter, maxTokens: exactFit });
    expect(plain.messages).toHaveLength(11);
    const withTools = trimMessages({
      messages: history,
      counter,
      maxTokens: exactFit,
      tools: cookbookTools,
    });
    expect(withTools.messages).toHaveLength(6);
    expect(withTools.tokens).toBe(
      counter.countMessages(withTools.messages) + counter.countTools(cookbookTools),
    );
    const withReserve = trimMessages({
      messages: history,
      counter,
      maxTokens: exactFit,
      reserveOutputTokens: 1,
    });
    expect(withReserve.messages).toHaveLength(6);
  });

  it('pins the first user message (the task) with keepFirstUser', () => {
    const budget = counter.countMessages([system, history[1]!, ...history.slice(11)]);
    const result = trimMessages({
      messages: history,
      counter,
      maxTokens: budget,
      keepFirstUser: true,
    });
    expect(result.messages).toEqual([system, history[1], ...history.slice(11)]);
    expect(validateChatRequest({ model: 'gpt-4o', messages: result.messages })).toEqual({
      ok: true,
    });
    const without = trimMessages({ messages: history, counter, maxTokens: budget });
    expect(without.messages).not.toContain(history[1]);
  });

  it('drops system messages like any other with keepSystem: false', () => {
    const budget = counter.countMessages(history.slice(11));
    const result = trimMessages({
      messages: history,
      counter,
      maxTokens: budget,
      keepSystem: false,
    });
    expect(result.messages).toEqual(history.slice(11));
  });

  it('defaults the budget to the model’s context window', () => {
    const small = new TokenCounter({ model: 'gpt-4' });
    const big = 'word '.repeat(5_000);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: big },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: big },
    ];
    const result = trimMessages({ messages, counter: small });
    expect(contextWindowFor('gpt-4')).toBe(8_192);
    expect(result.messages).toHaveLength(1);
    expect(trimMessages({ messages, counter }).messages).toHaveLength(3);
  });

  it('shrinks oversized tool outputs of the newest turn with a marker', () => {
    const huge = 'temperature reading 21.5 degrees at station '.repeat(400);
    const messages = [system, ...turnWithTools(1, 'x'), ...turnWithTools(2, huge).slice(0, 4)];
    const budget = 1_000;
    const result = trimMessages({ messages, counter, maxTokens: budget });
    expect(result.shrunk).toHaveLength(2);
    const outputs = result.messages.filter((m) => m.role === 'tool');
    expect(outputs).toHaveLength(2);
    for (const out of outputs) {
      expect(out.content).toMatch(/^temperature reading 21\.5/);
      expect(out.content).toMatch(
        /\[agentloop: \d+ of \d+ tokens of this tool output were cut to fit the context window\]$/,
      );
    }
    expect(counter.countMessages(result.messages)).toBeLessThanOrEqual(budget);
    expect(result.tokens).toBe(counter.countMessages(result.messages));
    // The input keeps the full outputs.
    expect((messages.at(-1) as { content: string }).content).toBe(huge);
    expect(validateChatRequest({ model: 'gpt-4o', messages: result.messages })).toEqual({
      ok: true,
    });
  });

  it('shrinks the biggest output first and leaves small ones alone', () => {
    const big = 'log line with details '.repeat(500);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
          { id: 'b', type: 'function', function: { name: 'f', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'a', content: 'small output' },
      { role: 'tool', tool_call_id: 'b', content: big },
    ];
    const result = trimMessages({ messages, counter, maxTokens: 600 });
    expect(result.shrunk.map((s) => s.toolCallId)).toEqual(['b']);
    expect(result.messages[2]).toBe(messages[2]);
  });

  it('throws ContextOverflowError with the budget, the size needed and the message too big', () => {
    const messages: ChatCompletionMessageParam[] = [
      system,
      { role: 'user', content: 'word '.repeat(2_000) },
    ];
    let error: unknown;
    try {
      trimMessages({ messages, counter, maxTokens: 500 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContextOverflowError);
    const overflow = error as ContextOverflowError;
    expect(overflow.code).toBe('context_overflow');
    expect(overflow.budget).toBe(500);
    expect(overflow.needed).toBe(counter.countMessages(messages));
    expect(overflow.largestMessage).toEqual({
      index: 1,
      role: 'user',
      tokens: counter.countMessage(messages[1]!),
    });
    expect(overflow.message).toContain('maxTokens is 500');
    expect(overflow.message).toContain('messages[1]');
    expect((overflow as unknown as Record<symbol, unknown>)[Symbol.for('agentloop.error')]).toBe(
      true,
    );
  });

  it('still overflows when even shrunk tool outputs do not fit, or shrinking is off', () => {
    const messages = [system, ...turnWithTools(1, 'z '.repeat(3_000)).slice(0, 4)];
    expect(() => trimMessages({ messages, counter, maxTokens: 120 })).toThrow(ContextOverflowError);
    expect(() =>
      trimMessages({ messages, counter, maxTokens: 1_000, shrinkToolOutputs: false }),
    ).toThrow(/does not fit the token budget/);
  });

  it('drops messages that could never be sent: orphan tool results and unanswered calls', () => {
    const messages: ChatCompletionMessageParam[] = [
      system,
      { role: 'tool', tool_call_id: 'lost', content: 'orphan' },
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'user', content: 'still there?' },
      { role: 'assistant', content: 'yes', tool_calls: [] },
    ];
    const result = trimMessages({ messages, counter, maxTokens: 10_000 });
    expect(result.dropped).toEqual([messages[1], messages[3]]);
    expect(result.messages.at(-1)).toEqual({ role: 'assistant', content: 'yes' });
    expect(validateChatRequest({ model: 'gpt-4o', messages: result.messages })).toEqual({
      ok: true,
    });
  });

  it('refuses bad options with InvalidOptionError', () => {
    expect(() => trimMessages({ messages: history, counter, maxTokens: 0 })).toThrow(
      InvalidOptionError,
    );
    expect(() => trimMessages({ messages: history, counter, maxTokens: 1.5 })).toThrow(/maxTokens/);
    expect(() => trimMessages({ messages: history, counter, reserveOutputTokens: -1 })).toThrow(
      /reserveOutputTokens/,
    );
  });
});
