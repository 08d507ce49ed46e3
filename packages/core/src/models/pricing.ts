import { ConfigurationError } from '../errors/errors.js';

/** A model's list price in USD per 1 million tokens. */
export interface ModelPrice {
  /** Uncached prompt tokens. */
  readonly input: number;
  /** Prompt tokens served from the provider's prompt cache; `input` when not given. */
  readonly cachedInput?: number | undefined;
  /** Completion tokens, reasoning tokens included. */
  readonly output: number;
}

/** A price table: model name (or name prefix, see {@link priceFor}) to {@link ModelPrice}. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * OpenAI's standard-tier list prices, USD per 1M tokens (input / cached input / output).
 * Source: https://platform.openai.com/docs/pricing, cross-checked with
 * https://deploybase.ai/articles/openai-pricing ("data from OpenAI pricing page, March 2026").
 * Prices change: override or add with {@link definePrice} or a `prices` table.
 */
export const DEFAULT_PRICES: PriceTable = deepFreeze({
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  // The first gpt-4o snapshot kept its launch price and had no prompt caching.
  'gpt-4o-2024-05-13': { input: 5, output: 15 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-5-pro': { input: 15, output: 120 },
  'gpt-5.1': { input: 1.25, cachedInput: 0.125, output: 10 },
});

function deepFreeze(table: Record<string, ModelPrice>): PriceTable {
  for (const price of Object.values(table)) Object.freeze(price);
  return Object.freeze(table);
}

/** Prices added with {@link definePrice}; they win over {@link DEFAULT_PRICES}. */
const defined = new Map<string, ModelPrice>();

/** Prices found for model names without an extra table; emptied when the tables change. */
const resolved = new Map<string, ModelPrice | undefined>();

/** A provider inventing a name per reply must not grow {@link resolved} without bound. */
const MAX_RESOLVED = 1_000;

/**
 * A dated snapshot name continues its base name: `gpt-4o-2024-08-06` or `gpt-4-0613`. Only such
 * suffixes are matched, so `o3-pro` never borrows the price of `o3`, nor `gpt-5.2` that of `gpt-5`.
 */
const SNAPSHOT_SUFFIX = /^-(?:\d{4}-\d{2}-\d{2}|\d{4})$/;

function checkPrice(model: string, price: ModelPrice): void {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new ConfigurationError(`A price needs a model name, got ${JSON.stringify(model)}.`, {
      option: 'prices',
    });
  }
  for (const key of ['input', 'cachedInput', 'output'] as const) {
    const value = price[key];
    if (key === 'cachedInput' && value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ConfigurationError(
        `The price of '${model}' needs ${key} as USD per 1M tokens (a finite number >= 0), got ${String(value)}.`,
        { option: 'prices' },
      );
    }
  }
}

/**
 * Adds or replaces a price for every run in this process (e.g. a new model, a fine-tune, or a
 * negotiated rate). The name also prices its dated snapshots (`my-model-2025-01-01`).
 *
 * @param model - the model name as the provider reports it, e.g. `gpt-4o-mini`.
 * @param price - USD per 1M tokens.
 * @example
 * ```ts
 * definePrice('ft:gpt-4o-mini:acme::abc123', { input: 0.3, cachedInput: 0.15, output: 1.2 });
 * ```
 */
export function definePrice(model: string, price: ModelPrice): void {
  checkPrice(model, price);
  defined.set(model.toLowerCase(), { ...price });
  resolved.clear();
}

/**
 * Removes the prices added with {@link definePrice} (for tests).
 */
export function resetDefinedPrices(): void {
  defined.clear();
  resolved.clear();
}

/**
 * The price of `model`: an exact name, or the longest known name that the model is a dated
 * snapshot of (`gpt-4o-2024-08-06` → `gpt-4o`). Looks in `prices`, then {@link definePrice},
 * then {@link DEFAULT_PRICES}; an entry in an earlier table replaces one of the same name.
 *
 * @param model - the model name, as sent or as the provider reported it.
 * @param prices - an extra table that wins over the others.
 * @returns the price, or `undefined` for an unknown model (never a guess).
 */
export function priceFor(model: string, prices?: PriceTable): ModelPrice | undefined {
  if (prices) return findPrice(model, prices);
  // Every model call prices its usage, and providers report dated names that need a scan of
  // the whole table; the answer only changes when `definePrice` does.
  if (!resolved.has(model)) {
    if (resolved.size >= MAX_RESOLVED) resolved.clear();
    resolved.set(model, findPrice(model, undefined));
  }
  return resolved.get(model);
}

function findPrice(model: string, prices: PriceTable | undefined): ModelPrice | undefined {
  const name = model.toLowerCase();
  const lookup = (key: string): ModelPrice | undefined => {
    if (prices) {
      for (const [k, v] of Object.entries(prices)) if (k.toLowerCase() === key) return v;
    }
    return defined.get(key) ?? DEFAULT_PRICES[key];
  };
  const exact = lookup(name);
  if (exact) return exact;

  let best: string | undefined;
  const candidates = [
    ...(prices ? Object.keys(prices) : []),
    ...defined.keys(),
    ...Object.keys(DEFAULT_PRICES),
  ];
  for (const candidate of candidates) {
    const key = candidate.toLowerCase();
    if (
      name.startsWith(key) &&
      SNAPSHOT_SUFFIX.test(name.slice(key.length)) &&
      (best === undefined || key.length > best.length)
    ) {
      best = key;
    }
  }
  return best === undefined ? undefined : lookup(best);
}

/** The token counts a cost is computed from. */
export interface BillableTokens {
  /** All prompt tokens, cached ones included (as the API reports them). */
  readonly promptTokens: number;
  /** The prompt tokens served from the cache. */
  readonly cachedTokens: number;
  /** All completion tokens, reasoning tokens included. */
  readonly completionTokens: number;
}

/**
 * The cost in USD of `tokens` on `model`: uncached prompt tokens at `input`, cached ones at
 * `cachedInput`, completion (and reasoning) tokens at `output`; rounded to 1e-10 USD.
 *
 * @param tokens - the token counts.
 * @param model - the model name.
 * @param prices - an extra table that wins over the built-in one.
 * @returns the cost, or `undefined` when the model's price is unknown.
 */
export function costOf(
  tokens: BillableTokens,
  model: string,
  prices?: PriceTable,
): number | undefined {
  const price = priceFor(model, prices);
  if (!price) return undefined;
  const cached = Math.min(tokens.cachedTokens, tokens.promptTokens);
  const uncached = tokens.promptTokens - cached;
  return roundCost(
    (uncached * price.input +
      cached * (price.cachedInput ?? price.input) +
      tokens.completionTokens * price.output) /
      1_000_000,
  );
}

/** Costs are kept to 1e-10 USD: far below the price of any token, far above float noise. */
const COST_STEPS_PER_USD = 1e10;

/**
 * A cost rounded to 1e-10 USD, so it prints without float noise (`0.00000135`, not
 * `0.0000013499999999999998`) and sums of rounded costs stay exact.
 *
 * @param usd - a cost in USD.
 * @returns the nearest multiple of 1e-10 USD.
 */
export function roundCost(usd: number): number {
  return Math.round(usd * COST_STEPS_PER_USD) / COST_STEPS_PER_USD;
}
