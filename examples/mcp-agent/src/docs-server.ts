import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectMcpServer, type McpServer } from '@agentloop/mcp';

/** The example's own folder of notes, which the filesystem server is given. */
export const DOCS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs');

/**
 * The entry point of the reference filesystem server, installed with this example (so that it
 * starts offline: `npx -y @modelcontextprotocol/server-filesystem` would fetch it first).
 */
function filesystemServerEntry(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@modelcontextprotocol/server-filesystem/package.json');
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), Object.values(bin)[0] ?? 'dist/index.js');
}

/**
 * Starts `@modelcontextprotocol/server-filesystem` over stdio on `folder` (it refuses every
 * path outside it).
 *
 * @param folder - the one folder the server may read and write. @default DOCS_FOLDER
 * @returns the connected server; `close()` it when done.
 */
export function connectDocsServer(folder: string = DOCS_FOLDER): Promise<McpServer> {
  return connectMcpServer({
    name: 'fs',
    command: process.execPath,
    args: [filesystemServerEntry(), folder],
    // The server greets on stderr ("Secure MCP Filesystem Server running on stdio"): kept quiet.
    stderr: 'ignore',
  });
}
