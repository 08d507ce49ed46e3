import { AgentError, type ConfigErrorCode } from '@agentloop/protocol';

/**
 * Codes of {@link ToolDefinitionError}: each names one way a tool definition or registry is
 * misconfigured.
 *
 * - `invalid_tool_name`: the name does not match `^[a-zA-Z0-9_-]{1,64}$`.
 * - `duplicate_tool`: a registry already holds a tool with that name.
 * - `invalid_parameters`: `parameters` is not a zod object schema (v4 or v3), or it cannot be
 *   represented as JSON Schema.
 * - `strict_incompatible`: `strict: true` was asked for a schema that cannot be made strict.
 * - `invalid_config`: another field of the definition, named by `option`, is wrong (`execute`
 *   missing, `timeoutMs` or `maxOutputChars` not a positive number, ...), or the value given
 *   is not a tool at all; the code every package gives a misconfiguration.
 */
export type ToolDefinitionErrorCode =
  | 'invalid_tool_name'
  | 'duplicate_tool'
  | 'invalid_parameters'
  | 'strict_incompatible'
  | ConfigErrorCode;

/** Options of {@link ToolDefinitionError}. */
export interface ToolDefinitionErrorOptions {
  /** The stable code of the fault. */
  code: ToolDefinitionErrorCode;
  /** The name of the tool concerned, when it has one. */
  toolName?: string | undefined;
  /** For `invalid_config`: the field of the definition or option at fault, e.g. `timeoutMs`. */
  option?: string | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Marks a {@link ToolDefinitionError} in every copy of the package. */
const TOOL_DEFINITION_ERROR: unique symbol = Symbol.for('agentloop.error.tool_definition');

/**
 * Thrown when a tool or a registry is misconfigured: at definition time (`tool()`,
 * `new ToolRegistry()`, `register()`, `toJSONSchema()`), never when the model calls a tool.
 *
 * An `AgentError` (from `@agentloop/protocol`, re-exported by `@agentloop/core`), so both
 * `error instanceof AgentError` and `AgentError.isInstance(error)` are `true` for it.
 *
 * @example
 * ```ts
 * try {
 *   tool({ name: 'get weather', ... });
 * } catch (error) {
 *   if (ToolDefinitionError.isInstance(error) && error.code === 'invalid_tool_name') { ... }
 * }
 * ```
 */
export class ToolDefinitionError extends AgentError {
  /** The stable code of the fault. */
  declare readonly code: ToolDefinitionErrorCode;
  /** The name of the tool concerned (`undefined` when the name itself was missing). */
  readonly toolName: string | undefined;
  /** For `invalid_config`: the field or option at fault, when one can be named. */
  readonly option: string | undefined;
  /** Tells a {@link ToolDefinitionError} from other errors of the same code. */
  readonly [TOOL_DEFINITION_ERROR] = true as const;

  /**
   * @param message - What was expected, what came, and what to do.
   * @param options - The code, the tool name, the option at fault and the cause.
   */
  constructor(message: string, { code, toolName, option, cause }: ToolDefinitionErrorOptions) {
    super({ code, message, cause });
    this.name = 'ToolDefinitionError';
    this.toolName = toolName;
    this.option = option;
  }

  /** True for a {@link ToolDefinitionError} from any copy of the package. */
  static override isInstance(error: unknown): error is ToolDefinitionError {
    return AgentError.hasMarker(error, TOOL_DEFINITION_ERROR);
  }

  protected override details(): Record<string, unknown> {
    return {
      ...(this.toolName !== undefined ? { toolName: this.toolName } : {}),
      ...(this.option !== undefined ? { option: this.option } : {}),
    };
  }
}
