import type { RunInput } from '../agent/agent-options.js';
import { compose } from '../middleware/compose.js';
import type { WrapRun } from '../middleware/middleware.js';
import type { RunMiddlewareContext } from '../middleware/middleware-context.js';
import { checkRunResult } from '../middleware/middleware-results.js';
import type { ActiveRun } from './active-run.js';
import type { RunResult } from './run-result.js';

/**
 * The loop through the `wrapRun` middleware: what the outermost resolves to is the run's result
 * (and what `run:end` carries). `next` may be called once: the loop cannot run twice.
 *
 * @param input - the run's input; `undefined` for a run continued from its state.
 */
export function runThroughMiddleware<TContext>(
  state: ActiveRun<TContext>,
  input: RunInput | undefined,
  middleware: readonly WrapRun<TContext>[],
  loop: () => Promise<RunResult<unknown>>,
): Promise<RunResult<unknown>> {
  if (middleware.length === 0) return loop();
  const chain = compose<RunMiddlewareContext<TContext>, never, RunResult<unknown>>({
    layers: middleware,
    core: loop,
    check: checkRunResult,
    signal: state.signal,
    onceMessage:
      'A wrapRun middleware called next() a second time; a run cannot be run twice. Call next() once and return (or change) its result; start another run with agent.run() for a second try.',
  });
  return chain({
    runId: state.runId,
    agent: state.agent,
    context: state.context,
    signal: state.signal,
    input: input ?? [],
    resumed: input === undefined,
    sessionId: state.sessionId,
    metadata: state.metadata,
  });
}
