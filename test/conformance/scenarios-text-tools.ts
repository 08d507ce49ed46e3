/**
 * Conformance scenarios: text answers, sessions, tool calls (one, parallel, several turns,
 * beside text, without arguments), tool choice.
 *
 * @module
 */

import { InMemoryStore } from '@agentloop/memory';
import { expect } from 'vitest';
import type { ToolCallSpec } from '../support/index.js';
import { outcomeOf, type Scenario } from './harness.js';

export const call = (id: string, name: string, args?: ToolCallSpec['arguments']): ToolCallSpec => ({
  id,
  name,
  ...(args !== undefined ? { arguments: args } : {}),
});

/** The events of one type. */
export const ofType = (events: unknown[], type: string) =>
  events.filter((e) => (e as { type: string }).type === type) as Record<string, unknown>[];

/** The outcome as a result (fails the check when it is an error). */
export const result = (outcome: unknown) =>
  outcome as Record<string, unknown> & { messages: unknown[] };

/** Consumes a stream to its end and returns its result or error. */
export async function drainStream(stream: AsyncIterable<unknown> & { result: Promise<never> }) {
  for await (const _ of stream) {
    // Every event is recorded by the hooks.
  }
  return stream.result;
}

export const textAndToolScenarios: Scenario[] = [
  {
    name: 'text: a plain answer',
    steps: [{ content: 'Hello there.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Hi', { hooks: ctx.hooks })),
    check: ({ outcome, events }) => {
      expect(result(outcome)).toMatchObject({
        status: 'completed',
        text: 'Hello there.',
        turns: 1,
      });
      expect(ofType(events, 'text:delta')).toHaveLength(0);
    },
  },
  {
    name: 'text: a streamed answer arrives in pieces',
    steps: [{ content: 'The quick brown fox jumps over the lazy dog.' }],
    run: (ctx) =>
      outcomeOf(drainStream(ctx.agent().stream('Tell me', { hooks: ctx.hooks }) as never)),
    check: ({ events, outcome }) => {
      const deltas = ofType(events, 'text:delta').map((e) => e.delta);
      expect(deltas.length).toBeGreaterThan(3);
      expect(deltas.join('')).toBe('The quick brown fox jumps over the lazy dog.');
      expect(result(outcome).text).toBe('The quick brown fox jumps over the lazy dog.');
    },
  },
  {
    name: 'text: multi-byte text whose bytes are split inside characters',
    steps: [{ content: 'Grüße aus Köln 😀 — 東京', stream: { splitUtf8: true } }],
    run: (ctx) =>
      outcomeOf(drainStream(ctx.agent().stream('Greet', { hooks: ctx.hooks }) as never)),
    check: ({ events }) => {
      expect(
        ofType(events, 'text:delta')
          .map((e) => e.delta)
          .join(''),
      ).toBe('Grüße aus Köln 😀 — 東京');
    },
  },
  {
    name: 'text: an empty answer is an empty text, not an error',
    steps: [{ content: '' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Say nothing', { hooks: ctx.hooks })),
    check: ({ outcome }) =>
      expect(result(outcome)).toMatchObject({ status: 'completed', text: '' }),
  },
  {
    name: 'text: instructions and a session carried over two runs',
    steps: [{ content: 'Nice to meet you, Ada.' }, { content: 'Your name is Ada.' }],
    run: async (ctx) => {
      const agent = ctx.agent({ instructions: 'Be kind.', memory: { store: new InMemoryStore() } });
      await agent.run('I am Ada', { sessionId: 's1', hooks: ctx.hooks });
      return outcomeOf(agent.run('Who am I?', { sessionId: 's1', hooks: ctx.hooks }));
    },
    check: ({ events, outcome }) => {
      const second = ofType(events, 'model:start')[1]?.messages as { role: string }[];
      expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(result(outcome).text).toBe('Your name is Ada.');
    },
  },
  {
    name: 'tools: one call, then the answer',
    steps: [{ toolCalls: [call('call_1', 'lookup', { key: 'a' })] }, { content: 'a is known.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Look a up', { hooks: ctx.hooks })),
    check: ({ ran, outcome }) => {
      expect(ran).toEqual(['lookup:a']);
      expect(result(outcome)).toMatchObject({ turns: 2, text: 'a is known.' });
    },
  },
  {
    name: 'tools: three parallel calls, results sent in call order',
    steps: [
      { toolCalls: ['a', 'b', 'c'].map((k, i) => call(`call_${i}`, 'lookup', { key: k })) },
      { content: 'All three.' },
    ],
    run: (ctx) => outcomeOf(ctx.agent().run('Look up a, b, c', { hooks: ctx.hooks })),
    check: ({ ran, requests }) => {
      expect(ran).toEqual(['lookup:a', 'lookup:b', 'lookup:c']);
      expect(requests).toHaveLength(2);
    },
  },
  {
    name: 'tools: three tool turns with reasoning carried between them, then the answer',
    steps: [
      { toolCalls: [call('call_t1', 'lookup', { key: 'one' })], reasoningContent: 'First.' },
      { toolCalls: [call('call_t2a', 'lookup', { key: 'two' }), call('call_t2b', 'now')] },
      { toolCalls: [call('call_t3', 'lookup', { key: 'three' })] },
      { content: 'Done in four turns.' },
    ],
    run: (ctx) => outcomeOf(ctx.agent().run('Chain', { hooks: ctx.hooks })),
    check: ({ ran, outcome, requests }, ctx) => {
      expect(ran).toEqual(['lookup:one', 'lookup:two', 'now', 'lookup:three']);
      expect(result(outcome).turns).toBe(4);
      if (ctx.api === 'responses') {
        // Every reasoning item issued so far went back in the last request, each in its place.
        const input = requests.at(-1)?.responsesBody?.input as { type: string }[];
        expect(input.filter((i) => i.type === 'reasoning').length).toBeGreaterThanOrEqual(3);
      }
    },
  },
  {
    name: 'tools: text beside the calls (a preamble) is kept with them',
    steps: [
      { content: 'Let me check.', toolCalls: [call('call_p', 'lookup', { key: 'p' })] },
      { content: 'Checked.' },
    ],
    run: (ctx) => outcomeOf(ctx.agent().run('Check p', { hooks: ctx.hooks })),
    check: ({ outcome }) => {
      const assistant = result(outcome).messages[1] as { content: string; tool_calls: unknown[] };
      expect(assistant.content).toBe('Let me check.');
      expect(assistant.tool_calls).toHaveLength(1);
    },
  },
  {
    name: 'tools: a call without arguments runs with {}',
    steps: [{ toolCalls: [call('call_n', 'now')] }, { content: 'Noon.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Time?', { hooks: ctx.hooks })),
    check: ({ ran }) => expect(ran).toEqual(['now']),
  },
  {
    name: 'tools: toolChoice naming a function reaches the API in its own shape',
    steps: [{ toolCalls: [call('call_c', 'lookup', { key: 'z' })] }, { content: 'z.' }],
    run: (ctx) =>
      outcomeOf(
        ctx
          .agent({ toolChoice: { type: 'function', function: { name: 'lookup' } } })
          .run('z?', { hooks: ctx.hooks }),
      ),
    check: ({ requests }, ctx) => {
      const body = requests[0]?.body as unknown as Record<string, unknown>;
      expect(body.tool_choice).toEqual(
        ctx.api === 'chat'
          ? { type: 'function', function: { name: 'lookup' } }
          : { type: 'function', name: 'lookup' },
      );
    },
  },
  {
    name: 'tools: parallel_tool_calls and a token limit from modelSettings',
    steps: [{ content: 'ok' }],
    run: (ctx) =>
      outcomeOf(
        ctx
          .agent({ modelSettings: { parallel_tool_calls: false, max_completion_tokens: 64 } })
          .run('x', { hooks: ctx.hooks }),
      ),
    check: ({ requests }, ctx) => {
      const body = requests[0]?.body as unknown as Record<string, unknown>;
      expect(body.parallel_tool_calls).toBe(false);
      expect(body[ctx.api === 'chat' ? 'max_completion_tokens' : 'max_output_tokens']).toBe(64);
    },
  },
];
