/**
 * Trimming keeps a reasoning item with its call and the call's result: the reasoning rides on
 * the assistant message, which trimming keeps or drops whole with its tool results. Checked
 * against the strict /v1/responses rules for random conversations at every budget.
 */
import { ContextOverflowError, TokenCounter, trimMessages } from '@agentloop/memory';
import fc from 'fast-check';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { toResponsesInput } from '../../packages/core/src/models/responses-input.js';
import { ReasoningLedger, validateResponsesInput } from '../support/index.js';

const counter = new TokenCounter({ model: 'gpt-5-mini' });

/** One model reply of a random conversation: reasoning, text, calls. */
const replyShape = fc.record({
  reasoning: fc.constantFrom('none', 'first', 'interleaved'),
  text: fc.option(fc.lorem({ maxCount: 8 }), { nil: undefined }),
  calls: fc.integer({ min: 0, max: 3 }),
  resultWords: fc.integer({ min: 1, max: 40 }),
});
const turnShape = fc.record({
  question: fc.lorem({ maxCount: 12 }),
  steps: fc.array(replyShape, { minLength: 1, maxLength: 4 }),
});

type TurnShape = typeof turnShape extends fc.Arbitrary<infer T> ? T : never;

/**
 * Builds the conversation the loop would store for these turns, the assistant messages carrying
 * their output entries as openaiResponses() leaves them, and records each reasoning item and
 * the item after it in `ledger`, as the provider that issued them would know them.
 */
function build(turns: readonly TurnShape[], ledger: ReasoningLedger): ChatCompletionMessageParam[] {
  let n = 0;
  const next = (prefix: string) => `${prefix}_${++n}`;
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'You help.' }];
  for (const turn of turns) {
    messages.push({ role: 'user', content: turn.question });
    turn.steps.forEach((step, s) => {
      // The last step of a turn answers; the others call tools.
      const calls = s === turn.steps.length - 1 ? 0 : Math.max(1, step.calls);
      const items: { type: string; id: string; call_id?: string }[] = [];
      const text = step.text ?? (calls === 0 ? 'Done.' : undefined);
      if (text !== undefined) items.push({ type: 'message', id: next('msg') });
      const toolCalls = Array.from({ length: calls }, () => {
        const callId = next('call');
        items.push({ type: 'function_call', id: next('fc'), call_id: callId });
        return {
          id: callId,
          type: 'function' as const,
          function: { name: 'lookup', arguments: '{"k":1}' },
        };
      });
      const entries: object[] = [];
      items.forEach((item, i) => {
        if (step.reasoning === 'interleaved' || (step.reasoning === 'first' && i === 0)) {
          const id = next('rs');
          const encrypted = `gAAAAA${id}`;
          ledger.issue(id, { encrypted, followerId: item.id, followerType: item.type });
          entries.push({ id, type: 'reasoning', summary: [], encrypted_content: encrypted });
        }
        entries.push(item);
      });
      messages.push({
        role: 'assistant',
        content: text ?? null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        ...(step.reasoning !== 'none' ? { responses_output: entries } : {}),
      } as ChatCompletionMessageParam);
      for (const call of toolCalls) {
        messages.push({
          role: 'tool',
          tool_call_id: call.id,
          content: 'word '.repeat(step.resultWords),
        });
      }
    });
  }
  return messages;
}

describe('trimming and reasoning items', () => {
  it('every trim of a conversation with reasoning items is a request the strict endpoint takes', {
    timeout: 120_000,
  }, () => {
    let trims = 0;
    let dropped = 0;
    fc.assert(
      fc.property(
        fc.array(turnShape, { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (turns, fraction) => {
          const ledger = new ReasoningLedger();
          const messages = build(turns, ledger);
          const full = counter.countMessages(messages);
          let trimmed: ChatCompletionMessageParam[];
          try {
            trimmed = trimMessages({
              messages,
              maxTokens: Math.ceil(full * fraction),
              counter,
            }).messages;
          } catch (error) {
            if (error instanceof ContextOverflowError) return;
            throw error;
          }
          trims += 1;
          if (trimmed.length < messages.length) dropped += 1;
          const problem = validateResponsesInput(toResponsesInput(trimmed), false, ledger);
          expect(problem).toBeNull();
        },
      ),
      { numRuns: 400, seed: 18 },
    );
    // The property must have been tested on trims that dropped something.
    expect(dropped).toBeGreaterThan(trims / 4);
  });

  it('the strict rules catch a reasoning item cut from its call (the check is not vacuous)', () => {
    const ledger = new ReasoningLedger();
    const messages = build(
      [
        {
          question: 'q',
          steps: [
            { reasoning: 'first', text: undefined, calls: 1, resultWords: 3 },
            { reasoning: 'none', text: 'ok', calls: 0, resultWords: 1 },
          ],
        },
      ],
      ledger,
    );
    const input = toResponsesInput(messages);
    const reasoning = input.findIndex((item) => (item as { type?: string }).type === 'reasoning');
    // Drop what followed the reasoning item: the call and its output.
    const broken = [...input.slice(0, reasoning + 1), ...input.slice(reasoning + 3)];
    expect(validateResponsesInput(broken, false, ledger)?.message).toMatch(
      /of type 'reasoning' was provided without its required following item/,
    );
    expect(validateResponsesInput(input, false, ledger)).toBeNull();
  });
});
