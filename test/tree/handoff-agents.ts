import { Agent, type RunStore } from '@agentloop/core';
import type { ScriptedReply } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { z } from 'zod';
import { scripted } from './handoff-support.js';

/**
 * A triage agent that hands to a refunds agent (whose `refund` needs an approval) and to a
 * billing agent, built anew on each call as another process would build it. Every tool that runs
 * is written to `ran`.
 */
export function refundDesk({
  triage = [],
  refunds = [],
  billing = [],
  runStore,
  ran = [],
  hold,
}: {
  triage?: ScriptedReply[];
  refunds?: ScriptedReply[];
  billing?: ScriptedReply[];
  runStore?: RunStore;
  ran?: string[];
  /** Awaited by `lookup` (to catch a tool of the handed-off agent mid-flight). */
  hold?: (signal: AbortSignal) => Promise<void>;
}) {
  const refund = tool({
    name: 'refund',
    description: 'Refunds an order',
    parameters: z.object({ order: z.number() }),
    needsApproval: true,
    execute: ({ order }, ctx) => {
      ran.push(`refund:${order}:${ctx.idempotencyKey}`);
      return { refunded: order };
    },
  });
  const lookup = tool({
    name: 'lookup',
    description: 'Looks an order up',
    parameters: z.object({ order: z.number() }),
    execute: async ({ order }, ctx) => {
      ran.push(`lookup:${order}`);
      if (hold) await hold(ctx.signal);
      return `order ${order} is paid`;
    },
  });
  const models = {
    triage: scripted(triage),
    refunds: scripted(refunds),
    billing: scripted(billing),
  };
  const billingAgent = new Agent({ name: 'billing', model: models.billing });
  const refundsAgent = new Agent({
    name: 'refunds',
    instructions: 'You refund orders.',
    model: models.refunds,
    tools: [refund, lookup],
    handoffs: [billingAgent],
  });
  const triageAgent = new Agent({
    name: 'triage',
    instructions: 'You route the user.',
    model: models.triage,
    handoffs: [refundsAgent, billingAgent],
    ...(runStore ? { runStore } : {}),
  });
  return { triage: triageAgent, refunds: refundsAgent, billing: billingAgent, models, ran };
}
