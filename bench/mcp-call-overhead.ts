/**
 * Benchmark: what one call of an MCP tool over stdio costs against a local function tool doing
 * the same work (echoing its argument), both through `ToolRegistry.execute` (parse, validate,
 * run, serialise). The MCP server is the fixture server on the official SDK, so both ends of the
 * pipe are the SDK's.
 *
 * @module
 */

import { fileURLToPath } from 'node:url';
import { connectMcpServer } from '@agentloop/mcp';
import { jsonSchemaTool, ToolRegistry } from '@agentloop/tools';
import { type BenchResult, type BenchRow, median, now, rowsTable } from './stats.js';

const FIXTURE = fileURLToPath(new URL('../test/mcp/fixtures/fixture-server.mjs', import.meta.url));

/** Options of {@link runMcpCallOverheadBenchmark}. */
export interface McpCallOverheadOptions {
  /** Timed calls of each tool. @default 500 */
  calls?: number;
  /** Untimed calls first. @default 100 */
  warmup?: number;
}

async function timeCalls(registry: ToolRegistry, calls: number, warmup: number): Promise<number> {
  const call = (i: number) => ({
    id: `call_${i}`,
    name: 'echo',
    arguments: JSON.stringify({ text: `hello ${i}` }),
  });
  for (let i = 0; i < warmup; i++) await registry.execute(call(i));
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = now();
    const outcome = await registry.execute(call(i));
    samples.push(now() - started);
    if (outcome.output !== `hello ${i}`) throw new Error(`unexpected output ${outcome.output}`);
  }
  return median(samples);
}

/**
 * Times sequential calls of `echo` as a local `jsonSchemaTool` and as the fixture server's MCP
 * tool over stdio, and reports the medians and their difference.
 */
export async function runMcpCallOverheadBenchmark({
  calls = 500,
  warmup = 100,
}: McpCallOverheadOptions = {}): Promise<BenchResult> {
  const local = new ToolRegistry([
    jsonSchemaTool<{ text: string }>({
      name: 'echo',
      description: 'Echoes the text back',
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string' } },
        required: ['text'],
      },
      execute: ({ text }) => text,
    }),
  ]);
  const server = await connectMcpServer({
    name: 'fixture',
    command: process.execPath,
    args: [FIXTURE],
    stderr: 'ignore',
  });
  let localMs: number;
  let mcpMs: number;
  try {
    const remote = new ToolRegistry(await server.tools({ include: ['echo'] }));
    localMs = await timeCalls(local, calls, warmup);
    mcpMs = await timeCalls(remote, calls, warmup);
  } finally {
    await server.close();
  }
  const rows: BenchRow[] = [
    { name: 'local function tool (jsonSchemaTool), per call', value: localMs * 1000, unit: 'us' },
    { name: 'MCP tool over stdio (SDK server), per call', value: mcpMs * 1000, unit: 'us' },
    { name: 'MCP overhead per call', value: (mcpMs - localMs) * 1000, unit: 'us' },
  ];
  const title = 'MCP tool call overhead (stdio)';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `Sequential calls of \`echo\` through \`ToolRegistry.execute\` (parse, validate with ajv, run, serialise): a local \`jsonSchemaTool\`, and the same tool on the fixture MCP server (\`test/mcp/fixtures/fixture-server.mjs\`, the official SDK's \`Server\`) over stdio through \`@agentloop/mcp\`. Medians of ${calls} calls each after ${warmup} warm-up calls.`,
  ].join('\n');
  return { title, rows, markdown };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await runMcpCallOverheadBenchmark()).markdown);
}
