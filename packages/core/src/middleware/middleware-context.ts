import type { ToolFailure } from '@agentloop/tools';
import type { RunInput } from '../agent/agent-options.js';
import type { ToolArgsShape, ToolArgsShapes, ToolList } from '../agent/tool-calls.js';
import type { ModelRequest } from '../models/model.js';
import type { ModelCallInfo, ToolCallInfo } from './interceptors.js';

/**
 * What a `wrapRun` middleware is told about the run it wraps.
 *
 * @typeParam TContext - The run's user context.
 */
export interface RunMiddlewareContext<TContext> {
  /** The run's id, the same on every event. */
  runId: string;
  /** The agent's `name`. */
  agent: string;
  /** The run's `context` option. */
  context: TContext;
  /** The run's signal: aborted when the caller aborts, the deadline passes or the run fails. */
  signal: AbortSignal;
  /** What `run()` / `stream()` was given; `[]` for a run continued from its state. */
  input: RunInput;
  /**
   * `true` when the run continues from where it stopped (`agent.run(state)`,
   * `agent.resume(runId)`): `wrapRun` wraps each resumption of a run.
   */
  resumed: boolean;
  /** The run's `sessionId`, when it has one. */
  sessionId: string | undefined;
  /**
   * Strings kept with the run: what a middleware writes here is in every later checkpoint and
   * in `result.state`, and a continued run (`agent.run(state)`, `agent.resume(runId)`, in this
   * process or another) finds it here again. For the little a middleware needs to connect the
   * parts of a run, such as the span ids a tracer links a resumed run to; keep it small, and
   * prefix keys with the middleware's name (`otel.span`). Values must be strings.
   */
  metadata: Record<string, string>;
}

/**
 * What a `wrapModelCall` middleware is told about one model call: the `beforeModel` info, plus
 * the request as this middleware got it and the run's signal.
 *
 * @typeParam TContext - The run's user context.
 */
export interface ModelCallContext<TContext> extends ModelCallInfo<TContext> {
  /** The model's name. */
  model: string;
  /**
   * The request as it reaches this middleware (trimmed to the budget, after the rewrites of the
   * middleware outside it). Pass another to `next(request)` to send that one instead.
   */
  request: ModelRequest;
  /** The run's signal: pass it on to work you start; an abort ends the run with `RunAbortedError`. */
  signal: AbortSignal;
}

/**
 * What a `wrapToolCall` middleware is told about one tool call: the `beforeTool` info (with the
 * arguments validated as this middleware got them), the run's signal, and a way to deny it.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TName - The tool's name.
 * @typeParam TArgs - The tool's validated argument type.
 */
export interface ToolCallContext<TContext, TName extends string = string, TArgs = unknown>
  extends ToolCallInfo<TContext, TName, TArgs> {
  /**
   * The tool's `description`, as the model is shown it: a child agent's is the one given to
   * `asTool`, an MCP tool's the server's (its title, or `''`, when the server gives none).
   */
  description: string;
  /** The run's signal: pass it on to work you start; an abort ends the run with `RunAbortedError`. */
  signal: AbortSignal;
  /**
   * The outcome of a refused call, to return instead of calling `next()`: the tool does not
   * run, the model sees the reason (`Error: the call to "name" was denied: reason. ...`), and
   * `tool:end` carries `denied: true`, as for a `beforeTool` denial.
   */
  deny(reason: string): ToolFailure;
  /**
   * Pauses the run until a person decides about this call, as `beforeTool` answering
   * `{ action: 'interrupt', reason }` does: the tool does not run, the run resolves with
   * `status: 'interrupted'` (the turn's other calls still settle), and `state.approve` /
   * `state.reject` then decide it. It throws, so nothing after it runs: the middleware outside
   * this one see their `next()` reject and should let that through (whatever they return
   * instead is discarded, and no tool of this call starts any more).
   *
   * For a call already decided (`approved`, or `restarted`) it returns instead, and the
   * middleware goes on (typically to `next()`): the person's decision answers it.
   *
   * @param reason - shown on the interruption, for the person who decides.
   */
  interrupt(reason?: string): void;
  /**
   * `true` when a person approved this call (`state.approve`) before the run continued: it is
   * asked about again (`beforeTool` may still deny or rewrite it), but not paused again.
   */
  approved: boolean;
  /**
   * `true` when the call had started before its process died and runs again after
   * `agent.resume` (its tool is `idempotent`): `beforeTool` is not asked again, and it is not
   * paused again.
   */
  restarted: boolean;
}

/**
 * What a `wrapToolCall` middleware of an agent with these tools is told: one member per tool,
 * whose `args` is the tool's validated argument type; narrow on `name` (`ctx.name === 'x'` types
 * `ctx.args`). A wide tool list (a `ToolRegistry`, `AnyTool[]`) gives
 * `ToolCallContext<TContext>` with `name: string` and `args: unknown`.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools.
 */
export type ToolCallContextOf<TContext, TTools extends ToolList = ToolList> = ContextOf<
  TContext,
  ToolArgsShapes<TTools>
>;

type ContextOf<TContext, TShape> = TShape extends ToolArgsShape
  ? ToolCallContext<TContext, TShape['name'], TShape['args']>
  : never;
