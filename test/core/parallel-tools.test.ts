import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type Deferred, deferred, settleEventLoop } from '../support/deferred.js';

/**
 * A tool whose calls each wait at a gate the test opens (one call with `release(id)`, all with
 * `releaseAll()`), recording the order calls start and finish and how many run at once.
 */
function heldTool() {
  const stats = { running: 0, peak: 0, started: [] as string[], order: [] as string[] };
  const gates = new Map<string, Deferred<void>>();
  const gate = (id: string) => {
    let held = gates.get(id);
    if (!held) {
      held = deferred();
      gates.set(id, held);
    }
    return held;
  };
  const everything = deferred();
  const waiters: { count: number; reached: Deferred<void> }[] = [];
  const slow = tool({
    name: 'slow',
    description: 'Waits, then echoes its id',
    parameters: z.object({ id: z.string() }),
    execute: async ({ id }) => {
      stats.running += 1;
      stats.peak = Math.max(stats.peak, stats.running);
      stats.started.push(id);
      for (const waiter of waiters) {
        if (stats.started.length >= waiter.count) waiter.reached.resolve();
      }
      await Promise.race([gate(id).promise, everything.promise]);
      stats.running -= 1;
      stats.order.push(id);
      return `done ${id}`;
    },
  });
  /** Fulfils once `count` calls have started. */
  const started = (count: number) => {
    const reached = deferred();
    if (stats.started.length >= count) reached.resolve();
    else waiters.push({ count, reached });
    return reached.promise;
  };
  const release = (id: string) => gate(id).resolve();
  const releaseAll = () => everything.resolve();
  return { slow, stats, started, release, releaseAll };
}

function callsOf(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    name: 'slow',
    arguments: { id: `t${i}` },
  }));
}

describe('parallel tool calls', () => {
  it('never runs more than toolConcurrency calls at once', async () => {
    const { slow, stats, started, releaseAll } = heldTool();
    const model = new ScriptedModel([{ toolCalls: callsOf(9) }, 'ok']);
    const run = new Agent({ name: 'p', model, tools: [slow], toolConcurrency: 3 }).run('go');
    // Three calls hold their slots; a fourth, free to start anywhere but the limit, must not.
    await started(3);
    await settleEventLoop();
    expect(stats.started).toEqual(['t0', 't1', 't2']);
    releaseAll();
    await run;
    expect(stats.peak).toBe(3);
    expect(stats.order).toHaveLength(9);
  });

  it('runs N calls of one turn concurrently: all start before any finishes', async () => {
    const parallel = heldTool();
    const model = new ScriptedModel([{ toolCalls: callsOf(6) }, 'ok']);
    const run = new Agent({ name: 'p', model, tools: [parallel.slow], toolConcurrency: 6 }).run(
      'go',
    );
    // All six are running at once, none finished (run one at a time, this would never open).
    await parallel.started(6);
    expect(parallel.stats.order).toEqual([]);
    expect(parallel.stats.running).toBe(6);
    parallel.releaseAll();
    await run;

    // The control: one at a time, the second starts only when the first is released.
    const sequential = heldTool();
    const oneByOne = new Agent({
      name: 'p',
      model: new ScriptedModel([{ toolCalls: callsOf(6) }, 'ok']),
      tools: [sequential.slow],
      toolConcurrency: 1,
    }).run('go');
    await sequential.started(1);
    await settleEventLoop();
    expect(sequential.stats.started).toEqual(['t0']);
    sequential.releaseAll();
    await oneByOne;
    expect(sequential.stats.peak).toBe(1);
  });

  it('appends results in the order of the calls, whatever order they finish in', async () => {
    const { slow, stats, started, release } = heldTool();
    const model = new ScriptedModel([{ toolCalls: callsOf(4) }, 'ok']);
    const run = new Agent({ name: 'p', model, tools: [slow] }).run('go');
    await started(4);
    // Finish them last to first, each before the next is let go.
    for (const id of ['t3', 't2', 't1', 't0']) {
      release(id);
      await settleEventLoop();
    }
    const result = await run;
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
    // The hanging tool's 50 ms timeout runs on a fake clock, moved by exactly that much.
    vi.useFakeTimers();
    let result: Awaited<ReturnType<Agent['run']>>;
    try {
      const run = new Agent({ name: 'f', model, tools: [boom, hang, add] }).run('go');
      await vi.advanceTimersByTimeAsync(50);
      result = await run;
    } finally {
      vi.useRealTimers();
    }
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
