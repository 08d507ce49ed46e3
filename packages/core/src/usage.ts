import type { CompletionUsage } from 'openai/resources/completions';
import { costOf } from './pricing.js';

/**
 * Tokens used by one model call or summed over a run, and what they cost.
 * `cachedTokens` are part of `promptTokens`; `reasoningTokens` are part of `completionTokens`.
 */
export interface Usage {
  /** Prompt tokens, cached ones included. */
  readonly promptTokens: number;
  /** Completion tokens, reasoning ones included. */
  readonly completionTokens: number;
  /** Prompt plus completion tokens, as the provider reported them. */
  readonly totalTokens: number;
  /** Prompt tokens served from the provider's prompt cache (billed at the cached rate). */
  readonly cachedTokens: number;
  /** Completion tokens spent on hidden reasoning (o-series, gpt-5). */
  readonly reasoningTokens: number;
  /**
   * The cost in USD. Absent when any part of it is unknown (a model missing from the price table,
   * or a provider that reported no usage): never a wrong number.
   */
  readonly cost?: number;
}

/**
 * A usage of zero tokens costing nothing: the starting point of a sum.
 * @returns `{ promptTokens: 0, ..., cost: 0 }`.
 */
export function emptyUsage(): Usage {
  return {
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    cost: 0,
  };
}

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Converts the `usage` of an OpenAI chat completion (`prompt_tokens_details.cached_tokens`,
 * `completion_tokens_details.reasoning_tokens`) into a {@link Usage} and prices it for `model`.
 *
 * @param usage - the provider's usage; `undefined` when it reported none (zero tokens, cost unknown).
 * @param model - the model name, for the price (prefer the name the provider reported).
 * @returns the usage, with `cost` when the model's price is known.
 * @example
 * ```ts
 * usageFromCompletion(completion.usage, completion.model); // { promptTokens: 812, ..., cost: 0.00031 }
 * ```
 */
export function usageFromCompletion(
  usage: CompletionUsage | null | undefined,
  model?: string,
): Usage {
  if (!usage) {
    const { cost: _unknown, ...zero } = emptyUsage();
    return zero;
  }
  const promptTokens = count(usage.prompt_tokens);
  const completionTokens = count(usage.completion_tokens);
  const tokens = {
    promptTokens,
    completionTokens,
    totalTokens: count(usage.total_tokens) || promptTokens + completionTokens,
    cachedTokens: Math.min(count(usage.prompt_tokens_details?.cached_tokens), promptTokens),
    reasoningTokens: Math.min(
      count(usage.completion_tokens_details?.reasoning_tokens),
      completionTokens,
    ),
  };
  const cost = model === undefined ? undefined : costOf(tokens, model);
  return cost === undefined ? tokens : withCost(tokens, cost);
}

/** The tokens with a cost, built as one literal (a spread would copy the object first). */
function withCost(tokens: Usage, cost: number): Usage {
  return {
    promptTokens: tokens.promptTokens,
    completionTokens: tokens.completionTokens,
    totalTokens: tokens.totalTokens,
    cachedTokens: tokens.cachedTokens,
    reasoningTokens: tokens.reasoningTokens,
    cost,
  };
}

/**
 * The sum of two usages. The cost is summed when both are known and absent otherwise.
 * @param a - one usage.
 * @param b - another.
 * @returns a new usage.
 */
export function addUsage(a: Usage, b: Usage): Usage {
  const tokens = {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
  return a.cost !== undefined && b.cost !== undefined ? withCost(tokens, a.cost + b.cost) : tokens;
}

/**
 * The sum of any number of usages ({@link emptyUsage} for none).
 * @param usages - the usages to add up.
 * @returns their sum; `cost` only when every cost is known.
 */
export function sumUsage(usages: Iterable<Usage>): Usage {
  let total = emptyUsage();
  for (const usage of usages) total = addUsage(total, usage);
  return total;
}
