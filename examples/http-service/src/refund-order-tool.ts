import { tool } from '@agentloop/tools';
import { z } from 'zod';

/** What `refund_order` returns to the model once a person approved it. */
export interface Refund {
  orderId: string;
  reason: string;
  /** Stable for the call, so a refund system can refuse a duplicate. */
  refundId: string;
}

/**
 * A tool refunding an order, which never runs without a person's yes: it has `needsApproval:
 * true`, so a run that calls it pauses (`status: 'interrupted'`) until the call is approved or
 * rejected through `POST /v1/runs/:id/approve`. It only records the refund (in `onRefund`): this
 * example has no shop behind it.
 *
 * @param options - `onRefund`, told of every refund made (the example's ledger).
 * @returns the `refund_order` tool.
 */
export function refundOrderTool({ onRefund }: { onRefund?: (refund: Refund) => void } = {}) {
  return tool({
    name: 'refund_order',
    description:
      'Refunds an order in full. A person approves every refund before it is made; if it is rejected, tell the user why.',
    parameters: z.object({
      orderId: z.string().describe('The order number, e.g. "42".'),
      reason: z.string().describe("Why the customer wants the refund, in the customer's words."),
    }),
    needsApproval: true,
    execute: ({ orderId, reason }, ctx): Refund => {
      const refund = { orderId, reason, refundId: `refund_${ctx.idempotencyKey}` };
      onRefund?.(refund);
      return refund;
    },
  });
}
