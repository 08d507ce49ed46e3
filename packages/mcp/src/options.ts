import { McpServerError } from './errors.js';

/** How reconnection is bounded: attempts per failure and the delays between them. */
export interface McpReconnectOptions {
  /** Attempts to connect again after the connection is lost, before a call fails. @default 3 */
  maxAttempts?: number | undefined;
  /** The delay before the second attempt; it doubles after each. @default 100 */
  initialDelayMs?: number | undefined;
  /** The longest delay between two attempts. @default 2000 */
  maxDelayMs?: number | undefined;
}

/** Options every server takes, whatever its transport. */
export interface McpCommonOptions {
  /**
   * The server's name: in errors, in events, and the prefix of its tool names when `tools()` is
   * asked for one (`fs` gives `fs_read_file`).
   */
  name: string;
  /** How long connecting (starting the server and `initialize`) may take. @default 10_000 */
  connectTimeoutMs?: number | undefined;
  /**
   * How long one tool call may wait for its result; progress notifications from the server
   * restart the clock. A tool's own `timeoutMs` (or the registry's) still applies. @default 60_000
   */
  callTimeoutMs?: number | undefined;
  /** How reconnection after a lost connection is bounded. */
  reconnect?: McpReconnectOptions | undefined;
  /** The client name and version sent in `initialize`. @default { name: 'agentloop', version: '0.1.0' } */
  clientInfo?: { name: string; version: string } | undefined;
}

/** A server started as a child process, spoken to over its stdin and stdout. */
export interface McpStdioServerOptions extends McpCommonOptions {
  /** The program to run (`npx`, `node`, `uvx`, a path). */
  command: string;
  /** Its arguments. */
  args?: readonly string[] | undefined;
  /**
   * Environment variables, on top of a safe default set (`PATH`, `HOME`, ...; the SDK's
   * `getDefaultEnvironment()`): the rest of this process's environment is not passed on.
   */
  env?: Record<string, string> | undefined;
  /** The child's working directory. @default this process's */
  cwd?: string | undefined;
  /**
   * Whether the child's stderr is copied to this process's stderr (`'inherit'`) or not
   * (`'ignore'`). Either way its last lines are quoted when the server fails. @default 'inherit'
   */
  stderr?: 'inherit' | 'ignore' | undefined;
  url?: undefined;
}

/** A server reached over HTTP: streamable HTTP, falling back to the legacy SSE transport. */
export interface McpHttpServerOptions extends McpCommonOptions {
  /** The endpoint (`https://example.com/mcp`, or the `/sse` endpoint of a legacy server). */
  url: string | URL;
  /** Headers sent with every request (`Authorization`, ...). */
  headers?: Record<string, string> | undefined;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch | undefined;
  /**
   * `'auto'`: streamable HTTP, then the legacy SSE transport when the server answers the first
   * request with a 4xx status; or either one only. @default 'auto'
   */
  transport?: 'auto' | 'streamable-http' | 'sse' | undefined;
  command?: undefined;
}

/** What `connectMcpServer` takes: a command (stdio) or a URL (HTTP). */
export type McpServerOptions = McpStdioServerOptions | McpHttpServerOptions;

/** The options with their defaults, checked once. */
export interface ResolvedMcpOptions {
  name: string;
  connectTimeoutMs: number;
  callTimeoutMs: number;
  reconnect: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  clientInfo: { name: string; version: string };
  server: McpServerOptions;
}

const fail = (name: string | undefined, option: string, message: string): never => {
  throw new McpServerError(
    `Invalid ${option}${name ? ` for MCP server "${name}"` : ''}: ${message}`,
    { code: 'invalid_config', serverName: name, option },
  );
};

function positive(
  name: string,
  option: string,
  value: unknown,
  fallback: number,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (value === 0 && !allowZero)
  ) {
    fail(name, option, `expected a positive number, received ${String(value)}.`);
  }
  return value as number;
}

/**
 * Checks `connectMcpServer`'s options and fills in the defaults.
 *
 * @throws McpServerError `invalid_config`, naming the option.
 */
export function resolveOptions(options: McpServerOptions): ResolvedMcpOptions {
  if (typeof options !== 'object' || options === null) {
    return fail(
      undefined,
      'options',
      `expected { name, command } or { name, url }, received ${String(options)}.`,
    );
  }
  const { name } = options;
  if (typeof name !== 'string' || name === '') {
    fail(
      undefined,
      'name',
      `expected a non-empty string naming the server, received ${JSON.stringify(name)}.`,
    );
  }
  const hasCommand = options.command !== undefined;
  const hasUrl = options.url !== undefined;
  if (hasCommand === hasUrl) {
    fail(
      name,
      hasCommand ? 'url' : 'command',
      hasCommand
        ? 'give either command (a stdio server) or url (an HTTP server), not both.'
        : 'expected command (a stdio server) or url (an HTTP server), received neither.',
    );
  }
  if (hasCommand) {
    const stdio = options as McpStdioServerOptions;
    if (typeof stdio.command !== 'string' || stdio.command === '') {
      fail(name, 'command', `expected the program to run, received ${String(stdio.command)}.`);
    }
    if (
      stdio.args !== undefined &&
      (!Array.isArray(stdio.args) || stdio.args.some((a) => typeof a !== 'string'))
    ) {
      fail(name, 'args', 'expected an array of strings.');
    }
  } else {
    const http = options as McpHttpServerOptions;
    try {
      const url = new URL(http.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(url.protocol);
    } catch {
      fail(name, 'url', `expected an http: or https: URL, received ${String(http.url)}.`);
    }
  }
  const reconnect = options.reconnect ?? {};
  return {
    name,
    connectTimeoutMs: positive(name, 'connectTimeoutMs', options.connectTimeoutMs, 10_000),
    callTimeoutMs: positive(name, 'callTimeoutMs', options.callTimeoutMs, 60_000),
    reconnect: {
      maxAttempts: positive(name, 'reconnect.maxAttempts', reconnect.maxAttempts, 3, true),
      initialDelayMs: positive(
        name,
        'reconnect.initialDelayMs',
        reconnect.initialDelayMs,
        100,
        true,
      ),
      maxDelayMs: positive(name, 'reconnect.maxDelayMs', reconnect.maxDelayMs, 2000, true),
    },
    clientInfo: options.clientInfo ?? { name: 'agentloop', version: '0.1.0' },
    server: options,
  };
}
