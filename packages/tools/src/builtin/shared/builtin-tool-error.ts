import { AgentError, type ConfigErrorCode } from '@agentloop/protocol';

/**
 * Codes of {@link BuiltinToolError}.
 *
 * Raised while a tool runs (the model sees the message as a `tool_error`):
 * - `invalid_expression`: the calculator could not parse the expression (see `position`).
 * - `math_error`: the expression parsed but has no finite real value (division by zero,
 *   overflow, `sqrt(-1)`, ...).
 * - `place_not_found`: the weather tool's geocoding found no place of that name.
 * - `upstream_error`: a remote service answered with an error status or an unexpected body.
 * - `network_error`: the request could not be made (connection refused, DNS failure, ...).
 * - `invalid_url`: `httpGetTool` received a text that is not an absolute URL.
 * - `blocked_url`: `httpGetTool` refused a URL (scheme, allowlist, or a private address).
 * - `too_many_redirects`: `httpGetTool` met more redirects than it follows.
 * - `timeout`: `httpGetTool` ran past its `timeoutMs`.
 * - `io_error`: `localSearchTool` could not read its folder.
 *
 * Thrown by a factory at definition time:
 * - `invalid_config`: an option of a built-in tool factory, named by `option`, is wrong or
 *   missing; the code every package gives a misconfiguration.
 */
export type BuiltinToolErrorCode =
  | 'invalid_expression'
  | 'math_error'
  | 'place_not_found'
  | 'upstream_error'
  | 'network_error'
  | 'invalid_url'
  | 'blocked_url'
  | 'too_many_redirects'
  | 'timeout'
  | 'io_error'
  | ConfigErrorCode;

/** Options of {@link BuiltinToolError}. */
export interface BuiltinToolErrorOptions {
  /** The stable code of the fault. */
  code: BuiltinToolErrorCode;
  /** The name of the tool concerned. */
  toolName?: string | undefined;
  /** For `invalid_config`: the factory option at fault, e.g. `timeoutMs`. */
  option?: string | undefined;
  /** For `invalid_expression` and `math_error`: the 1-based character position in the expression. */
  position?: number | undefined;
  /** For network faults: the URL concerned (never carries a key). */
  url?: string | undefined;
  /** For `upstream_error`: the HTTP status the service answered. */
  status?: number | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Marks a {@link BuiltinToolError} in every copy of the package. */
const BUILTIN_TOOL_ERROR: unique symbol = Symbol.for('agentloop.error.builtin_tool');

/**
 * The error the built-in tools throw. Inside a run, a throw from `execute` becomes a `tool_error`
 * outcome whose message the model reads, so every message says what was expected, what came and
 * what to do. A factory given bad options throws it with code `invalid_config` at once, the
 * option named in `option`.
 *
 * An `AgentError` (from `@agentloop/protocol`, re-exported by `@agentloop/core`), so both
 * `error instanceof AgentError` and `AgentError.isInstance(error)` are `true` for it.
 *
 * @example
 * ```ts
 * try {
 *   await calculatorTool().execute({ expression: '1/0' }, ctx);
 * } catch (error) {
 *   if (error instanceof BuiltinToolError && error.code === 'math_error') console.log(error.position);
 * }
 * ```
 */
export class BuiltinToolError extends AgentError {
  /** The stable code of the fault. */
  declare readonly code: BuiltinToolErrorCode;
  /** The name of the tool concerned, when known. */
  readonly toolName: string | undefined;
  /** For `invalid_config`: the factory option at fault, when one can be named. */
  readonly option: string | undefined;
  /** The 1-based position in a calculator expression, when the fault has one. */
  readonly position: number | undefined;
  /** The URL concerned, for network faults. */
  readonly url: string | undefined;
  /** The HTTP status, for `upstream_error`. */
  readonly status: number | undefined;
  /** Tells a {@link BuiltinToolError} from other errors of the same code. */
  readonly [BUILTIN_TOOL_ERROR] = true as const;

  /**
   * @param message - What was expected, what came, and what to do.
   * @param options - The code and context fields.
   */
  constructor(message: string, options: BuiltinToolErrorOptions) {
    super({ code: options.code, message, cause: options.cause });
    this.name = 'BuiltinToolError';
    this.toolName = options.toolName;
    this.option = options.option;
    this.position = options.position;
    this.url = options.url;
    this.status = options.status;
  }

  /** True for a {@link BuiltinToolError} from any copy of the package. */
  static override isInstance(error: unknown): error is BuiltinToolError {
    return AgentError.hasMarker(error, BUILTIN_TOOL_ERROR);
  }

  protected override details(): Record<string, unknown> {
    return {
      ...(this.toolName !== undefined ? { toolName: this.toolName } : {}),
      ...(this.option !== undefined ? { option: this.option } : {}),
      ...(this.position !== undefined ? { position: this.position } : {}),
      ...(this.url !== undefined ? { url: this.url } : {}),
      ...(this.status !== undefined ? { status: this.status } : {}),
    };
  }
}
