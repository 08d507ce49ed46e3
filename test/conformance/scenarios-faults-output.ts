/**
 * Conformance scenarios: faults the model causes in tool calls, structured output and its
 * repairs, refusals.
 *
 * @module
 */

import { expect } from 'vitest';
import { z } from 'zod';
import { outcomeOf, type Scenario } from './harness.js';
import { call, ofType, result } from './scenarios-text-tools.js';

const answer = z.object({ city: z.string(), tempC: z.number() });

/** The `tool:end` events' fault codes, in order. */
const faults = (events: unknown[]) => ofType(events, 'tool:end').map((e) => e.error);

export const faultAndOutputScenarios: Scenario[] = [
  {
    name: 'tool faults: an unknown tool is an error the model reads, and the run goes on',
    steps: [{ toolCalls: [call('call_u', 'teleport', { to: 'Mars' })] }, { content: 'Cannot.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Go to Mars', { hooks: ctx.hooks })),
    check: ({ events, ran, outcome }) => {
      expect(faults(events)).toEqual(['unknown_tool']);
      expect(ran).toEqual([]);
      expect(result(outcome).text).toBe('Cannot.');
    },
  },
  {
    name: 'tool faults: malformed JSON arguments',
    steps: [{ toolCalls: [call('call_j', 'lookup', '{"key": "a",')] }, { content: 'Sorry.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Look', { hooks: ctx.hooks })),
    check: ({ events, requests }) => {
      expect(faults(events)).toEqual(['invalid_json']);
      // The history echoes valid JSON so a strict server takes it.
      expect(requests).toHaveLength(2);
    },
  },
  {
    name: 'tool faults: arguments that fail the schema',
    steps: [{ toolCalls: [call('call_s', 'lookup', { key: 42 })] }, { content: 'Fixed.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Look', { hooks: ctx.hooks })),
    check: ({ events, ran }) => {
      expect(faults(events)).toEqual(['invalid_arguments']);
      expect(ran).toEqual([]);
    },
  },
  {
    name: 'tool faults: a tool that throws',
    steps: [{ toolCalls: [call('call_e', 'explode', { why: 'test' })] }, { content: 'It broke.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Break', { hooks: ctx.hooks })),
    check: ({ events, ran }) => {
      expect(faults(events)).toEqual(['tool_error']);
      expect(ran).toEqual(['explode:test']);
    },
  },
  {
    name: 'tool faults: a tool past its timeout',
    steps: [{ toolCalls: [call('call_z', 'sleepy', { ms: 5000 })] }, { content: 'Too slow.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Sleep', { hooks: ctx.hooks })),
    check: ({ events, ran }) => {
      expect(faults(events)).toEqual(['timeout']);
      expect(ran).toEqual(['sleepy:5000', 'sleepy:aborted']);
    },
  },
  {
    name: 'tool faults: a name the API refuses is echoed sanitised, so the next request passes',
    steps: [
      { toolCalls: [call('call_bad', 'get weather!', { city: 'Oslo' })] },
      { content: 'Unknown tool.' },
    ],
    run: (ctx) => outcomeOf(ctx.agent().run('Weather', { hooks: ctx.hooks })),
    check: ({ events, requests }) => {
      expect(faults(events)).toEqual(['unknown_tool']);
      expect(requests).toHaveLength(2);
    },
  },
  {
    name: 'tool faults: good and bad calls in one turn each get their own result',
    steps: [
      {
        toolCalls: [
          call('call_g', 'lookup', { key: 'ok' }),
          call('call_b', 'lookup', 'nope'),
          call('call_x', 'explode', { why: 'two' }),
        ],
      },
      { content: 'Mixed.' },
    ],
    run: (ctx) => outcomeOf(ctx.agent().run('Mixed', { hooks: ctx.hooks })),
    check: ({ events, ran }) => {
      const ends = ofType(events, 'tool:end').map((e) => `${String(e.toolCallId)}:${String(e.ok)}`);
      expect(ends.sort()).toEqual(['call_b:false', 'call_g:true', 'call_x:false']);
      expect(ran).toEqual(['lookup:ok', 'explode:two']);
    },
  },
  {
    name: 'structured output: a valid answer is parsed',
    steps: [{ content: '{"city":"Oslo","tempC":4}' }],
    run: (ctx) => outcomeOf(ctx.agent({ output: answer }).run('Oslo?', { hooks: ctx.hooks })),
    check: ({ outcome, requests }, ctx) => {
      expect(result(outcome).output).toEqual({ city: 'Oslo', tempC: 4 });
      const body = requests[0]?.body as unknown as Record<string, Record<string, unknown>>;
      if (ctx.api === 'chat') expect(body.response_format?.type).toBe('json_schema');
      else expect(body.text?.format).toMatchObject({ type: 'json_schema', strict: true });
    },
  },
  {
    name: 'structured output: invalid JSON is repaired once',
    steps: [{ content: '{"city":"Oslo",' }, { content: '{"city":"Oslo","tempC":5}' }],
    run: (ctx) => outcomeOf(ctx.agent({ output: answer }).run('Oslo?', { hooks: ctx.hooks })),
    check: ({ outcome, requests }) => {
      expect(result(outcome).output).toEqual({ city: 'Oslo', tempC: 5 });
      expect(requests).toHaveLength(2);
    },
  },
  {
    name: 'structured output: a schema violation is repaired, twice',
    steps: [
      { content: '{"city":"Oslo","tempC":"cold"}' },
      { content: '{"city":7,"tempC":1}' },
      { content: '{"city":"Oslo","tempC":1}' },
    ],
    run: (ctx) => outcomeOf(ctx.agent({ output: answer }).run('Oslo?', { hooks: ctx.hooks })),
    check: ({ outcome }) =>
      expect(result(outcome)).toMatchObject({ output: { city: 'Oslo', tempC: 1 }, turns: 3 }),
  },
  {
    name: 'structured output: repairs run out, OutputValidationError',
    steps: [{ content: 'no' }, { content: 'still no' }],
    run: (ctx) =>
      outcomeOf(
        ctx.agent({ output: answer, maxOutputRepairs: 1 }).run('Oslo?', { hooks: ctx.hooks }),
      ),
    check: ({ outcome, events }) => {
      expect(outcome).toMatchObject({ error: 'OutputValidationError' });
      expect(ofType(events, 'run:error')).toHaveLength(1);
    },
  },
  {
    name: 'structured output: a refusal is not repaired',
    steps: [{ refusal: 'I cannot share that.' }],
    run: (ctx) => outcomeOf(ctx.agent({ output: answer }).run('Secret?', { hooks: ctx.hooks })),
    check: ({ outcome, requests }) => {
      expect(outcome).toMatchObject({ error: 'OutputValidationError' });
      expect(requests).toHaveLength(1);
    },
  },
  {
    name: 'structured output: an answer cut by the token limit is not repaired',
    steps: [{ content: '{"city":"Os', finishReason: 'length' }],
    run: (ctx) => outcomeOf(ctx.agent({ output: answer }).run('Oslo?', { hooks: ctx.hooks })),
    check: ({ outcome, requests }) => {
      expect(outcome).toMatchObject({ error: 'OutputValidationError' });
      expect(requests).toHaveLength(1);
    },
  },
  {
    name: 'refusals: a plain refusal ends the run with no text and the refusal kept',
    steps: [{ refusal: "I can't help with that." }],
    run: (ctx) => outcomeOf(ctx.agent().run('Bad idea', { hooks: ctx.hooks })),
    check: ({ outcome }) => {
      const r = result(outcome);
      expect(r.text).toBe('');
      expect(r.messages.at(-1)).toMatchObject({
        role: 'assistant',
        refusal: "I can't help with that.",
      });
    },
  },
  {
    name: 'refusals: a refusal kept in the history goes back to the model',
    steps: [{ refusal: 'No.' }, { content: 'Fine, here it is.' }],
    run: async (ctx) => {
      const agent = ctx.agent();
      const first = await agent.run('Bad idea', { hooks: ctx.hooks });
      return outcomeOf(
        agent.run([...first.messages, { role: 'user', content: 'Please?' }], { hooks: ctx.hooks }),
      );
    },
    check: ({ outcome, requests }) => {
      expect(result(outcome).text).toBe('Fine, here it is.');
      expect(requests).toHaveLength(2);
    },
  },
];
