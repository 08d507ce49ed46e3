import { type PrepareToolCallOptions, prepareToolCall } from './prepare-tool-call.js';
import { type RunToolCallOptions, runToolCall } from './run-tool-call.js';
import type { ToolOutcome } from './types.js';

/** Everything one call needs, resolved by the registry. */
export type ExecuteToolCallOptions<TContext> = PrepareToolCallOptions<TContext> &
  RunToolCallOptions<TContext>;

/**
 * Runs one tool call from start to outcome: {@link prepareToolCall}, then {@link runToolCall}.
 * Never rejects: every fault becomes a failed outcome whose `output` the model can act on.
 */
export function executeToolCall<TContext>(
  options: ExecuteToolCallOptions<TContext>,
): Promise<ToolOutcome> {
  const startedAt = performance.now();
  const preparation = prepareToolCall(options, startedAt);
  // Sync schemas (zod's) prepare without a tick; only an async refinement gives a promise.
  if (preparation instanceof Promise) {
    return preparation.then((prepared) =>
      prepared.ok ? runToolCall(prepared, options, startedAt) : prepared,
    );
  }
  return preparation.ok
    ? runToolCall(preparation, options, startedAt)
    : Promise.resolve(preparation);
}
