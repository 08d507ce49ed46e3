import { Agent, type BeforeTool, type Model } from '@agentloop/core';
import type { Inventory } from './inventory.js';
import { inventoryTools } from './inventory-tools.js';
import { OrderSummary } from './order-summary.js';

/** Options of {@link createOrderAgent}. */
export interface OrderAgentOptions {
  /** The model (see `selectModel`). */
  model: Model;
  /** The shop's inventory. */
  inventory: Inventory;
  /** The approval hook for tool calls (see `createApproval`). */
  beforeTool: BeforeTool<unknown>;
}

const INSTRUCTIONS = `You take orders for an office-equipment shop.
For each item the customer asks for, look up its SKU with find_products, then call place_order with that SKU and the quantity asked. Look up all items in one turn, then place all orders in one turn.
Orders may be denied by an approval step or fail for lack of stock: never retry a denied order unchanged, report it.
Answer with the summary: the orders placed, the items refused with the reason, and a short note for the customer.`;

/**
 * The order agent: its own tools (`find_products`, `place_order`), a `beforeTool` approval hook,
 * and a structured answer validated against {@link OrderSummary}, so `result.output` is typed.
 *
 * @param options - `model`, `inventory`, `beforeTool`.
 * @returns the agent.
 */
export function createOrderAgent({
  model,
  inventory,
  beforeTool,
}: OrderAgentOptions): Agent<unknown, OrderSummary> {
  return new Agent({
    name: 'order-agent',
    instructions: INSTRUCTIONS,
    model,
    tools: inventoryTools(inventory),
    output: OrderSummary,
    beforeTool,
  });
}
