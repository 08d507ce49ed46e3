/**
 * `ctx.metadata` of `wrapRun`: strings a middleware keeps with the run, saved in its snapshot and
 * found again by the run continued from it, in this process or after `RunState.parse`.
 */
import {
  Agent,
  InMemoryRunStore,
  type Middleware,
  type RunMiddlewareContext,
  RunState,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const refund = tool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.number() }),
  needsApproval: true,
  execute: ({ order }) => `refunded ${order}`,
});

/** A middleware that counts the parts of a run in its metadata and records what it found. */
function partCounter(found: Array<Record<string, string>>): Middleware {
  return {
    wrapRun: async (ctx: RunMiddlewareContext<unknown>, next) => {
      found.push({ ...ctx.metadata });
      ctx.metadata['test.parts'] = String(Number(ctx.metadata['test.parts'] ?? '0') + 1);
      return next();
    },
  };
}

function script() {
  return new ScriptedModel([
    { toolCalls: [{ name: 'refund', arguments: { order: 42 } }] },
    'Refunded.',
  ]);
}

describe('wrapRun metadata', () => {
  it('is kept in the state of a paused run and found again by the run continued from its text', async () => {
    const found: Array<Record<string, string>> = [];
    const agent = new Agent({
      name: 'support',
      model: script(),
      tools: [refund],
      middleware: [partCounter(found)],
    });
    const paused = await agent.run('Refund order 42');
    expect(paused.status).toBe('interrupted');
    const text = paused.state.toString();
    expect(JSON.parse(text).metadata).toEqual({ 'test.parts': '1' });

    const state = RunState.parse(text);
    for (const i of state.interruptions) state.approve(i);
    const done = await agent.run(state);
    expect(done.status).toBe('completed');
    expect(found).toEqual([{}, { 'test.parts': '1' }]);
    expect(JSON.parse(done.state.toString()).metadata).toEqual({ 'test.parts': '2' });
  });

  it('is in the checkpoints of a run store, for agent.resume', async () => {
    const store = new InMemoryRunStore();
    const found: Array<Record<string, string>> = [];
    const agent = new Agent({
      name: 'support',
      model: script(),
      tools: [refund],
      runStore: store,
      middleware: [partCounter(found)],
    });
    const paused = await agent.run('Refund order 42');
    expect((await store.load(paused.runId))?.metadata).toEqual({ 'test.parts': '1' });
  });

  it('is absent from a snapshot when nothing was written, and must hold strings only', async () => {
    const agent = new Agent({ name: 'support', model: script(), tools: [refund] });
    const paused = await agent.run('Refund order 42');
    const json = JSON.parse(paused.state.toString());
    expect('metadata' in json).toBe(false);
    expect(() => RunState.parse(JSON.stringify({ ...json, metadata: { a: 1 } }))).toThrow(
      /metadata\.a/,
    );
    expect(() => RunState.parse(JSON.stringify({ ...json, metadata: ['x'] }))).toThrow(/metadata/);
  });
});
