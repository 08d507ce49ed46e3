/** A product of the shop. */
export interface Product {
  sku: string;
  name: string;
  /** Price per unit in USD. */
  priceUsd: number;
  /** Units in stock. */
  stock: number;
}

/** An order that was placed. */
export interface Order {
  orderId: string;
  sku: string;
  product: string;
  quantity: number;
  unitPriceUsd: number;
  totalUsd: number;
  /** Units left in stock after the order. */
  stockLeft: number;
}

/** The products the example shop starts with. */
export const SAMPLE_PRODUCTS: readonly Product[] = [
  { sku: 'DOCK-USBC', name: 'USB-C dock', priceUsd: 149, stock: 25 },
  { sku: 'MON-27-4K', name: '27" 4K monitor', priceUsd: 299, stock: 60 },
  { sku: 'KBD-MECH', name: 'Mechanical keyboard', priceUsd: 89, stock: 8 },
  { sku: 'MOUSE-WL', name: 'Wireless mouse', priceUsd: 29, stock: 140 },
  { sku: 'CAM-HD', name: 'HD webcam', priceUsd: 59, stock: 0 },
];

/** Plurals that do not end in `s`. */
const IRREGULAR: Readonly<Record<string, string>> = { mice: 'mouse' };

/** Lower-case words in the singular, so `docks` finds `dock` and `mice` finds `mouse`. */
const words = (text: string): string[] =>
  (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map(
    (w) =>
      IRREGULAR[w] ?? (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w),
  );

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * An amount in dollars: `$11,960.00`.
 *
 * @param amount - USD.
 * @returns the text.
 */
export const formatUsd = (amount: number): string => usd.format(amount);

/**
 * A small in-memory inventory: products found by words of their name or SKU, and orders that
 * take units out of stock. Faults (unknown SKU, not enough stock) are errors whose message says
 * what to do, which the agent's tools pass on to the model.
 */
export class Inventory {
  readonly #products = new Map<string, Product>();
  #nextOrder = 1001;

  /** @param products - the starting catalogue (copied). @default SAMPLE_PRODUCTS */
  constructor(products: readonly Product[] = SAMPLE_PRODUCTS) {
    for (const product of products) this.#products.set(product.sku, { ...product });
  }

  /**
   * Products whose name or SKU contains every word of the query, best stocked first.
   *
   * @param query - words such as `"usb-c docks"`.
   * @returns copies of the matching products.
   */
  find(query: string): Product[] {
    const wanted = words(query);
    return [...this.#products.values()]
      .filter((p) => {
        const have = new Set([...words(p.name), ...words(p.sku)]);
        return wanted.length > 0 && wanted.every((w) => have.has(w));
      })
      .sort((a, b) => b.stock - a.stock)
      .map((p) => ({ ...p }));
  }

  /**
   * A product by SKU.
   *
   * @param sku - the SKU.
   * @returns a copy, or `undefined` when there is none.
   */
  get(sku: string): Product | undefined {
    const product = this.#products.get(sku);
    return product ? { ...product } : undefined;
  }

  /**
   * Places an order and takes the units out of stock.
   *
   * @param sku - the product.
   * @param quantity - units, a positive integer.
   * @returns the order.
   * @throws Error when the SKU is unknown or the stock is too low.
   */
  placeOrder(sku: string, quantity: number): Order {
    const product = this.#products.get(sku);
    if (!product) {
      throw new Error(
        `no product has SKU "${sku}". Use find_products to look up the SKU, then order again.`,
      );
    }
    if (quantity > product.stock) {
      throw new Error(
        product.stock === 0
          ? `${product.name} (${sku}) is out of stock. Offer the customer another product.`
          : `only ${product.stock} ${product.name} (${sku}) in stock, ${quantity} were asked. Order at most ${product.stock}.`,
      );
    }
    product.stock -= quantity;
    const totalUsd = Math.round(product.priceUsd * quantity * 100) / 100;
    return {
      orderId: `ORD-${this.#nextOrder++}`,
      sku,
      product: product.name,
      quantity,
      unitPriceUsd: product.priceUsd,
      totalUsd,
      stockLeft: product.stock,
    };
  }

  /**
   * What an order would cost, for approval rules.
   *
   * @param sku - the product.
   * @param quantity - units.
   * @returns `"3 × USB-C dock ($447.00)"` and the total, or `undefined` for an unknown SKU.
   */
  quote(sku: string, quantity: number): { text: string; totalUsd: number } | undefined {
    const product = this.#products.get(sku);
    if (!product) return undefined;
    const totalUsd = product.priceUsd * quantity;
    return { text: `${quantity} × ${product.name} (${formatUsd(totalUsd)})`, totalUsd };
  }
}
