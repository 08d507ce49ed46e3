import type { ModelRequest } from './model.js';

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

/** What a `beforeTool` interceptor is told about a tool call. */
export interface ToolCallInfo<TContext> {
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
  name: string;
  /** The arguments as the model sent them, parsed from JSON but not yet validated. */
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
 */
export type BeforeTool<TContext> = (
  call: ToolCallInfo<TContext>,
) => ToolDecision | undefined | Promise<ToolDecision | undefined>;
