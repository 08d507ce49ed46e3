import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpHttpServerOptions, McpStdioServerOptions } from './options.js';
import { StderrTail } from './stderr-tail.js';

/** Which transport a connection uses. */
export type TransportKind = 'stdio' | 'streamable-http' | 'sse';

/** A transport, made but not started, and what the connection needs to know of it. */
export interface MadeTransport {
  kind: TransportKind;
  transport: Transport;
  /** For stdio: the end of the child's stderr, for error messages. */
  stderr?: StderrTail | undefined;
}

/**
 * A stdio transport. Its stderr is always piped, so that the last lines the child wrote can be
 * quoted when it dies; it is copied on to this process's stderr unless `stderr` says otherwise.
 */
export function stdioTransport(options: McpStdioServerOptions): MadeTransport {
  const transport = new StdioClientTransport({
    command: options.command,
    args: [...(options.args ?? [])],
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    stderr: 'pipe',
  });
  const tail = new StderrTail(options.stderr ?? 'inherit');
  const stream = transport.stderr;
  if (stream !== null) tail.follow(stream);
  return { kind: 'stdio', transport, stderr: tail };
}

/**
 * The HTTP transports are loaded when a server is reached by URL: they import
 * `eventsource-parser`, whose `source` export condition points at TypeScript sources, so a
 * program run with `--conditions=source` (a common name in monorepos) could not even load this
 * package if they were imported up front; a stdio server needs neither.
 *
 * The legacy SSE transport's module, loaded when first needed. Its specifier is a variable so
 * that TypeScript does not read its types: they reach `eventsource-parser`, whose `source`
 * export condition (the condition this workspace type-checks with) points at sources that do
 * not compile here.
 */
const SSE_MODULE: string = '@modelcontextprotocol/sdk/client/sse.js';

type SSEClientTransportClass = new (
  url: URL,
  options: { requestInit?: RequestInit; fetch?: typeof fetch; eventSourceInit?: object },
) => Transport;

/** A streamable-HTTP or legacy-SSE transport. */
export async function httpTransport(
  options: McpHttpServerOptions,
  kind: 'streamable-http' | 'sse',
): Promise<MadeTransport> {
  const url = new URL(options.url);
  const requestInit: RequestInit =
    options.headers !== undefined ? { headers: { ...options.headers } } : {};
  const common = {
    requestInit,
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  };
  if (kind === 'sse') {
    const headers = options.headers;
    // The event stream is opened by `eventsource`, which takes headers through its own fetch.
    const eventSourceInit =
      headers === undefined
        ? undefined
        : {
            fetch: (input: string | URL | Request, init?: RequestInit) =>
              (options.fetch ?? fetch)(input, {
                ...init,
                headers: { ...(init?.headers as Record<string, string>), ...headers },
              }),
          };
    const { SSEClientTransport } = (await import(SSE_MODULE)) as {
      SSEClientTransport: SSEClientTransportClass;
    };
    return {
      kind,
      transport: new SSEClientTransport(url, {
        ...common,
        ...(eventSourceInit !== undefined ? { eventSourceInit } : {}),
      }),
    };
  }
  const { StreamableHTTPClientTransport } = await import(
    '@modelcontextprotocol/sdk/client/streamableHttp.js'
  );
  return { kind, transport: new StreamableHTTPClientTransport(url, common) };
}
