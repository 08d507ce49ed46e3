import { type Tool, tool } from '@agentloop/tools';
import { z } from 'zod';
import type { Inventory } from './inventory.js';

/**
 * The shop's tools, bound to an inventory: `find_products` (look up SKUs, prices, stock) and
 * `place_order` (takes units out of stock; gated by the approval hook).
 *
 * @param inventory - the inventory the tools read and change.
 * @returns the tools.
 */
export function inventoryTools(inventory: Inventory): Tool[] {
  const findProducts = tool({
    name: 'find_products',
    description:
      'Finds products whose name or SKU contains every given word. Returns SKU, name, unit price in USD and units in stock.',
    parameters: z.object({
      query: z.string().min(1).describe('Words of the product name, e.g. "usb-c dock".'),
    }),
    execute: ({ query }) => {
      const products = inventory.find(query);
      return products.length > 0
        ? { query, products }
        : { query, products, note: `No product matches "${query}". Try fewer or other words.` };
    },
  });

  const placeOrder = tool({
    name: 'place_order',
    description:
      'Places an order for a product by SKU and takes the units out of stock. Orders may need approval; a denied order is not placed.',
    parameters: z.object({
      sku: z.string().describe('The SKU from find_products.'),
      quantity: z.number().int().positive().describe('How many units.'),
    }),
    execute: ({ sku, quantity }) => inventory.placeOrder(sku, quantity),
  });

  return [findProducts, placeOrder];
}
