/**
 * What calling an agent through `agent.asTool()` costs, against a tool that calls the same agent
 * directly (`child.run(input)` in its `execute`): the parent's runs are the same two turns (call
 * the child, answer) on `ScriptedModel`, and the child answers in one turn. The difference per
 * run is what `asTool` adds to one call: the child run linked to its parent (signal, context,
 * budget), its events passed up the tree, its usage added to the parent's.
 *
 * Alone: `node --import tsx bench/as-tool-overhead.ts` (after `npx -y pnpm@10 build`).
 *
 * @module
 */

import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { type AnyTool, tool } from '@agentloop/tools';
import { z } from 'zod';
import { type BenchResult, type BenchRow, median, now, rowsTable } from './stats.js';

/** Options of {@link runAsToolOverheadBenchmark}. */
export interface AsToolOverheadOptions {
  /** Timed runs per variant, per round. @default 200 */
  runs?: number;
  /** Rounds, each variant once per round in a rotated order. @default 5 */
  rounds?: number;
  /** Untimed runs of each variant first, so the JIT has settled. @default 200 */
  warmup?: number;
}

const TARGET_US = 150;
/** Usage as a provider reports it: without it ScriptedModel counts with tiktoken (the model's work). */
const USAGE = { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 };

/** A child that answers at once. */
function childAgent(): Agent {
  return new Agent({
    name: 'child',
    model: new ScriptedModel(() => ({ content: 'child answer', usage: USAGE })),
  });
}

/** A parent whose model calls `ask` once, then answers. */
function parentAgent(ask: AnyTool): Agent {
  return new Agent({
    name: 'parent',
    model: new ScriptedModel((request) =>
      request.messages.some((m) => m.role === 'tool')
        ? { content: 'done', usage: USAGE }
        : { toolCalls: [{ name: 'ask', arguments: { input: 'question' } }], usage: USAGE },
    ),
    tools: [ask],
  });
}

async function timeRuns(agent: Agent, runs: number): Promise<number[]> {
  const perRunUs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = now();
    const result = await agent.run('Ask the child.');
    perRunUs.push((now() - started) * 1000);
    if (result.text !== 'done') throw new Error(`unexpected answer: ${result.text}`);
  }
  return perRunUs;
}

/**
 * Measures a parent run calling its child through `asTool` and through a plain tool running the
 * child directly, interleaved round by round, and the child run alone for scale.
 *
 * @returns rows in microseconds per run and the overhead of `asTool` per call.
 */
export async function runAsToolOverheadBenchmark({
  runs = 200,
  rounds = 5,
  warmup = 200,
}: AsToolOverheadOptions = {}): Promise<BenchResult> {
  const directChild = childAgent();
  const direct = parentAgent(
    tool({
      name: 'ask',
      description: 'Asks the child',
      parameters: z.object({ input: z.string() }),
      execute: async ({ input }) => (await directChild.run(input)).text,
    }),
  );
  const viaAsTool = parentAgent(
    childAgent().asTool({ name: 'ask', description: 'Asks the child' }),
  );
  const alone = childAgent();
  const variants = { direct, viaAsTool };
  for (const agent of Object.values(variants)) await timeRuns(agent, warmup);
  for (let i = 0; i < warmup; i++) await alone.run('question');

  const samples = { direct: [] as number[], viaAsTool: [] as number[] };
  const ratios: number[] = [];
  const names = Object.keys(variants) as (keyof typeof variants)[];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    const medians: Record<string, number> = {};
    for (const name of order) {
      const taken = await timeRuns(variants[name], runs);
      samples[name].push(...taken);
      medians[name] = median(taken);
    }
    ratios.push((medians.viaAsTool ?? 0) / (medians.direct ?? 1));
  }
  const childUs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = now();
    await alone.run('question');
    childUs.push((now() - started) * 1000);
  }

  const directUs = median(samples.direct);
  const asToolUs = median(samples.viaAsTool);
  const overheadUs = asToolUs - directUs;
  const rows: BenchRow[] = [
    { name: 'child run alone (one turn)', value: median(childUs), unit: 'us', target: 'reported' },
    {
      name: 'parent run, plain tool calling child.run()',
      value: directUs,
      unit: 'us',
      target: 'reported',
    },
    { name: 'parent run, child.asTool()', value: asToolUs, unit: 'us', target: 'reported' },
    {
      name: 'asTool overhead per call',
      value: overheadUs,
      unit: 'us',
      target: `<= ${TARGET_US} us`,
      pass: overheadUs <= TARGET_US,
    },
    {
      name: 'ratio asTool / direct (median of rounds)',
      value: median(ratios),
      unit: 'x',
      target: 'reported',
    },
  ];
  const title = 'agent.asTool() overhead per call (ScriptedModel, no HTTP)';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `A parent run of two turns (call \`ask\`, answer) whose \`ask\` runs a one-turn child agent: through \`child.asTool()\`, or a plain \`tool()\` whose \`execute\` awaits \`child.run(input)\`. ${rounds} rounds of ${runs} runs per variant, alternating the order, after ${warmup} warm-up runs each; medians. The difference is what \`asTool\` adds to one call (the linked child run, its events passed up, usage summed).`,
  ].join('\n');
  return { title, rows, markdown };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runAsToolOverheadBenchmark();
  console.log(result.markdown);
}
