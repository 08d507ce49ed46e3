import { McpServer } from './mcp-server.js';
import { type McpServerOptions, resolveOptions } from './options.js';

/**
 * Connects to an MCP server, over stdio (`command`) or HTTP (`url`: streamable HTTP, falling
 * back to the legacy SSE transport), initializes it and lists its tools.
 *
 * The server object holds one connection for every tool it hands out, however many agents and
 * concurrent runs use them. When the connection is lost (the child died, the HTTP session
 * expired), the next call connects again: `reconnect.maxAttempts` tries with doubling delays;
 * a call that still cannot be made is a tool fault the model reads. `close()` ends it.
 *
 * @param options - `name`, and `command` with `args`, `env`, `cwd`, `stderr` (stdio) or `url`
 *   with `headers`, `fetch`, `transport` (HTTP); `connectTimeoutMs` (10 s), `callTimeoutMs`
 *   (60 s), `reconnect`, `clientInfo`.
 * @returns The connected server.
 * @throws McpServerError `invalid_config`, `mcp_connect_failed` (the child exited, the URL
 *   refused), `mcp_connect_timeout` (no answer to `initialize`) or `mcp_list_failed`.
 * @example
 * ```ts
 * const fs = await connectMcpServer({
 *   name: 'fs',
 *   command: 'npx',
 *   args: ['-y', '@modelcontextprotocol/server-filesystem', './docs'],
 * });
 * const agent = new Agent({ name: 'librarian', model, tools: await fs.tools() });
 * // ...
 * await fs.close();
 * ```
 */
export async function connectMcpServer(options: McpServerOptions): Promise<McpServer> {
  const server = new McpServer(resolveOptions(options));
  try {
    await server.start();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}
