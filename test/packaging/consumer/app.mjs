// A consumer of the packed packages, run by plain `node` (no tsx, no conditions): every entry
// point loads from dist/ and a small agent runs a custom tool, a built-in tool and memory.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Agent,
  AgentError,
  ConfigurationError,
  InMemoryRunStore,
  ModelError,
} from '@agentloop/core';
import { FileRunStore } from '@agentloop/core/node';
import { ScriptedModel } from '@agentloop/core/testing';
import { connectMcpServer, McpServerError } from '@agentloop/mcp';
import { InMemoryStore, TokenCounter, trimMessages } from '@agentloop/memory';
import { GEN_AI_SEMCONV_VERSION, otelMiddleware } from '@agentloop/otel';
import { jsonSchemaTool, ToolRegistry, tool } from '@agentloop/tools';
import { calculatorTool } from '@agentloop/tools/builtin';
import { z } from 'zod';

const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});
const model = new ScriptedModel([
  {
    toolCalls: [
      { name: 'add', arguments: { a: 2, b: 3 } },
      { name: 'calculator', arguments: { expression: 'sqrt(16)', angle: null } },
    ],
  },
  'The sum is 5 and the root is 4.',
]);
const store = new InMemoryStore();
const agent = new Agent({
  name: 'math',
  model,
  tools: [add, calculatorTool()],
  memory: { store, maxTokens: 16_000 },
});
const result = await agent.run('2 + 3, and the square root of 16?', { sessionId: 's1' });
// The run stores: a claim on a run in files (Node entry) and in memory (root).
const runs = mkdtempSync(join(tmpdir(), 'agentloop-consumer-runs-'));
const fileClaim = await new FileRunStore({ dir: runs }).claim('run_consumer');
const claimFiles = readdirSync(runs);
await fileClaim.release();
rmSync(runs, { recursive: true, force: true });
await (await new InMemoryRunStore().claim('run_consumer')).release();
const counter = new TokenCounter({ model: 'gpt-4o-mini' });
let misconfigured;
try {
  calculatorTool({ maxLength: 0 });
} catch (error) {
  misconfigured = error;
}
// @agentloop/mcp loads, and its misconfiguration is the same AgentError; a JSON-Schema tool validates with ajv.
const mcpError = await connectMcpServer({ name: '' }).catch((error) => error);
const echo = jsonSchemaTool({
  name: 'echo',
  description: '',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  execute: ({ text }) => text,
});
const echoed = await new ToolRegistry([echo]).execute({
  id: 'c',
  name: 'echo',
  arguments: '{"text":1}',
});
// Traced with the API alone (no SDK registered): the spans are no-ops and the run is unchanged.
const traced = await new Agent({
  name: 'traced',
  model: new ScriptedModel(['Traced.']),
  middleware: [otelMiddleware({ captureContent: true })],
}).run('hi');
const trimmed = trimMessages({ messages: result.messages, counter, maxTokens: 10_000 });

console.log(
  JSON.stringify({
    text: result.text,
    outputs: result.toolCalls.map((call) => call.outcome.output),
    stored: (await store.load('s1')).length,
    tokens: trimmed.tokens,
    strict: new ToolRegistry([add]).toOpenAITools()[0]?.function.strict,
    marker: AgentError.isInstance(new ModelError({ message: 'x', retryable: false })),
    // One @agentloop/protocol installed for all three: a tools error is core's AgentError.
    oneBase: misconfigured instanceof AgentError && ConfigurationError.isInstance(misconfigured),
    claimFiles,
    mcp: McpServerError.isInstance(mcpError) && mcpError instanceof AgentError && mcpError.code,
    jsonSchema: echoed.output.includes('text: expected string, received number'),
    traced: traced.text,
    semconv: GEN_AI_SEMCONV_VERSION,
    from: import.meta.resolve('@agentloop/core'),
  }),
);
