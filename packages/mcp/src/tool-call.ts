import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ClientSession } from './connect-client.js';
import type { McpConnection } from './connection.js';
import { McpServerError, McpToolCallError } from './errors.js';
import { httpStatusOf } from './http-status.js';

/** What one call needs. */
export interface ToolCallRequest {
  connection: McpConnection;
  serverName: string;
  /** The tool's name on the server. */
  toolName: string;
  args: Record<string, unknown>;
  signal: AbortSignal;
  callTimeoutMs: number;
}

/**
 * Whether a failed request shows the session is gone on the server's side, so the request was
 * never run: an HTTP session answered 404 (the spec's "session expired"), or 400 naming the
 * session (what servers that restarted answer, the reference servers among them).
 */
function sessionGone(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) {
    return status === 404 || (status === 400 && /session/i.test((error as Error).message));
  }
  // The legacy SSE transport's POST failure.
  return error instanceof Error && /\(HTTP 404\)|HTTP 400\).*session/i.test(error.message);
}

async function send(session: ClientSession, request: ToolCallRequest): Promise<CallToolResult> {
  const result = await session.client.callTool(
    { name: request.toolName, arguments: request.args },
    undefined,
    {
      signal: request.signal,
      timeout: request.callTimeoutMs,
      // Progress notifications keep a long call alive; asking for them is what lets them come.
      resetTimeoutOnProgress: true,
      onprogress: () => {},
    },
  );
  return result as CallToolResult;
}

/**
 * Calls a tool on the server through the shared connection. A lost connection is made again
 * first (bounded, see `McpConnection.session`); a request refused because the HTTP session
 * expired is sent once more on a new session, since it never ran.
 *
 * @throws McpToolCallError for every failure, which the model sees as the tool's fault; the
 *   signal's reason when the run aborted the call (the SDK has then sent
 *   `notifications/cancelled` to the server).
 */
export async function callMcpTool(request: ToolCallRequest): Promise<CallToolResult> {
  const { connection, signal } = request;
  for (let attempt = 1; ; attempt++) {
    let session: ClientSession;
    try {
      session = await connection.session(signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw unavailable(request, error);
    }
    try {
      return await send(session, request);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (attempt === 1 && sessionGone(error)) {
        connection.drop(session);
        continue;
      }
      throw callFailed(request, session, error);
    }
  }
}

function unavailable(request: ToolCallRequest, error: unknown): McpToolCallError {
  const reason = McpServerError.isInstance(error)
    ? error.message
    : `MCP server "${request.serverName}" is unavailable: ${String(error)}`;
  return new McpToolCallError(
    'unavailable',
    `${reason} The call to "${request.toolName}" was not made; try again later or continue without it.`,
    error,
  );
}

function callFailed(
  request: ToolCallRequest,
  session: ClientSession,
  error: unknown,
): McpToolCallError {
  const { serverName, toolName } = request;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new McpToolCallError(
      'protocol_error',
      `MCP server "${serverName}" did not answer the call to "${toolName}" within ${request.callTimeoutMs} ms; it was cancelled. Try again with a smaller request, or continue without it.`,
      error,
    );
  }
  if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) {
    return new McpToolCallError(
      'protocol_error',
      `MCP server "${serverName}" refused the call to "${toolName}": ${error.message}`,
      error,
    );
  }
  // The connection broke under the call: it may have run. It is not repeated (the tool may not
  // be safe to run twice); the next call reconnects.
  request.connection.drop(session);
  const stderr = session.stderr?.text();
  return new McpToolCallError(
    'connection_lost',
    `the connection to MCP server "${serverName}" was lost during the call to "${toolName}" (${error instanceof Error ? error.message : String(error)}); it may or may not have run. Check before calling it again.${stderr ? ` The server's stderr ended with: ${stderr.slice(-300)}` : ''}`,
    error,
  );
}
