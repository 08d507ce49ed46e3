import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tool that takes `ms` milliseconds and records how many copies of it run at once. */
function slowTool(ms: number) {
  const stats = { running: 0, peak: 0, order: [] as string[] };
  const slow = tool({
    name: 'slow',
    description: 'Waits, then echoes its id',
    parameters: z.object({ id: z.string(), ms: z.number().optional() }),
    execute: async ({ id, ms: own }) => {
      stats.running += 1;
      stats.peak = Math.max(stats.peak, stats.running);
      await sleep(own ?? ms);
      stats.running -= 1;
      stats.order.push(id);
      return `done ${id}`;
    },
  });
  return { slow, stats };
}

function callsOf(n: number, ms?: (i: number) => number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    name: 'slow',
    arguments: ms ? { id: `t${i}`, ms: ms(i) } : { id: `t${i}` },
  }));
}

describe('parallel tool calls', () => {
  it('never runs more than toolConcurrency calls at once', async () => {
    const { slow, stats } = slowTool(20);
    const model = new ScriptedModel([{ toolCalls: callsOf(9) }, 'ok']);
    await new Agent({ name: 'p', model, tools: [slow], toolConcurrency: 3 }).run('go');
    expect(stats.peak).toBe(3);
    expect(stats.order).toHaveLength(9);
  });

  it('runs N calls of one turn concurrently: wall time is a fraction of the sequential time', async () => {
    const timeRun = async (concurrency: number) => {
      const { slow } = slowTool(100);
      const model = new ScriptedModel([{ toolCalls: callsOf(6) }, 'ok']);
      const agent = new Agent({ name: 'p', model, tools: [slow], toolConcurrency: concurrency });
      const started = performance.now();
      await agent.run('go');
      return performance.now() - started;
    };
    const parallel = await timeRun(6);
    const sequential = await timeRun(1);
    // Six 100 ms calls: about 100 ms in parallel against about 600 ms one at a time.
    expect(parallel / sequential).toBeLessThan(0.35);
  });

  it('appends results in the order of the calls, whatever order they finish in', async () => {
    const { slow, stats } = slowTool(0);
    const model = new ScriptedModel([{ toolCalls: callsOf(4, (i) => 80 - i * 25) }, 'ok']);
    const result = await new Agent({ name: 'p', model, tools: [slow] }).run('go');
    expect(stats.order).toEqual(['t3', 't2', 't1', 't0']);
    const toolMessages = model.requests[1]?.messages.filter((m) => m.role === 'tool');
    expect(toolMessages?.map((m) => (m.role === 'tool' ? m.tool_call_id : ''))).toEqual([
      'c0',
      'c1',
      'c2',
      'c3',
    ]);
    expect(result.toolCalls.map((c) => c.id).sort()).toEqual(['c0', 'c1', 'c2', 'c3']);
  });
});

describe('faults the model causes are fed back, and the run goes on', () => {
  const boom = tool({
    name: 'boom',
    description: 'Always throws',
    parameters: z.object({}),
    execute: async () => {
      throw new Error('disk full');
    },
  });
  const hang = tool({
    name: 'hang',
    description: 'Never settles',
    parameters: z.object({}),
    timeoutMs: 50,
    execute: () => new Promise(() => {}),
  });
  const add = tool({
    name: 'add',
    description: 'Adds',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: async ({ a, b }) => a + b,
  });

  it('feeds back malformed JSON, bad arguments, unknown tools, throws and timeouts as tool messages', async () => {
    const model = new ScriptedModel([
      {
        toolCalls: [
          { id: 'json', name: 'add', arguments: '{"a": 1,' },
          { id: 'args', name: 'add', arguments: { a: 'one', b: 2 } },
          { id: 'unknown', name: 'subtract', arguments: {} },
          { id: 'throws', name: 'boom', arguments: {} },
          { id: 'timeout', name: 'hang', arguments: {} },
          { id: 'good', name: 'add', arguments: { a: 2, b: 3 } },
        ],
      },
      'Recovered.',
    ]);
    const result = await new Agent({ name: 'f', model, tools: [boom, hang, add] }).run('go');
    expect(result.text).toBe('Recovered.');
    const codes = Object.fromEntries(
      result.toolCalls.map((c) => [c.id, c.outcome.ok ? 'ok' : c.outcome.error?.code]),
    );
    expect(codes).toEqual({
      json: 'invalid_json',
      args: 'invalid_arguments',
      unknown: 'unknown_tool',
      throws: 'tool_error',
      timeout: 'timeout',
      good: 'ok',
    });
    const sent = model.requests[1]?.messages.filter((m) => m.role === 'tool') ?? [];
    const content = (id: string) =>
      String(sent.find((m) => m.role === 'tool' && m.tool_call_id === id)?.content);
    expect(content('args')).toMatch(/\ba\b[\s\S]*expected number/);
    expect(content('unknown')).toContain('add');
    expect(content('throws')).toContain('disk full');
    expect(content('timeout')).toMatch(/50 ?ms/);
    expect(content('good')).toBe('5');
  });

  it('never runs a tool call cut off by finish_reason "length" and surfaces the reason', async () => {
    let ran = 0;
    const counted = tool({
      name: 'counted',
      description: 'Counts runs',
      parameters: z.object({ text: z.string() }),
      execute: async () => {
        ran += 1;
        return 'ran';
      },
    });
    const model = new ScriptedModel([
      {
        toolCalls: [{ id: 'cut', name: 'counted', arguments: '{"text": "abc"}' }],
        finishReason: 'length',
      },
      { content: 'A long answer that was cut', finishReason: 'length' },
    ]);
    const result = await new Agent({ name: 'l', model, tools: [counted] }).run('go');
    expect(ran).toBe(0);
    expect(result.toolCalls[0]?.outcome.error?.code).toBe('invalid_json');
    expect(result.toolCalls[0]?.outcome.output).toMatch(/cut off/);
    expect(result.finishReason).toBe('length');
    expect(result.text).toBe('A long answer that was cut');
  });

  it('surfaces content_filter on the result', async () => {
    const model = new ScriptedModel([{ content: '', finishReason: 'content_filter' }]);
    const result = await new Agent({ name: 'cf', model }).run('go');
    expect(result.finishReason).toBe('content_filter');
  });
});

describe('an empty answer', () => {
  it('is stored as empty text, so the conversation stays a valid request', async () => {
    const { validateChatRequest } = await import('../support/validate-request.js');
    const model = new ScriptedModel([{ content: null }]);
    const result = await new Agent({ name: 'empty', model }).run('say nothing');
    expect(result.newMessages.at(-1)).toEqual({ role: 'assistant', content: '' });
    expect(validateChatRequest({ model: 'gpt-4o', messages: result.messages }).ok).toBe(true);
  });
});
