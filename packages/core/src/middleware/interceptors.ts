import type { ToolArgsShape, ToolArgsShapes, ToolList } from '../agent/tool-calls.js';
import type { ModelRequest } from '../models/model.js';

/** What a `beforeModel` interceptor is told about the call. */
export interface ModelCallInfo<TContext> {
  /** The run making the call. */
  runId: string;
  /** The turn, from 1. */
  turn: number;
  /** The agent's `name`. */
  agent: string;
  /** The run's `context` option. */
  context: TContext;
}

/**
 * Awaited before every model call. Return a request to send instead (for example with
 * messages redacted), or nothing to send the request as it is. A returned request without
 * messages fails the run with a `ConfigurationError` before the model is called.
 *
 * A shortcut for a `wrapModelCall` middleware (`(ctx, next) => next(rewritten)`), placed just
 * before the `middleware` list of its level (the agent's, or the run's for `hooks.beforeModel`).
 */
export type BeforeModel<TContext> = (
  request: ModelRequest,
  info: ModelCallInfo<TContext>,
) => ModelRequest | undefined | Promise<ModelRequest | undefined>;

/**
 * What a `beforeTool` interceptor is told about a tool call.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TName - The tool's name.
 * @typeParam TArgs - The tool's validated argument type.
 */
export interface ToolCallInfo<TContext, TName extends string = string, TArgs = unknown> {
  /** The run making the call. */
  runId: string;
  /** The turn, from 1. */
  turn: number;
  /** The agent's `name`. */
  agent: string;
  /** The run's `context` option. */
  context: TContext;
  /** The call id the model gave. */
  toolCallId: string;
  /** The tool's name (always a tool the agent has). */
  name: TName;
  /**
   * The arguments the tool would run with: validated by its schema, defaults applied, `null`s
   * sent for optional fields in strict mode turned into absent ones (after an earlier
   * interceptor's rewrite, that rewrite's arguments, validated the same way).
   */
  args: TArgs;
}

/**
 * What a `beforeTool` interceptor of an agent with these tools is told: one member per tool,
 * whose `args` is the tool's validated argument type; narrow on `name` (`call.name === 'x'`
 * types `call.args`). A wide tool list (a `ToolRegistry`, `AnyTool[]`) gives
 * `ToolCallInfo<TContext>` with `name: string` and `args: unknown`.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools.
 */
export type ToolCallInfoOf<TContext, TTools extends ToolList = ToolList> = InfoOf<
  TContext,
  ToolArgsShapes<TTools>
>;

type InfoOf<TContext, TShape> = TShape extends ToolArgsShape
  ? ToolCallInfo<TContext, TShape['name'], TShape['args']>
  : never;

/**
 * A `beforeTool` decision: run the call, refuse it with a reason the model sees, run it
 * with other arguments (validated against the tool's schema again at once: the next
 * interceptor and `tool:start` get them validated, and invalid ones fail the call with
 * `invalid_arguments`, the tool not run), or pause the run until a person decides
 * (`interrupt`: the run resolves with `status: 'interrupted'`; once the call is approved, an
 * `interrupt` answer for it counts as approved).
 */
export type ToolDecision =
  | { action: 'approve' }
  | { action: 'deny'; reason: string }
  | { action: 'rewrite'; args: unknown }
  | { action: 'interrupt'; reason?: string };

/**
 * Awaited before every tool call the model makes to a known tool with valid arguments (calls
 * that cannot run fail without asking it).
 * Returning nothing approves the call. Anything that is not a decision (a misspelt action,
 * `false`, a rewrite without `args`) fails the run with a `ConfigurationError` and the tool is
 * not run: the gate fails closed. Calls of one turn are asked concurrently.
 *
 * A shortcut for a `wrapToolCall` middleware (a denial is `ctx.deny(reason)`, a rewrite
 * `next(args)`), placed just before the `middleware` list of its level (the agent's, or the
 * run's for `hooks.beforeTool`).
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools: `call` is the union {@link ToolCallInfoOf} of them.
 */
export type BeforeTool<TContext, TTools extends ToolList = ToolList> = (
  call: ToolCallInfoOf<TContext, TTools>,
) => ToolDecision | undefined | Promise<ToolDecision | undefined>;
