import type { ModelRequest } from './model.js';
import type { ToolList, ToolNameOf } from './tool-calls.js';

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
 */
export type BeforeModel<TContext> = (
  request: ModelRequest,
  info: ModelCallInfo<TContext>,
) => ModelRequest | undefined | Promise<ModelRequest | undefined>;

/**
 * What a `beforeTool` interceptor is told about a tool call.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TName - The tool's name: the union of the agent's tool names when they are known.
 */
export interface ToolCallInfo<TContext, TName extends string = string> {
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
   * The arguments as the model sent them, parsed from JSON but not yet validated (`null` for
   * an optional field in strict mode, defaults not applied, possibly the wrong shape): hence
   * `unknown`. Check them before relying on them, e.g. with the tool's `parameters`.
   */
  args: unknown;
}

/**
 * A `beforeTool` decision: run the call, refuse it with a reason the model sees, or run it
 * with other arguments (validated against the tool's schema again).
 */
export type ToolDecision =
  | { action: 'approve' }
  | { action: 'deny'; reason: string }
  | { action: 'rewrite'; args: unknown };

/**
 * Awaited before every tool call the model makes to a known tool with parsable arguments.
 * Returning nothing approves the call. Anything that is not a decision (a misspelt action,
 * `false`, a rewrite without `args`) fails the run with a `ConfigurationError` and the tool is
 * not run: the gate fails closed. Calls of one turn are asked concurrently.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools: `call.name` is the union of their names.
 */
export type BeforeTool<TContext, TTools extends ToolList = ToolList> = (
  call: ToolCallInfo<TContext, ToolNameOf<TTools>>,
) => ToolDecision | undefined | Promise<ToolDecision | undefined>;
