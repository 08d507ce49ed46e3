import { AGENT_ERROR_MARKER } from '../../errors.js';

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
 * - `invalid_options`: an option of a built-in tool factory is wrong or missing.
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
  | 'invalid_options';

/** Options of {@link BuiltinToolError}. */
export interface BuiltinToolErrorOptions {
  /** The stable code of the fault. */
  code: BuiltinToolErrorCode;
  /** The name of the tool concerned. */
  toolName?: string | undefined;
  /** For `invalid_expression` and `math_error`: the 1-based character position in the expression. */
  position?: number | undefined;
  /** For network faults: the URL concerned (never carries a key). */
  url?: string | undefined;
  /** For `upstream_error`: the HTTP status the service answered. */
  status?: number | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error the built-in tools throw. Inside a run, a throw from `execute` becomes a `tool_error`
 * outcome whose message the model reads, so every message says what was expected, what came and
 * what to do. A factory given bad options throws it with code `invalid_options` at once.
 *
 * It carries the `Symbol.for('agentloop.error')` marker, so `AgentError.isInstance(error)` from
 * `@agentloop/core` is `true` for it.
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
export class BuiltinToolError extends Error {
  /** The stable code of the fault. */
  readonly code: BuiltinToolErrorCode;
  /** The name of the tool concerned, when known. */
  readonly toolName: string | undefined;
  /** The 1-based position in a calculator expression, when the fault has one. */
  readonly position: number | undefined;
  /** The URL concerned, for network faults. */
  readonly url: string | undefined;
  /** The HTTP status, for `upstream_error`. */
  readonly status: number | undefined;
  /** Marks agentloop errors across package copies; read by `AgentError.isInstance`. */
  readonly [AGENT_ERROR_MARKER] = true;

  /**
   * @param message - What was expected, what came, and what to do.
   * @param options - The code and context fields.
   */
  constructor(message: string, options: BuiltinToolErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BuiltinToolError';
    this.code = options.code;
    this.toolName = options.toolName;
    this.position = options.position;
    this.url = options.url;
    this.status = options.status;
  }
}
