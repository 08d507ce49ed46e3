import type { CompletionUsage } from 'openai/resources/completions';
import { costOf, roundCost } from './pricing.js';

/**
 * Tokens used by one model call or summed over a run, and what they cost.
 * `cachedTokens` are part of `promptTokens`; `reasoningTokens` are part of `completionTokens`,
 * also for providers that report them outside `completion_tokens` (xAI, Gemini), and
 * `totalTokens` is `promptTokens + completionTokens`.
 */
export interface Usage {
  /** Prompt tokens, cached ones included. */
  readonly promptTokens: number;
  /**
   * Completion tokens, reasoning ones included (added when the provider counts them outside
   * `completion_tokens`, as xAI and Gemini do: all are billed as output).
   */
  readonly completionTokens: number;
  /** Prompt plus completion tokens, as the provider reported them. */
  readonly totalTokens: number;
  /** Prompt tokens served from the provider's prompt cache (billed at the cached rate). */
  readonly cachedTokens: number;
  /**
   * Prompt tokens written to the provider's prompt cache (billed at the cache-write rate), for
   * providers that report them (OpenRouter's `prompt_tokens_details.cache_write_tokens`,
   * Anthropic-style `cache_creation_input_tokens`); absent when none were. Like `cachedTokens`, a
   * part of `promptTokens`: uncached = `promptTokens - cachedTokens - cacheWriteTokens`.
   */
  readonly cacheWriteTokens?: number;
  /**
   * Completion tokens spent on hidden reasoning (o-series, gpt-5, grok, Gemini). For a provider
   * that reports none but whose total exceeds prompt plus completion (Gemini), that surplus.
   */
  readonly reasoningTokens: number;
  /**
   * Model calls answered by a response cache (`cachedModel`) instead of the provider: they
   * spent no tokens and cost nothing. Absent when there were none.
   */
  readonly cachedResponses?: number;
  /**
   * The cost in USD, rounded to 1e-10 USD (no float noise). Absent when any part of it is unknown (a model missing from the price table,
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
 * Reasoning that the provider counts outside `completion_tokens` (its `total_tokens` is prompt +
 * completion + reasoning) is added to `completionTokens`, so it is priced as output.
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
  const { completionTokens, reasoningTokens } = completionOf(usage, promptTokens);
  const cachedTokens = Math.min(count(usage.prompt_tokens_details?.cached_tokens), promptTokens);
  const cacheWriteTokens = Math.min(cacheWritesOf(usage), promptTokens - cachedTokens);
  const tokens: Usage = {
    promptTokens,
    completionTokens,
    totalTokens: count(usage.total_tokens) || promptTokens + completionTokens,
    cachedTokens,
    reasoningTokens,
    ...(cacheWriteTokens > 0 ? { cacheWriteTokens } : {}),
  };
  const cost = model === undefined ? undefined : costOf(tokens, model);
  return cost === undefined ? tokens : withCost(tokens, cost);
}

/**
 * Prompt tokens written to the cache, where a provider reports them: OpenRouter in
 * `prompt_tokens_details.cache_write_tokens`, Anthropic-style relays (LiteLLM) as
 * `cache_creation_input_tokens`. OpenAI reports none (its cache writes cost nothing extra).
 */
function cacheWritesOf(usage: CompletionUsage): number {
  const details = usage.prompt_tokens_details as { cache_write_tokens?: number } | undefined;
  const flat = (usage as { cache_creation_input_tokens?: number }).cache_creation_input_tokens;
  return count(details?.cache_write_tokens) || count(flat);
}

/**
 * The completion tokens with reasoning included, and the reasoning among them. OpenAI counts
 * reasoning inside `completion_tokens`; xAI reports it beside them and Gemini only in the total
 * (`total = prompt + completion + reasoning`). Both bill it as output, so it is added.
 */
function completionOf(
  usage: CompletionUsage,
  promptTokens: number,
): { completionTokens: number; reasoningTokens: number } {
  const completion = count(usage.completion_tokens);
  const reasoning = count(usage.completion_tokens_details?.reasoning_tokens);
  const total = count(usage.total_tokens);
  const surplus = total - promptTokens - completion;
  if (total > 0 && reasoning > 0 && surplus === reasoning) {
    return { completionTokens: completion + reasoning, reasoningTokens: reasoning };
  }
  if (total > 0 && reasoning === 0 && surplus > 0) {
    return { completionTokens: completion + surplus, reasoningTokens: surplus };
  }
  // Without a total, reasoning larger than the completion cannot be a part of it.
  if (total === 0 && reasoning > completion) {
    return { completionTokens: completion + reasoning, reasoningTokens: reasoning };
  }
  return { completionTokens: completion, reasoningTokens: Math.min(reasoning, completion) };
}

/** The tokens with a cost, built as one literal (a spread would copy the object first). */
function withCost(tokens: Usage, cost: number): Usage {
  // The rare optional fields: copied with the rest.
  if (tokens.cachedResponses !== undefined || tokens.cacheWriteTokens !== undefined) {
    return { ...tokens, cost };
  }
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
 * The usage of a model call a response cache answered: no tokens, no cost, one cached response.
 * @returns `{ promptTokens: 0, ..., cachedResponses: 1, cost: 0 }`.
 */
export function cachedResponseUsage(): Usage {
  return { ...emptyUsage(), cachedResponses: 1 };
}

/**
 * The sum of two usages. The cost is summed (to 1e-10 USD, so it stays free of float noise) when
 * both are known and absent otherwise.
 * @param a - one usage.
 * @param b - another.
 * @returns a new usage.
 */
export function addUsage(a: Usage, b: Usage): Usage {
  const cachedResponses = (a.cachedResponses ?? 0) + (b.cachedResponses ?? 0);
  const writes = (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0);
  const tokens: Usage = {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    ...(cachedResponses > 0 ? { cachedResponses } : {}),
    ...(writes > 0 ? { cacheWriteTokens: writes } : {}),
  };
  return a.cost !== undefined && b.cost !== undefined
    ? withCost(tokens, roundCost(a.cost + b.cost))
    : tokens;
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
