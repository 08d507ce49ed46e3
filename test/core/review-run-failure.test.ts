/**
 * Review: a run that fails while some of its tool calls are still running (a `beforeTool` that
 * throws for one call of a turn) must not leave the others running after `run:error`: their
 * `ctx.signal` aborts, whether or not the caller gave a signal.
 */
import { getEventListeners } from 'node:events';
import { Agent, type AgentEvent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { settleEventLoop } from '../support/deferred.js';

function tools() {
  let slowSignal: AbortSignal | undefined;
  const slow = tool({
    name: 'slow',
    description: 'takes a while',
    parameters: z.object({}),
    execute: async (_args, ctx) => {
      slowSignal = ctx.signal;
      // Still running when the run fails, and never finishing: only its signal tells it to stop.
      await new Promise(() => {});
      return 'slow done';
    },
  });
  const pay = tool({
    name: 'pay',
    description: 'moves money',
    parameters: z.object({ amount: z.number() }),
    execute: async ({ amount }) => `paid ${amount}`,
  });
  return { slow, pay, slowSignal: () => slowSignal };
}

describe('beforeTool that throws', () => {
  for (const withSignal of [false, true]) {
    it(`cancels the calls of the turn still running (${withSignal ? 'with' : 'without'} a caller signal)`, async () => {
      const { slow, pay, slowSignal } = tools();
      const model = new ScriptedModel([
        {
          toolCalls: [
            { name: 'slow', arguments: {} },
            { name: 'pay', arguments: { amount: 1 } },
          ],
        },
        'done',
      ]);
      const agent = new Agent({
        name: 'gate',
        model,
        tools: [slow, pay],
        beforeTool: async (call) => {
          if (call.name === 'pay') throw new Error('approval service down');
          return undefined;
        },
      });
      const events: AgentEvent['type'][] = [];
      agent.on('*', (event) => {
        events.push(event.type);
      });
      const options = withSignal ? { signal: new AbortController().signal } : {};
      const error = await agent.run('go', options).catch((e: unknown) => e);
      expect((error as Error).message).toBe('approval service down');
      expect(slowSignal()?.aborted).toBe(true);
      expect(events.filter((t) => t === 'run:error' || t === 'run:end')).toEqual(['run:error']);
      expect(events.at(-1)).toBe('run:error');
    });
  }
});

describe('beforeTool that throws with calls still queued', () => {
  it('never starts the calls that were waiting for a slot', async () => {
    const started: number[] = [];
    const step = tool({
      name: 'step',
      description: 'one step',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        started.push(n);
        return `step ${n}`;
      },
    });
    const model = new ScriptedModel([
      { toolCalls: [1, 2, 3, 4].map((n) => ({ name: 'step', arguments: { n } })) },
      'done',
    ]);
    const agent = new Agent({
      name: 'queue',
      model,
      tools: [step],
      toolConcurrency: 1,
      beforeTool: (call) => {
        if ((call.args as { n: number }).n === 1) throw new Error('gate down');
        return undefined;
      },
    });
    const error = await agent.run('go').catch((e: unknown) => e);
    expect((error as Error).message).toBe('gate down');
    // Give the queue every chance to start the next call: it must not.
    await settleEventLoop();
    expect(started).toEqual([]);
  });
});

describe('abort listeners per tool call', () => {
  for (const withSignal of [false, true]) {
    it(`${withSignal ? 'a run with a caller signal settles each call at its abort' : 'a run without a caller signal adds none, since only its failure aborts it'}`, async () => {
      const counts: number[] = [];
      const probe = tool({
        name: 'probe',
        description: 'counts who listens to its signal',
        parameters: z.object({}),
        execute: async (_args, ctx) => {
          counts.push(getEventListeners(ctx.signal, 'abort').length);
          return 'ok';
        },
      });
      const model = new ScriptedModel([{ toolCalls: [{ name: 'probe', arguments: {} }] }, 'done']);
      const agent = new Agent({ name: 'probe', model, tools: [probe] });
      await agent.run('go', withSignal ? { signal: new AbortController().signal } : {});
      // With a caller signal the call listens, to settle at once on an abort; without one,
      // nothing does (the tool still gets the run's signal, which a failed run aborts).
      expect(counts).toEqual([withSignal ? 1 : 0]);
    });
  }
});
