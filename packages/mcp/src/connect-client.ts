import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { McpServerError } from './errors.js';
import { httpStatusOf } from './http-status.js';
import type { McpHttpServerOptions, McpStdioServerOptions, ResolvedMcpOptions } from './options.js';
import type { StderrTail } from './stderr-tail.js';
import {
  httpTransport,
  type MadeTransport,
  stdioTransport,
  type TransportKind,
} from './transports.js';

/** One live connection: an initialized client over one transport (one child, one HTTP session). */
export interface ClientSession {
  readonly client: Client;
  readonly kind: TransportKind;
  readonly stderr: StderrTail | undefined;
}

/** What a session tells its owner. */
export interface SessionHooks {
  /** The transport closed (the child exited, the stream ended, `close()` was called). */
  onClose(session: ClientSession): void;
  /** The server sent `notifications/tools/list_changed`. */
  onToolsChanged(session: ClientSession): void;
}

/** How long closing an HTTP session (its DELETE) may take before the client is closed anyway. */
const TERMINATE_TIMEOUT_MS = 2000;

/** Describes where the server is, for messages: `stdio: npx -y server` or the URL. */
export function describeTarget(options: ResolvedMcpOptions): string {
  const server = options.server;
  if (server.command !== undefined) {
    const stdio = server as McpStdioServerOptions;
    return `stdio: ${[stdio.command, ...(stdio.args ?? [])].join(' ')}`;
  }
  return String((server as McpHttpServerOptions).url);
}

/** Whether a failed first request means "no streamable HTTP here" (a legacy SSE server answers 4xx). */
function isHttpClientError(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403;
}

/** The message of a failure, with its cause's when that says more. */
function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Opens one session: makes the transport, connects, and runs `initialize`, all within
 * `connectTimeoutMs`. On any failure the transport is closed (a child is ended) before the
 * error is thrown.
 *
 * @throws McpServerError `mcp_connect_timeout` or `mcp_connect_failed`.
 */
export async function openSession(
  options: ResolvedMcpOptions,
  hooks: SessionHooks,
): Promise<ClientSession> {
  const server = options.server;
  if (server.command !== undefined) {
    return attempt(options, stdioTransport(server as McpStdioServerOptions), hooks);
  }
  const http = server as McpHttpServerOptions;
  const mode = http.transport ?? 'auto';
  if (mode === 'sse') return attempt(options, await httpTransport(http, 'sse'), hooks);
  try {
    return await attempt(options, await httpTransport(http, 'streamable-http'), hooks);
  } catch (error) {
    // A legacy server has no POST endpoint at its URL: the spec's fallback is to try SSE there.
    if (mode === 'auto' && McpServerError.isInstance(error) && isHttpClientError(error.cause)) {
      return attempt(options, await httpTransport(http, 'sse'), hooks);
    }
    throw error;
  }
}

async function attempt(
  options: ResolvedMcpOptions,
  made: MadeTransport,
  hooks: SessionHooks,
): Promise<ClientSession> {
  const client = new Client(options.clientInfo, { capabilities: {} });
  const session: ClientSession = { client, kind: made.kind, stderr: made.stderr };
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    hooks.onToolsChanged(session);
  });
  client.onclose = () => hooks.onClose(session);
  // A failure after connect is seen by the calls it breaks; the SDK would otherwise log it.
  client.onerror = () => {};

  const { connectTimeoutMs } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new McpError(ErrorCode.RequestTimeout, 'connect timed out')),
      connectTimeoutMs,
    );
  });
  try {
    await Promise.race([client.connect(made.transport, { timeout: connectTimeoutMs }), deadline]);
    return session;
  } catch (error) {
    await closeSession(session).catch(() => {});
    throw connectError(options, made, error);
  } finally {
    clearTimeout(timer);
  }
}

function connectError(options: ResolvedMcpOptions, made: MadeTransport, error: unknown) {
  const target = describeTarget(options);
  const stderr = made.stderr?.text();
  const said = stderr ? ` Its stderr ended with:\n${stderr}` : '';
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new McpServerError(
      `MCP server "${options.name}" (${target}) did not answer initialize within ${options.connectTimeoutMs} ms. Check that it is an MCP server speaking ${made.kind}, or raise connectTimeoutMs.${said}`,
      { code: 'mcp_connect_timeout', serverName: options.name, cause: error },
    );
  }
  const reason = reasonOf(error);
  const hint =
    made.kind === 'stdio'
      ? /ENOENT/.test(reason)
        ? ' Check that the command exists and is on PATH.'
        : ' Check the command and its arguments: the server exited or closed its output before initializing.'
      : ' Check the URL, that the server is running, and the headers it needs.';
  return new McpServerError(
    `Could not connect to MCP server "${options.name}" (${target}) over ${made.kind}: ${reason}.${hint}${said}`,
    { code: 'mcp_connect_failed', serverName: options.name, cause: error },
  );
}

/**
 * Closes a session: ends an HTTP session with its DELETE (bounded), then closes the client,
 * which ends a stdio child (stdin closed, then SIGTERM, then SIGKILL).
 */
export async function closeSession(session: ClientSession): Promise<void> {
  const transport = session.client.transport;
  if (session.kind === 'streamable-http' && transport !== undefined) {
    const terminate = (
      transport as unknown as { terminateSession(): Promise<void> }
    ).terminateSession();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      terminate.catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, TERMINATE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
  }
  await session.client.close();
}
