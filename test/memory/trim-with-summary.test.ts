import {
  SUMMARY_HEADING,
  type SummarizeInput,
  type SummaryState,
  summaryRequestMessages,
  TokenCounter,
  trimWithSummary,
} from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { validateChatRequest } from '../support/validate-request.js';

const counter = new TokenCounter({ model: 'gpt-4o' });
const system: ChatCompletionMessageParam = {
  role: 'system',
  content: 'You are a travel assistant.',
};

function turn(n: number): ChatCompletionMessageParam[] {
  return [
    { role: 'user', content: `Question ${n}: ${'tell me about the city '.repeat(5)}` },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: `c${n}`, type: 'function', function: { name: 'lookup', arguments: `{"n":${n}}` } },
      ],
    },
    {
      role: 'tool',
      tool_call_id: `c${n}`,
      content: `Fact ${n}: ${'the museum opens at nine '.repeat(4)}`,
    },
    { role: 'assistant', content: `Answer ${n}.` },
  ];
}

/** A summariser that records its calls and returns a short deterministic summary. */
function recorder() {
  const calls: SummarizeInput[] = [];
  const summarize = async (input: SummarizeInput) => {
    calls.push(input);
    const covered = input.messages
      .filter((m) => m.role === 'user')
      .map((m) => String(m.content).slice(0, 11));
    return `${input.previousSummary ?? 'Summary:'} ${covered.join(', ')}`;
  };
  return { calls, summarize };
}

describe('trimWithSummary', () => {
  it('does not summarise while everything fits', async () => {
    const { calls, summarize } = recorder();
    const messages = [system, ...turn(1)];
    const result = await trimWithSummary({ messages, counter, maxTokens: 2_000, summarize });
    expect(result.messages).toEqual(messages);
    expect(result.state).toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  it('replaces the dropped turns by one pinned summary, within budget and valid', async () => {
    const { calls, summarize } = recorder();
    const messages = [system, ...Array.from({ length: 10 }, (_, i) => turn(i + 1)).flat()];
    const maxTokens = 700;
    const result = await trimWithSummary({
      messages,
      counter,
      maxTokens,
      summarize,
      maxSummaryTokens: 100,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.previousSummary).toBeUndefined();
    expect(calls[0]?.messages).toEqual(result.summarized);
    expect(result.summarized[0]).toBe(messages[1]);
    expect(result.messages[0]).toBe(system);
    expect(result.messages[1]).toEqual({
      role: 'system',
      content: expect.stringContaining(SUMMARY_HEADING),
    });
    expect(result.messages[1]).toBe(result.summary);
    expect(result.messages[2]?.role).toBe('user');
    expect(counter.countMessages(result.messages)).toBeLessThanOrEqual(maxTokens);
    expect(result.tokens).toBe(counter.countMessages(result.messages));
    expect(validateChatRequest({ model: 'gpt-4o', messages: result.messages })).toEqual({
      ok: true,
    });
    expect(result.state).toMatchObject({ covered: 1 + result.summarized.length });
  });

  it('extends the summary turn after turn, folding each dropped message in exactly once', async () => {
    const { calls, summarize } = recorder();
    let history: ChatCompletionMessageParam[] = [system];
    let state: SummaryState | undefined;
    const folded: ChatCompletionMessageParam[] = [];
    for (let n = 1; n <= 30; n++) {
      history = [...history, ...turn(n)];
      const callsBefore = calls.length;
      const result = await trimWithSummary({
        messages: history,
        counter,
        maxTokens: 800,
        maxSummaryTokens: 150,
        summarize,
        state,
      });
      if (calls.length > callsBefore) {
        expect(calls.at(-1)?.previousSummary).toBe(state?.summary);
        folded.push(...result.summarized);
      } else {
        // No new summarising: the previous summary is reused as is.
        expect(result.summary?.content ?? undefined).toBe(
          state ? `${SUMMARY_HEADING}\n\n${state.summary}` : undefined,
        );
      }
      state = result.state;
      expect(counter.countMessages(result.messages)).toBeLessThanOrEqual(800);
      expect(validateChatRequest({ model: 'gpt-4o', messages: result.messages })).toEqual({
        ok: true,
      });
      expect(result.messages.at(-1)).toBe(history.at(-1));
    }
    // Summarising happened on some turns only, never recomputing from scratch.
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.length).toBeLessThan(30);
    expect(folded).toEqual(history.slice(1, state?.covered));
    expect(new Set(folded).size).toBe(folded.length);
    expect(state?.summary).toContain('Question 1');
  });

  it('ignores a state that does not match the history and starts over', async () => {
    const { calls, summarize } = recorder();
    const messages = [system, ...Array.from({ length: 10 }, (_, i) => turn(i + 1)).flat()];
    const stale: SummaryState = {
      summary: 'about another session',
      covered: 5,
      fingerprint: 'nope',
    };
    const result = await trimWithSummary({
      messages,
      counter,
      maxTokens: 700,
      maxSummaryTokens: 100,
      summarize,
      state: stale,
    });
    expect(calls[0]?.previousSummary).toBeUndefined();
    expect(result.summary?.content).not.toContain('another session');
  });

  it('cuts a summary that is longer than maxSummaryTokens', async () => {
    const messages = [system, ...Array.from({ length: 10 }, (_, i) => turn(i + 1)).flat()];
    const result = await trimWithSummary({
      messages,
      counter,
      maxTokens: 700,
      maxSummaryTokens: 50,
      summarize: async () => 'very long summary '.repeat(500),
    });
    expect(counter.countText(result.state?.summary ?? '')).toBeLessThanOrEqual(50);
    expect(counter.countMessages(result.messages)).toBeLessThanOrEqual(700);
  });

  it('builds a summarising request for the model from the previous summary and the new messages', () => {
    const request = summaryRequestMessages({
      previousSummary: 'User plans a trip.',
      messages: turn(1),
    });
    expect(request.map((m) => m.role)).toEqual(['system', 'user']);
    const user = String(request[1]?.content);
    expect(user).toContain('User plans a trip.');
    expect(user).toContain('assistant called lookup({"n":1}) as c1');
    expect(user).toContain('tool result for c1: Fact 1');
  });
});
