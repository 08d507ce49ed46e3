import { z } from 'zod';

/**
 * The structured output of the order agent: what was ordered, what was refused and why, and a
 * note for the customer. Sent as a strict `json_schema`, validated, and typed on `result.output`.
 */
export const OrderSummary = z.object({
  status: z
    .enum(['all_placed', 'partly_placed', 'none_placed', 'nothing_to_order'])
    .describe('Whether every requested item was ordered.'),
  orders: z
    .array(
      z.object({
        orderId: z.string(),
        sku: z.string(),
        product: z.string(),
        quantity: z.number().int(),
        totalUsd: z.number(),
      }),
    )
    .describe('The orders placed.'),
  refused: z
    .array(z.object({ item: z.string(), reason: z.string() }))
    .describe('Requested items that were not ordered, and why.'),
  message: z.string().describe('A short note for the customer.'),
});

/** The order agent's typed output. */
export type OrderSummary = z.infer<typeof OrderSummary>;
