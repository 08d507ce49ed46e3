import type { PreparedToolCall, ToolOutcome, ToolRegistry } from '@agentloop/tools';
import { compose } from '../middleware/compose.js';
import { isBeforeToolHook } from '../middleware/interceptor-middleware.js';
import type { WrapToolCall } from '../middleware/middleware.js';
import type { ToolCallContext } from '../middleware/middleware-context.js';
import { checkToolOutcome, deniedOutcome } from '../middleware/middleware-results.js';
import { ToolCallInterrupt } from '../middleware/tool-call-interrupt.js';
import type { ActiveRun } from './active-run.js';

/** How one prepared tool call goes through the run's middleware. */
export interface ToolCallChainOptions<TContext> {
  registry: ToolRegistry<TContext>;
  /** The run's `wrapToolCall` hooks, outermost first (`beforeTool` among them). */
  middleware: readonly WrapToolCall<TContext>[];
  /**
   * The step at the centre: runs the prepared call (marking it started, `tool:start`, the
   * tool). It throws when the turn has failed already: the tool must not start then.
   */
  start: (prepared: PreparedToolCall<TContext>) => Promise<ToolOutcome>;
  /** A person approved the call before the run continued: it is not paused again. */
  approved: boolean;
  /** The call had started before a crash and runs again: not paused again, `beforeTool` not asked. */
  restarted: boolean;
}

/** What came of a call: its outcome (and the last arguments a middleware gave `next`), or a pause. */
export type ToolCallChainResult =
  | { outcome: ToolOutcome; rewrite?: { args: unknown } }
  | { interrupt: { reason: string | undefined; args: unknown } };

/** A layer's view of the call, and the call prepared with that view's arguments. */
interface Layered<TContext> {
  view: ToolCallContext<TContext>;
  prepared: PreparedToolCall<TContext>;
}

/**
 * One tool call that can run (a known tool, valid arguments) through the `wrapToolCall`
 * middleware. At the centre `start` (`tool:start` with the arguments the tool runs with, then
 * the tool). Around it the middleware, which may change the arguments (validated again at once;
 * invalid ones answer `next` with the `invalid_arguments` failure and go no further), the
 * outcome, run the tool again, or not at all (a short-circuit: no `tool:start`), or pause the
 * run with `ctx.interrupt(reason)`: then no tool of this call starts, whatever the middleware
 * outside do with the interruption they see thrown.
 */
export async function runToolCallChain<TContext>(
  run: ActiveRun<TContext>,
  prepared: PreparedToolCall<TContext>,
  options: ToolCallChainOptions<TContext>,
): Promise<ToolCallChainResult> {
  const { registry, start, approved, restarted } = options;
  // Asked once, before the call started: a call run again after a crash is not asked again.
  const middleware = restarted
    ? options.middleware.filter((hook) => !isBeforeToolHook(hook))
    : options.middleware;
  if (middleware.length === 0) return { outcome: await start(prepared) };

  const { id, name } = prepared.call;
  let rewrite: { args: unknown } | undefined;
  let interrupted: ToolCallInterrupt | undefined;
  /** `ctx.interrupt` of a layer's view: pauses the call with that view's arguments. */
  const interrupt = (view: ToolCallContext<TContext>, reason: string | undefined): void => {
    if (approved || restarted) return;
    interrupted ??= new ToolCallInterrupt(id, reason, view.args);
    throw interrupted;
  };
  const chain = compose<Layered<TContext>, unknown, ToolOutcome>({
    layers: middleware.map((wrap) => (layered, next) => wrap(layered.view, next)),
    core: (layered) => {
      // A middleware outside the one that interrupted may have caught the interruption and
      // gone on: the call is paused all the same, its tool never starts.
      if (interrupted) throw interrupted;
      return start(layered.prepared);
    },
    advance: async (layered, args) => {
      // The record keeps the arguments as given; the tool gets them validated.
      rewrite = { args };
      const preparing = registry.prepare(prepared.call, { args });
      const ready = preparing instanceof Promise ? await preparing : preparing;
      if (!ready.ok) return { result: ready };
      const view: ToolCallContext<TContext> = {
        ...layered.view,
        args: ready.args,
        interrupt: (reason) => interrupt(view, reason),
      };
      return { ctx: { view, prepared: ready } };
    },
    check: (returned) => checkToolOutcome(returned, { toolCallId: id, name }),
    signal: run.signal,
  });

  // Written out whole, not spread from a smaller object: V8 copies an object of this size
  // through its slow path, which cost a tool call about 1 µs.
  const view: ToolCallContext<TContext> = {
    runId: run.runId,
    turn: run.turn,
    agent: run.activeAgent,
    context: run.context,
    toolCallId: id,
    name,
    args: prepared.args,
    description: prepared.tool.description,
    signal: run.signal,
    deny: (reason) => deniedOutcome(id, name, reason),
    interrupt: (reason) => interrupt(view, reason),
    approved,
    restarted,
  };
  let outcome: ToolOutcome;
  try {
    outcome = await chain({ view, prepared });
  } catch (error) {
    if (interrupted && !run.signal.aborted) return { interrupt: pauseOf(interrupted) };
    throw error;
  }
  if (interrupted) return { interrupt: pauseOf(interrupted) };
  return rewrite ? { outcome, rewrite } : { outcome };
}

function pauseOf(interrupt: ToolCallInterrupt): { reason: string | undefined; args: unknown } {
  return { reason: interrupt.reason, args: interrupt.args };
}
