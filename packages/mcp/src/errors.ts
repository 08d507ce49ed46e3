import { AgentError, type ConfigErrorCode } from '@agentloop/protocol';

/**
 * Codes of {@link McpServerError}.
 *
 * - `mcp_connect_failed`: the server could not be started or reached, or refused to initialize
 *   (a child that exits at start, a refused port, an HTTP error on the first request).
 * - `mcp_connect_timeout`: the server did not answer `initialize` within `connectTimeoutMs`.
 * - `mcp_unavailable`: the connection was lost and every reconnection attempt failed.
 * - `mcp_closed`: `close()` was called; the server object is done.
 * - `mcp_invalid_tool_schema`: a tool's input schema cannot be compiled (or is not an object
 *   schema); `exclude` it to use the others.
 * - `mcp_list_failed`: the server answered `tools/list` with an error.
 * - `invalid_config`: an option of `connectMcpServer` or `tools()` is wrong (named by `option`).
 */
export type McpServerErrorCode =
  | 'mcp_connect_failed'
  | 'mcp_connect_timeout'
  | 'mcp_unavailable'
  | 'mcp_closed'
  | 'mcp_invalid_tool_schema'
  | 'mcp_list_failed'
  | ConfigErrorCode;

/** Options of {@link McpServerError}. */
export interface McpServerErrorOptions {
  /** The stable code of the fault. */
  code: McpServerErrorCode;
  /** The `name` given to `connectMcpServer`. */
  serverName: string | undefined;
  /** For `invalid_config`: the option at fault. */
  option?: string | undefined;
  /** For `mcp_invalid_tool_schema`: the tools whose schema failed. */
  toolNames?: readonly string[] | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/** Marks an {@link McpServerError} in every copy of the package. */
const MCP_SERVER_ERROR: unique symbol = Symbol.for('agentloop.error.mcp_server');

/**
 * Thrown by `connectMcpServer`, `server.tools()` and `server.close()` when a server cannot be
 * used or an option is wrong. A failure during a tool call is never thrown: the model gets it
 * as the tool's fault.
 *
 * @example
 * ```ts
 * try { await connectMcpServer({ name: 'fs', command: 'mcp-fs' }); }
 * catch (error) { if (McpServerError.isInstance(error) && error.code === 'mcp_connect_timeout') ... }
 * ```
 */
export class McpServerError extends AgentError {
  /** The stable code of the fault. */
  declare readonly code: McpServerErrorCode;
  /** The server's `name`. */
  readonly serverName: string | undefined;
  /** For `invalid_config`: the option at fault. */
  readonly option: string | undefined;
  /** For `mcp_invalid_tool_schema`: the tools concerned. */
  readonly toolNames: readonly string[] | undefined;
  /** Tells an {@link McpServerError} from other errors of the same code. */
  readonly [MCP_SERVER_ERROR] = true as const;

  /**
   * @param message - What happened, what was expected, and what to do.
   * @param options - The code, the server name and the cause.
   */
  constructor(
    message: string,
    { code, serverName, option, toolNames, cause }: McpServerErrorOptions,
  ) {
    super({ code, message, cause });
    this.name = 'McpServerError';
    this.serverName = serverName;
    this.option = option;
    this.toolNames = toolNames;
  }

  /** True for an {@link McpServerError} from any copy of the package. */
  static override isInstance(error: unknown): error is McpServerError {
    return AgentError.hasMarker(error, MCP_SERVER_ERROR);
  }

  protected override details(): Record<string, unknown> {
    return {
      ...(this.serverName !== undefined ? { serverName: this.serverName } : {}),
      ...(this.option !== undefined ? { option: this.option } : {}),
      ...(this.toolNames !== undefined ? { toolNames: this.toolNames } : {}),
    };
  }
}

/**
 * What an MCP tool throws from `execute` when its call fails: the registry turns it into the
 * tool fault the model reads (`Error: tool "fs_read_file" failed: <message>`). Not an
 * `AgentError`: it never reaches the user as an exception.
 */
export class McpToolCallError extends Error {
  /**
   * - `tool_error`: the server answered with `isError: true`; the message is its text.
   * - `unavailable`: the server could not be reached; the call was not made.
   * - `connection_lost`: the connection broke during the call; it may or may not have run.
   * - `tool_changed`: the tool's definition changed on the server since it was handed out.
   * - `tool_removed`: the server no longer offers the tool.
   * - `protocol_error`: the server answered the call with a JSON-RPC error.
   */
  readonly kind:
    | 'tool_error'
    | 'unavailable'
    | 'connection_lost'
    | 'tool_changed'
    | 'tool_removed'
    | 'protocol_error';

  constructor(kind: McpToolCallError['kind'], message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    // The registry prefixes a fault with its error's name unless it is plain `Error`; the model
    // reads the server's own words better without a class name before them.
    this.name = 'Error';
    this.kind = kind;
  }
}
