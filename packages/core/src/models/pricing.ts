import { ConfigurationError } from '../errors/errors.js';

/** A model's list price in USD per 1 million tokens. */
export interface ModelPrice {
  /** Uncached prompt tokens. */
  readonly input: number;
  /** Prompt tokens served from the provider's prompt cache; `input` when not given. */
  readonly cachedInput?: number | undefined;
  /**
   * Prompt tokens written to the provider's prompt cache, where a provider bills writes apart
   * (Anthropic's 5-minute writes cost 1.25x input; OpenRouter reports them as
   * `prompt_tokens_details.cache_write_tokens`); `input` when not given. OpenAI's caching is
   * automatic and writes cost nothing extra, so its models leave this out.
   */
  readonly cacheWriteInput?: number | undefined;
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
  for (const key of ['input', 'cachedInput', 'cacheWriteInput', 'output'] as const) {
    const value = price[key];
    if ((key === 'cachedInput' || key === 'cacheWriteInput') && value === undefined) continue;
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
  /** The prompt tokens written to the cache (part of `promptTokens`). @default 0 */
  readonly cacheWriteTokens?: number | undefined;
  /** All completion tokens, reasoning tokens included. */
  readonly completionTokens: number;
}

/** The parts of a cost: what each kind of token costs, in USD; they add up to `total`. */
export interface CostBreakdown {
  /** Uncached prompt tokens at `input`. */
  readonly uncachedInput: number;
  /** Prompt tokens read from the cache at `cachedInput`. */
  readonly cachedInput: number;
  /** Prompt tokens written to the cache at `cacheWriteInput`. */
  readonly cacheWriteInput: number;
  /** Completion (and reasoning) tokens at `output`. */
  readonly output: number;
  /** The sum of the parts (what `costOf` answers). */
  readonly total: number;
}

/** The prompt tokens split by how they are billed; the three add up to `promptTokens`. */
export interface InputBreakdown {
  /** Prompt tokens billed at the `input` price. */
  readonly uncachedTokens: number;
  /** Prompt tokens read from the cache. */
  readonly cachedTokens: number;
  /** Prompt tokens written to the cache. */
  readonly cacheWriteTokens: number;
}

/**
 * Splits the prompt tokens by how they are billed: cached reads and cache writes are parts of
 * `promptTokens` (as OpenAI and OpenRouter report them); what is left is uncached. Counts a
 * provider reported inconsistently are clamped so the parts always add up to `promptTokens`.
 *
 * @param tokens - The token counts.
 * @returns `{ uncachedTokens, cachedTokens, cacheWriteTokens }`, summing to `promptTokens`.
 */
export function inputBreakdown(tokens: BillableTokens): InputBreakdown {
  const prompt = Math.max(0, tokens.promptTokens);
  const cachedTokens = Math.min(Math.max(0, tokens.cachedTokens), prompt);
  const cacheWriteTokens = Math.min(
    Math.max(0, tokens.cacheWriteTokens ?? 0),
    prompt - cachedTokens,
  );
  return {
    uncachedTokens: prompt - cachedTokens - cacheWriteTokens,
    cachedTokens,
    cacheWriteTokens,
  };
}

/**
 * What each kind of token of `tokens` costs on `model`: uncached prompt tokens at `input`,
 * cache reads at `cachedInput`, cache writes at `cacheWriteInput` (each `input` when the table
 * gives none), completion (and reasoning) tokens at `output`; each part rounded to 1e-10 USD,
 * and `total` their sum.
 *
 * @param tokens - The token counts.
 * @param model - The model name.
 * @param prices - An extra table that wins over the built-in one.
 * @returns The parts, or `undefined` when the model's price is unknown.
 * @example
 * ```ts
 * costBreakdown({ promptTokens: 1000, cachedTokens: 600, completionTokens: 100 }, 'gpt-4o');
 * // { uncachedInput: 0.001, cachedInput: 0.00075, cacheWriteInput: 0, output: 0.001, total: 0.00275 }
 * ```
 */
export function costBreakdown(
  tokens: BillableTokens,
  model: string,
  prices?: PriceTable,
): CostBreakdown | undefined {
  const price = priceFor(model, prices);
  if (!price) return undefined;
  const { uncachedTokens, cachedTokens, cacheWriteTokens } = inputBreakdown(tokens);
  const uncachedInput = roundCost((uncachedTokens * price.input) / 1_000_000);
  const cachedInput = roundCost((cachedTokens * (price.cachedInput ?? price.input)) / 1_000_000);
  const cacheWriteInput = roundCost(
    (cacheWriteTokens * (price.cacheWriteInput ?? price.input)) / 1_000_000,
  );
  const output = roundCost((Math.max(0, tokens.completionTokens) * price.output) / 1_000_000);
  const total = roundCost(uncachedInput + cachedInput + cacheWriteInput + output);
  return { uncachedInput, cachedInput, cacheWriteInput, output, total };
}

/**
 * The cost in USD of `tokens` on `model`: the `total` of {@link costBreakdown} (uncached prompt
 * tokens at `input`, cache reads at `cachedInput`, cache writes at `cacheWriteInput`, completion
 * and reasoning tokens at `output`), rounded to 1e-10 USD.
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
  return costBreakdown(tokens, model, prices)?.total;
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
