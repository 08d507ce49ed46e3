import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';

export type { McpToolDefinition };

/** A server that pages forever is cut off after this many pages. */
const MAX_PAGES = 100;

/** Lists every tool of the server, following `nextCursor` page by page. */
export async function listAllTools(
  client: Client,
  timeoutMs: number,
): Promise<McpToolDefinition[]> {
  const tools: McpToolDefinition[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, {
      timeout: timeoutMs,
    });
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined || seen.has(cursor)) break;
    seen.add(cursor);
  }
  return tools;
}

/** JSON with object keys sorted, so that equal definitions give equal text. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What the model is shown of a tool, as one string: its description and input schema. Two
 * definitions with the same fingerprint are the same tool to the model.
 */
export function fingerprint(tool: McpToolDefinition): string {
  return stable({ description: tool.description ?? '', inputSchema: tool.inputSchema });
}

/** What changed between two listings, by the server's tool names. */
export function diffTools(
  before: ReadonlyMap<string, McpToolDefinition>,
  after: readonly McpToolDefinition[],
): { added: string[]; removed: string[]; changed: string[] } {
  const now = new Map(after.map((tool) => [tool.name, tool]));
  const added = after.filter((tool) => !before.has(tool.name)).map((tool) => tool.name);
  const removed = [...before.keys()].filter((name) => !now.has(name));
  const changed = after
    .filter((tool) => {
      const old = before.get(tool.name);
      return old !== undefined && fingerprint(old) !== fingerprint(tool);
    })
    .map((tool) => tool.name);
  return { added, removed, changed };
}
