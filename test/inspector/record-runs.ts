/**
 * Runs that the inspector tests record with `runLog`, on `ScriptedModel` and real tools: a run
 * that fails after a retry and three tool calls that end in every way (ok, fault, timeout,
 * denied), and a run that pauses for an approval and is resumed to its answer.
 */
import { Agent, ModelError, RunState } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import type { RunLog } from '@agentloop/inspector';
import { tool } from '@agentloop/tools';
import { z } from 'zod';

/** A string shaped like an API key, which must never reach a log. */
export const FAKE_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

/** The error message the failing run ends with. */
export const FAILURE_MESSAGE =
  'The provider refused the request: quota exhausted for this project.';

const lookupOrder = tool({
  name: 'lookup_order',
  description: 'Finds an order',
  parameters: z.object({ order: z.number(), note: z.string().optional() }),
  execute: async ({ order }) => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { order, status: 'shipped', items: ['USB-C dock', 'HDMI cable'] };
  },
});

const flaky = tool({
  name: 'check_stock',
  description: 'Checks the stock of an item',
  parameters: z.object({ sku: z.string() }),
  execute: async ({ sku }) => {
    throw new Error(`the stock service is down (asked for ${sku})`);
  },
});

const slow = tool({
  name: 'carrier_status',
  description: 'Asks the carrier where a parcel is',
  parameters: z.object({ tracking: z.string() }),
  timeoutMs: 40,
  execute: (_args, ctx) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve('in transit'), 2000);
      ctx.signal.addEventListener('abort', () => clearTimeout(timer));
    }),
});

const refund = tool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.number(), amount: z.number() }),
  needsApproval: true,
  execute: async ({ order, amount }) => ({ refunded: amount, order }),
});

/**
 * A support agent's run that fails: a transient fault retried, then three tool calls in
 * parallel (one ok, one that throws, one over its timeout) and one denied by `beforeTool`,
 * then the provider refuses the next request (a non-retryable `ModelError`).
 *
 * @param log - where the events go.
 * @returns the error the run rejected with.
 */
export async function recordFailingRun(log: RunLog): Promise<unknown> {
  const model = new ScriptedModel([
    new ModelError({ message: 'The server is busy.', retryable: true, status: 503 }),
    {
      content: 'Let me look into order 42.',
      toolCalls: [
        { name: 'lookup_order', arguments: { order: 42, note: `key ${FAKE_KEY}` } },
        { name: 'check_stock', arguments: { sku: 'DOCK-1' } },
        { name: 'carrier_status', arguments: { tracking: 'ZX9' } },
        { name: 'lookup_order', arguments: { order: 7 } },
      ],
    },
    new ModelError({ message: FAILURE_MESSAGE, retryable: false, status: 429 }),
  ]);
  const agent = new Agent({
    name: 'support-bot',
    model,
    tools: [lookupOrder, flaky, slow],
    retry: { baseDelayMs: 5, maxDelayMs: 5 },
    beforeTool: (call) =>
      call.name === 'lookup_order' && call.args.order === 7
        ? { action: 'deny', reason: 'Order 7 belongs to another customer.' }
        : undefined,
  });
  agent.on('*', log);
  try {
    await agent.run('Where is my order 42?', { sessionId: 'customer-9' });
  } catch (error) {
    await log.flush();
    return error;
  }
  throw new Error('expected the scripted run to fail');
}

/**
 * A run that pauses for an approval of `refund` (its other call runs), then is resumed from
 * its state with the refund approved, and answers.
 *
 * @param log - where the events go.
 * @returns the final answer.
 */
export async function recordApprovedRun(log: RunLog): Promise<string> {
  const model = new ScriptedModel([
    {
      toolCalls: [
        { name: 'refund', arguments: { order: 42, amount: 129 } },
        { name: 'lookup_order', arguments: { order: 42 } },
      ],
    },
    'Order 42 is refunded: 129 EUR.',
  ]);
  const agent = new Agent({ name: 'refund-bot', model, tools: [refund, lookupOrder] });
  agent.on('*', log);
  const paused = await agent.run('Refund order 42, please.');
  if (paused.status !== 'interrupted') throw new Error('expected the run to pause');
  const state = RunState.parse(paused.state.toString());
  for (const interruption of state.interruptions) state.approve(interruption);
  const done = await agent.run(state);
  await log.flush();
  return done.text;
}
