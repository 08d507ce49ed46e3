/** The marker every agentloop error carries, so `AgentError.isInstance` in core recognises it. */
export const AGENT_ERROR_MARKER = Symbol.for('agentloop.error');

/**
 * Codes of {@link ToolDefinitionError}: each names one way a tool definition or registry is
 * misconfigured.
 *
 * - `invalid_tool_name`: the name does not match `^[a-zA-Z0-9_-]{1,64}$`.
 * - `duplicate_tool`: a registry already holds a tool with that name.
 * - `invalid_parameters`: `parameters` is not a zod object schema (v4 or v3), or it cannot be
 *   represented as JSON Schema.
 * - `strict_incompatible`: `strict: true` was asked for a schema that cannot be made strict.
 * - `invalid_tool_definition`: another field of the definition is wrong (`execute` missing,
 *   `timeoutMs` or `maxOutputChars` not a positive number, ...).
 */
export type ToolDefinitionErrorCode =
  | 'invalid_tool_name'
  | 'duplicate_tool'
  | 'invalid_parameters'
  | 'strict_incompatible'
  | 'invalid_tool_definition';

/** Options of {@link ToolDefinitionError}. */
export interface ToolDefinitionErrorOptions {
  /** The stable code of the fault. */
  code: ToolDefinitionErrorCode;
  /** The name of the tool concerned, when it has one. */
  toolName?: string | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Thrown when a tool or a registry is misconfigured: at definition time (`tool()`,
 * `new ToolRegistry()`, `register()`, `toJSONSchema()`), never when the model calls a tool.
 *
 * It carries the `Symbol.for('agentloop.error')` marker, so `AgentError.isInstance(error)` from
 * `@agentloop/core` is `true` for it.
 *
 * @example
 * ```ts
 * try {
 *   tool({ name: 'get weather', ... });
 * } catch (error) {
 *   if (error instanceof ToolDefinitionError && error.code === 'invalid_tool_name') { ... }
 * }
 * ```
 */
export class ToolDefinitionError extends Error {
  /** The stable code of the fault. */
  readonly code: ToolDefinitionErrorCode;
  /** The name of the tool concerned (`undefined` when the name itself was missing). */
  readonly toolName: string | undefined;
  /** Marks agentloop errors across package copies; read by `AgentError.isInstance`. */
  readonly [AGENT_ERROR_MARKER] = true;

  /**
   * @param message - What was expected, what came, and what to do.
   * @param options - The code, the tool name and the cause.
   */
  constructor(message: string, { code, toolName, cause }: ToolDefinitionErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ToolDefinitionError';
    this.code = code;
    this.toolName = toolName;
  }
}
