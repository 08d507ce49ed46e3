import { Agent, type Model } from '@agentloop/core';
import type { McpServer } from '@agentloop/mcp';

/** What the example asks when no question is given. */
export const DEFAULT_DOCS_QUESTION = 'How do I install agentloop and use MCP servers?';

/**
 * An agent that answers from a folder through the filesystem server's tools: it may list,
 * read and search (prefixed `fs_`), and a write would wait for approval.
 *
 * @param options - `server` (connected to the folder), `folder` (named in the instructions),
 *   `model`.
 * @returns the agent.
 */
export async function createDocsAgent({
  server,
  folder,
  model,
}: {
  server: McpServer;
  folder: string;
  model: Model;
}): Promise<Agent> {
  const tools = await server.tools({
    prefix: true,
    include: ['list_directory', 'read_text_file', 'search_files', 'write_file'],
    needsApproval: ['write_file'],
  });
  return new Agent({
    name: 'docs',
    instructions: `You answer questions from the notes in ${folder}. List the folder, read the files that may hold the answer, and answer only from what they say, naming the file.`,
    model,
    tools,
  });
}
