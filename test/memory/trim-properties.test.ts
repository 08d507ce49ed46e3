import { ContextOverflowError, TokenCounter, trimMessages } from '@agentloop/memory';
import fc from 'fast-check';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { validateChatRequest } from '../support/validate-request.js';
import { conversation } from './conversation-arbitrary.js';
import { cookbookTools } from './fixtures.js';

const counter = new TokenCounter({ model: 'gpt-4o' });
const pinnedRole = (m: ChatCompletionMessageParam) => m.role === 'system' || m.role === 'developer';

/** Maps each output message to its input index (shrunk tool outputs are copies: match by call id). */
function inputIndices(input: ChatCompletionMessageParam[], output: ChatCompletionMessageParam[]) {
  return output.map((m) => {
    const same = input.indexOf(m);
    if (same !== -1) return same;
    expect(m.role).toBe('tool');
    return input.findIndex(
      (x) => x.role === 'tool' && m.role === 'tool' && x.tool_call_id === m.tool_call_id,
    );
  });
}

describe('trimMessages is pair-safe and within budget (property-based)', () => {
  it('holds for thousands of random conversations and budgets', { timeout: 120_000 }, () => {
    let trimmed = 0;
    let shrunk = 0;
    let overflowed = 0;
    fc.assert(
      fc.property(
        conversation,
        fc.double({ min: 0.05, max: 1.2, noNaN: true }),
        fc.boolean(),
        fc.integer({ min: 0, max: 200 }),
        fc.boolean(),
        (messages, fraction, withTools, reserve, keepFirstUser) => {
          const tools: ChatCompletionTool[] | undefined = withTools ? cookbookTools : undefined;
          const full = counter.countMessages(messages) + counter.countTools(tools) + reserve;
          const maxTokens = Math.max(1, Math.round(full * fraction));
          const snapshot = JSON.stringify(messages);
          let result: ReturnType<typeof trimMessages>;
          try {
            result = trimMessages({
              messages,
              counter,
              maxTokens,
              tools,
              reserveOutputTokens: reserve,
              keepFirstUser,
            });
          } catch (error) {
            expect(error).toBeInstanceOf(ContextOverflowError);
            const overflow = error as ContextOverflowError;
            expect(overflow.code).toBe('context_overflow');
            expect(overflow.needed).toBeGreaterThan(maxTokens);
            expect(overflow.budget).toBe(maxTokens);
            overflowed++;
            return;
          }
          const out = result.messages;
          // The input is untouched.
          expect(JSON.stringify(messages)).toBe(snapshot);
          // Within budget, and `tokens` is the exact prompt size.
          const prompt = counter.countMessages(out) + counter.countTools(tools);
          expect(result.tokens).toBe(prompt);
          expect(prompt + reserve).toBeLessThanOrEqual(maxTokens);
          // A valid request for the real API's rules.
          const verdict = validateChatRequest({
            model: 'gpt-4o',
            messages: out,
            ...(tools ? { tools } : {}),
          });
          expect(verdict).toEqual({ ok: true });
          // Order kept; kept and dropped partition the input.
          const indices = inputIndices(messages, out);
          expect([...indices].sort((a, b) => a - b)).toEqual(indices);
          expect(new Set(indices).size).toBe(indices.length);
          expect(out.length + result.dropped.length).toBe(messages.length);
          for (const m of result.dropped) expect(messages).toContain(m);
          // System and developer messages kept.
          for (const m of messages) if (pinnedRole(m)) expect(out).toContain(m);
          // The newest user message kept (and the first one with keepFirstUser).
          const users = messages.filter((m) => m.role === 'user');
          expect(out).toContain(users.at(-1));
          if (keepFirstUser) expect(out).toContain(users[0]);
          // What is dropped is the oldest whole turns: after the last dropped message, every
          // message is kept, and the first one that is not a system message opens a turn.
          const kept = new Set(indices);
          const lastDropped = messages.findLastIndex((_, i) => !kept.has(i));
          if (lastDropped !== -1) {
            for (let i = lastDropped + 1; i < messages.length; i++) expect(kept.has(i)).toBe(true);
            const next = messages.slice(lastDropped + 1).find((m) => !pinnedRole(m));
            expect(next?.role).toBe('user');
            // ...and the whole next older turn would not have fitted.
            let start = lastDropped;
            while (start > 0 && messages[start]?.role !== 'user') start--;
            const olderTurn = messages
              .slice(start, lastDropped + 1)
              .filter((_, j) => !kept.has(start + j));
            const olderCost = olderTurn.reduce((sum, m) => sum + counter.countMessage(m), 0);
            expect(result.tokens + olderCost + reserve).toBeGreaterThan(maxTokens);
          }
          if (result.dropped.length > 0) trimmed++;
          if (result.shrunk.length > 0) shrunk++;
        },
      ),
      { numRuns: 3_000 },
    );
    // The budgets exercised every path.
    expect(trimmed).toBeGreaterThan(500);
    expect(shrunk).toBeGreaterThan(20);
    expect(overflowed).toBeGreaterThan(20);
  });
});
