/**
 * Issue 11 point 5: tool-call arguments as the history echoes them. Servers that parse the history
 * (vLLM, DashScope, LiteLLM relays) refuse arguments that are not JSON with 400, so the history
 * holds valid JSON (`"{}"`) for a call sent without arguments, with malformed or cut-off JSON, or
 * with JSON that is not an object, while the tool message still tells the model what was wrong
 * with what it sent. Arguments sent as a JSON object instead of a string are used as sent.
 */
import { Agent, type Model, type ModelRequest, type ModelResponse, openai } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { countingTool, type RunMode, settle } from '../faults/fault-harness.js';
import { type Step, startTestServer, type TestServer } from '../support/index.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
});

type Wire = Record<string, unknown> & { role: string };
interface WireCall {
  id: string;
  function: { name: string; arguments: unknown };
}

async function runOn(mode: RunMode, ...steps: Step[]) {
  server = await startTestServer({ emulate: { parseHistoryArguments: true } });
  server.reply(...steps);
  const counter = countingTool();
  const nowRuns: unknown[] = [];
  const now = tool({
    name: 'now',
    description: 'The time',
    parameters: z.object({}),
    execute: async (args) => {
      nowRuns.push(args);
      return '12:00';
    },
  });
  const agent = new Agent({
    name: 'args',
    model: openai('qwen-plus', { apiKey: 'sk-test-args', baseURL: server.url }),
    tools: [counter.tool, now],
  });
  const settled = await settle(agent, 'Go.', mode);
  const sent = (server.requests[1]?.body.messages ?? []) as unknown as Wire[];
  const echoed = sent.flatMap((m) =>
    m.role === 'assistant' && Array.isArray(m.tool_calls) ? (m.tool_calls as WireCall[]) : [],
  );
  const answers = sent.filter((m) => m.role === 'tool').map((m) => String(m.content));
  return { server, settled, counter, nowRuns, echoed, answers };
}

describe.each<RunMode>(['run', 'stream'])('%s', (mode) => {
  it('a call without an arguments key runs with {} and is echoed as "{}"', async () => {
    const run = await runOn(
      mode,
      { toolCalls: [{ id: 'call_1', name: 'now' }] },
      { content: 'Noon.' },
    );

    expect(run.server.requests.map((r) => r.rejected?.message)).toEqual([undefined, undefined]);
    expect(run.settled.ok).toBe(true);
    expect(run.nowRuns).toEqual([{}]);
    expect(run.echoed.map((c) => c.function.arguments)).toEqual(['{}']);
  });

  it.each([
    ['malformed JSON', '{"key": "Par', 'not valid JSON', '{"key": "Par'],
    ['JSON that is not an object', '["Paris"]', 'expected a JSON object, received array', ''],
  ])(
    '%s is echoed as "{}" while the tool message explains it',
    async (_label, sent, fault, quoted) => {
      const run = await runOn(
        mode,
        {
          toolCalls: [
            { id: 'call_bad', name: 'lookup', arguments: sent },
            { id: 'call_ok', name: 'lookup', arguments: { key: 'Oslo' } },
          ],
        },
        { content: 'Recovered.' },
      );

      expect(run.server.requests.map((r) => r.rejected?.message)).toEqual([undefined, undefined]);
      expect(run.settled.ok).toBe(true);
      expect(run.echoed.map((c) => c.function.arguments)).toEqual(['{}', '{"key":"Oslo"}']);
      expect(run.answers[0]).toContain(fault);
      expect(run.answers[0]).toContain(quoted);
      expect(Object.fromEntries(run.counter.runs)).toEqual({ call_ok: 1 });
      // The program still sees what the model sent.
      if (run.settled.ok)
        expect(run.settled.result.toolCalls[0]?.arguments).toEqual(
          sent.startsWith('[') ? ['Paris'] : sent,
        );
    },
  );

  it('arguments cut off by the token limit are echoed as "{}"', async () => {
    const run = await runOn(
      mode,
      {
        toolCalls: [{ id: 'call_cut', name: 'lookup', arguments: '{"key": "a very long' }],
        finishReason: 'length',
      },
      { content: 'Shorter next time.' },
    );

    expect(run.server.requests.map((r) => r.rejected?.message)).toEqual([undefined, undefined]);
    expect(run.echoed.map((c) => c.function.arguments)).toEqual(['{}']);
    expect(run.answers[0]).toContain('cut off');
    expect(run.counter.total).toBe(0);
  });

  it('arguments sent as a JSON object are used, and echoed as their JSON text', async () => {
    const run = await runOn(
      mode,
      {
        toolCalls: [
          { id: 'call_1', name: 'lookup', arguments: { key: 'Paris' }, argumentsAsObject: true },
        ],
      },
      { content: 'Found.' },
    );

    expect(run.server.requests.map((r) => r.rejected?.message)).toEqual([undefined, undefined]);
    expect(run.settled.ok).toBe(true);
    expect(Object.fromEntries(run.counter.runs)).toEqual({ call_1: 1 });
    expect(run.answers[0]).toBe('{"key":"Paris","value":5}');
    expect(run.echoed.map((c) => c.function.arguments)).toEqual(['{"key":"Paris"}']);
  });
});

it('covers every model: arguments a Model hands over as an object are used and echoed as text', async () => {
  const counter = countingTool();
  const requests: ModelRequest[] = [];
  const replies: ModelResponse[] = [
    {
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            // A custom Model that passes the parsed arguments on instead of their text.
            function: { name: 'lookup', arguments: { key: 'Paris' } as unknown as string },
          },
        ],
      },
      finishReason: 'tool_calls',
    },
    { message: { role: 'assistant', content: 'Found.' }, finishReason: 'stop' },
  ];
  const model: Model = {
    name: 'custom',
    generate: async (request) => {
      requests.push(structuredClone(request));
      return replies[requests.length - 1] as ModelResponse;
    },
    stream: () => {
      throw new Error('not used');
    },
  };
  const agent = new Agent({ name: 'args', model, tools: [counter.tool] });
  const result = await agent.run('Go.');

  expect(result.text).toBe('Found.');
  expect(Object.fromEntries(counter.runs)).toEqual({ call_1: 1 });
  const echoed = requests[1]?.messages.find((m) => m.role === 'assistant');
  expect(echoed && 'tool_calls' in echoed ? echoed.tool_calls : []).toEqual([
    { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"key":"Paris"}' } },
  ]);
});
