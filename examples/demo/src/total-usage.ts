import type { RunResult, Usage } from '@agentloop/core';

/** The usage of several runs added up, and how many model calls they made. */
export interface TotalUsage {
  usage: Usage;
  calls: number;
}

/**
 * Adds up the usage of runs. The cost is summed only when every run's cost is known.
 *
 * @param results - finished runs.
 * @returns the summed usage and the number of model calls.
 */
export function totalUsage(results: readonly RunResult<unknown>[]): TotalUsage {
  let cost: number | undefined = 0;
  const tokens = {
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
  };
  let calls = 0;
  for (const { usage, turns } of results) {
    tokens.promptTokens += usage.promptTokens;
    tokens.completionTokens += usage.completionTokens;
    tokens.totalTokens += usage.totalTokens;
    tokens.cachedTokens += usage.cachedTokens;
    tokens.reasoningTokens += usage.reasoningTokens;
    cost = cost === undefined || usage.cost === undefined ? undefined : cost + usage.cost;
    calls += turns;
  }
  return { usage: cost === undefined ? tokens : { ...tokens, cost }, calls };
}
