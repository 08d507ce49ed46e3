import type { ModelRequest } from '@agentloop/core';
import type { ScriptedReplyObject } from '@agentloop/core/testing';
import {
  currentToolResults,
  faultReason,
  jsonOutput,
  lastUserText,
} from '@agentloop-examples/shared';
import type { Order, Product } from './inventory.js';
import type { OrderSummary } from './order-summary.js';

/** An item the customer asked for: `3 USB-C docks` → `{ quantity: 3, item: 'USB-C docks' }`. */
export interface RequestedItem {
  quantity: number;
  item: string;
}

/**
 * The items of an order request: each `<number> <words>` between commas and "and", with a
 * trailing "for <customer>" or "please" left out.
 *
 * @param text - `"Order 3 USB-C docks and 40 4K monitors for ACME."`
 * @returns `[{ quantity: 3, item: 'USB-C docks' }, { quantity: 40, item: '4K monitors' }]`
 */
export function requestedItems(text: string): RequestedItem[] {
  return text.split(/,|;|\band\b|\bplus\b/i).flatMap((part) => {
    const match = /(\d+)\s*(?:x|×)?\s+(.+)/i.exec(part);
    if (!match) return [];
    const item = (match[2] ?? '')
      .replace(/\s+(for|to|please|today|asap)\b.*$/i, '')
      .replace(/[.!?]+$/, '')
      .trim();
    const quantity = Number(match[1]);
    return item && quantity > 0 ? [{ quantity, item }] : [];
  });
}

function summary(
  orders: OrderSummary['orders'],
  refused: OrderSummary['refused'],
  asked: number,
): string {
  const status: OrderSummary['status'] =
    asked === 0
      ? 'nothing_to_order'
      : refused.length === 0
        ? 'all_placed'
        : orders.length === 0
          ? 'none_placed'
          : 'partly_placed';
  const placed = orders.map((o) => `${o.quantity} × ${o.product} (${o.orderId})`).join(', ');
  const message =
    asked === 0
      ? 'Tell me what to order, with quantities, e.g. "Order 3 USB-C docks".'
      : [
          orders.length > 0 ? `Ordered ${placed}.` : 'Nothing was ordered.',
          ...refused.map((r) => `Not ordered: ${r.item}, because ${r.reason}`),
        ].join(' ');
  const output: OrderSummary = { status, orders, refused, message };
  return JSON.stringify(output);
}

/**
 * The offline stand-in for a model, for the order agent. Turn 1: `find_products` for each item
 * of the request, in parallel. Turn 2: `place_order` with the SKU found and the quantity asked.
 * Turn 3: the structured answer (JSON for the `json_schema` response format), built from what the
 * tools and the approval hook said, denials included.
 *
 * @param request - the request the scripted model received.
 * @returns the reply.
 */
export function orderResponder(request: ModelRequest): string | ScriptedReplyObject {
  const items = requestedItems(lastUserText(request));
  const results = currentToolResults(request);
  const found = results.filter((r) => r.name === 'find_products');
  const placed = results.filter((r) => r.name === 'place_order');
  if (items.length === 0) return summary([], [], 0);
  if (found.length === 0) {
    return {
      toolCalls: items.map(({ item }) => ({ name: 'find_products', arguments: { query: item } })),
    };
  }

  const refused: OrderSummary['refused'] = [];
  const toOrder: { sku: string; quantity: number }[] = [];
  const names = new Map<string, string>();
  // The searches were made in the order of the items, so the i-th result answers the i-th item.
  items.forEach(({ item, quantity }, i) => {
    const result = found[i];
    const match = result ? jsonOutput<{ products: Product[] }>(result)?.products[0] : undefined;
    if (match) {
      toOrder.push({ sku: match.sku, quantity });
      names.set(match.sku, match.name);
    } else {
      refused.push({ item, reason: `no product matches "${item}".` });
    }
  });
  if (placed.length === 0 && toOrder.length > 0) {
    return { toolCalls: toOrder.map((args) => ({ name: 'place_order', arguments: args })) };
  }

  const orders: OrderSummary['orders'] = [];
  for (const result of placed) {
    const order = jsonOutput<Order>(result);
    if (order) {
      const { orderId, sku, product, quantity, totalUsd } = order;
      orders.push({ orderId, sku, product, quantity, totalUsd });
    } else {
      const { sku = '?', quantity } = result.args as { sku?: string; quantity?: number };
      refused.push({ item: `${quantity} × ${names.get(sku) ?? sku}`, reason: faultReason(result) });
    }
  }
  return summary(orders, refused, items.length);
}
