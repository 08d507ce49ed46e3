import { type RunResult, sumUsage, type Usage } from '@agentloop/core';

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
  let calls = 0;
  for (const { turns } of results) calls += turns;
  return { usage: sumUsage(results.map((r) => r.usage)), calls };
}
