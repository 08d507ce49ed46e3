import type { Model } from '@agentloop/core';
import { z } from 'zod';
import { getTimeTool } from './get-time-tool.js';
import { type Refund, refundOrderTool } from './refund-order-tool.js';
import type { ServiceAgentOptions } from './service-options.js';

/** The shape of the `poet` agent's answer. */
export const Poem = z.object({
  title: z.string().describe('A short title.'),
  lines: z.array(z.string()).describe('Two to six short lines.'),
});

/**
 * The agents this example serves: `assistant` (the default), which can tell the time anywhere
 * with the `get_time` tool; `poet`, which answers with a structured `{ title, lines }` poem; and
 * `orders`, whose `refund_order` tool waits for a person's approval (its runs pause, see
 * `POST /v1/runs/:id/approve`).
 *
 * @param options - `model` for every agent; `now`, the clock of `get_time`; `onRefund`, told of
 * every refund `refund_order` makes.
 * @returns the agent definitions for `createService`.
 */
export function exampleAgents({
  model,
  now,
  onRefund,
}: {
  model: Model;
  now?: () => Date;
  onRefund?: (refund: Refund) => void;
}): ServiceAgentOptions[] {
  return [
    {
      name: 'assistant',
      instructions:
        'You are a concise assistant. Use get_time for any question about the current time or date.',
      model,
      tools: [getTimeTool(now ? { now } : {})],
      memory: { maxTokens: 16_000 },
    },
    {
      name: 'poet',
      instructions: 'Write a short poem about what the user asks for.',
      model,
      output: Poem,
      memory: { maxTokens: 16_000 },
    },
    {
      name: 'orders',
      instructions:
        'You help customers with their orders. Refund an order with refund_order when asked; a person approves each refund first. If a refund is rejected, tell the customer why.',
      model,
      tools: [refundOrderTool(onRefund ? { onRefund } : {})],
      memory: { maxTokens: 16_000 },
    },
  ];
}
