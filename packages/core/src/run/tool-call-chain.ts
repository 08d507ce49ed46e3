import type { PreparedToolCall, ToolOutcome, ToolRegistry } from '@agentloop/tools';
import { compose } from '../middleware/compose.js';
import type { WrapToolCall } from '../middleware/middleware.js';
import type { ToolCallContext } from '../middleware/middleware-context.js';
import { checkToolOutcome, deniedOutcome } from '../middleware/middleware-results.js';
import { canAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';

/** How one prepared tool call goes through the run's middleware. */
export interface ToolCallChainOptions<TContext> {
  registry: ToolRegistry<TContext>;
  /** The run's `wrapToolCall` hooks, outermost first (`beforeTool` among them). */
  middleware: readonly WrapToolCall<TContext>[];
  /** Throws when the turn has failed already (another call's middleware threw): the tool must not start. */
  beforeStart: () => void;
}

/** What came of a call, and the last arguments a middleware gave `next` (for the record). */
export interface ToolCallChainResult {
  outcome: ToolOutcome;
  rewrite?: { args: unknown };
}

/** A layer's view of the call, and the call prepared with that view's arguments. */
interface Layered<TContext> {
  view: ToolCallContext<TContext>;
  prepared: PreparedToolCall<TContext>;
}

/**
 * One tool call that can run (a known tool, valid arguments) through the `wrapToolCall`
 * middleware. At the centre: `tool:start` with the arguments the tool runs with, then the tool
 * under its timeout and the run's signal. Around it the middleware, which may change the
 * arguments (validated again at once; invalid ones answer `next` with the `invalid_arguments`
 * failure and go no further), the outcome, run the tool again, or not at all (a short-circuit:
 * no `tool:start`).
 */
export async function runToolCallChain<TContext>(
  state: ActiveRun<TContext>,
  prepared: PreparedToolCall<TContext>,
  { registry, middleware, beforeStart }: ToolCallChainOptions<TContext>,
): Promise<ToolCallChainResult> {
  const { runId, turn } = state;
  const { id, name } = prepared.call;
  const start = (ready: PreparedToolCall<TContext>): Promise<ToolOutcome> => {
    beforeStart();
    if (state.bus.wants('tool:start')) {
      state.bus.emit({ type: 'tool:start', runId, turn, toolCallId: id, name, args: ready.args });
    }
    return registry.run(ready, {
      signal: state.signal,
      // A run without a caller's signal aborts it only once the run has failed, when nobody
      // waits for the outcome: no need for a listener per call to settle early.
      settleOnAbort: canAbort(state.signal),
      runId,
      context: state.context,
    });
  };
  if (middleware.length === 0) return { outcome: await start(prepared) };

  let rewrite: { args: unknown } | undefined;
  const chain = compose<Layered<TContext>, unknown, ToolOutcome>({
    layers: middleware.map((wrap) => (layered, next) => wrap(layered.view, next)),
    core: (layered) => start(layered.prepared),
    advance: async (layered, args) => {
      // The record keeps the arguments as given; the tool gets them validated.
      rewrite = { args };
      const preparing = registry.prepare(prepared.call, { args });
      const ready = preparing instanceof Promise ? await preparing : preparing;
      if (!ready.ok) return { result: ready };
      return { ctx: { view: { ...layered.view, args: ready.args }, prepared: ready } };
    },
    check: (returned) => checkToolOutcome(returned, { toolCallId: id, name }),
    signal: state.signal,
  });
  const outcome = await chain({
    view: {
      runId,
      turn,
      agent: state.agent,
      context: state.context,
      toolCallId: id,
      name,
      args: prepared.args,
      signal: state.signal,
      deny: (reason) => deniedOutcome(id, name, reason),
    },
    prepared,
  });
  return rewrite ? { outcome, rewrite } : { outcome };
}
