/**
 * A consumer of the packed packages, type-checked by `tsc` against their `dist/*.d.ts` under
 * `moduleResolution` NodeNext and Bundler: tool arguments and the structured output are inferred.
 * The `@ts-expect-error` lines fail the check if an inferred type decays to `any`.
 */
import {
  Agent,
  type AgentEvent,
  InMemoryRunStore,
  openai,
  type RunResult,
  type RunStore,
} from '@agentloop/core';
import { FileRunStore } from '@agentloop/core/node';
import { ScriptedModel } from '@agentloop/core/testing';
import { type MemoryStore, TokenCounter, trimMessages } from '@agentloop/memory';
import { FileStore } from '@agentloop/memory/node';
import { otelMiddleware } from '@agentloop/otel';
import { type Tool, type ToolOutcome, ToolRegistry, tool } from '@agentloop/tools';
import { calculatorTool, weatherTool } from '@agentloop/tools/builtin';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';

const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number().optional() }),
  execute: ({ a, b }) => {
    const first: number = a;
    // @ts-expect-error b is `number | undefined`, inferred from the schema
    const second: number = b;
    return first + (second ?? 0);
  },
});
// @ts-expect-error the arguments are checked against the schema's type
add.execute({ a: 'two' }, undefined as never);

const tools: Tool[] = [add, calculatorTool(), weatherTool()];
const store: MemoryStore = new FileStore({ dir: '.sessions' });
const runStores: RunStore[] = [new FileRunStore({ dir: '.runs' }), new InMemoryRunStore()];
const agent = new Agent({
  name: 'math',
  model: process.env.OPENAI_API_KEY ? openai('gpt-4o-mini') : new ScriptedModel(['{"sum":2}']),
  tools,
  output: z.object({ sum: z.number() }),
  memory: { store, maxTokens: 16_000 },
  middleware: [otelMiddleware({ captureContent: false })],
});
agent.on('tool:end', (event) => {
  const outcome: ToolOutcome = event.outcome;
  void outcome;
});

export async function main(): Promise<number> {
  const result: RunResult<{ sum: number }> = await agent.run('2?');
  // @ts-expect-error output is `{ sum: number }`, not any
  const wrong: string = result.output.sum;
  void wrong;
  const events: AgentEvent[] = [];
  for await (const event of agent.stream('2?')) events.push(event);
  const messages: ChatCompletionMessageParam[] = result.messages;
  const counter = new TokenCounter({ model: 'gpt-4o' });
  trimMessages({ messages, counter, maxTokens: 1_000 });
  const saved = await runStores[0]?.load(result.runId);
  // @ts-expect-error a loaded snapshot's turn is a number
  const turn: string | undefined = saved?.turn;
  void turn;
  return result.output.sum + new ToolRegistry([add]).size;
}
