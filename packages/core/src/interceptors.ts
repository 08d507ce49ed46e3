import type { ModelRequest } from './model.js';

/** What a `beforeModel` interceptor is told about the call. */
export interface ModelCallInfo<TContext> {
  runId: string;
  turn: number;
  agent: string;
  context: TContext;
}

/**
 * Awaited before every model call. Return a request to send instead (for example with
 * messages redacted), or nothing to send the request as it is.
 */
export type BeforeModel<TContext> = (
  request: ModelRequest,
  info: ModelCallInfo<TContext>,
) => ModelRequest | undefined | Promise<ModelRequest | undefined>;

/** What a `beforeTool` interceptor is told about a tool call. */
export interface ToolCallInfo<TContext> {
  runId: string;
  turn: number;
  agent: string;
  context: TContext;
  toolCallId: string;
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
 * Returning nothing approves the call. Calls of one turn are asked concurrently.
 */
export type BeforeTool<TContext> = (
  call: ToolCallInfo<TContext>,
) => ToolDecision | undefined | Promise<ToolDecision | undefined>;
