/**
 * Benchmark 2: what one turn of the loop costs in process, on `ScriptedModel` (no HTTP), with
 * and without memory (token counting and trimming to a budget).
 *
 * @module
 */

import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { z } from 'zod';
import { type BenchResult, type BenchRow, median, now, rowsTable } from './stats.js';

/** Options of {@link runTurnOverheadBenchmark}. */
export interface TurnOverheadOptions {
  /** Turns per run (the last one is the answer). @default 10 */
  turns?: number;
  /** Timed runs per variant. @default 300 */
  runs?: number;
  /** Untimed runs first, so the JIT has settled. @default 100 */
  warmup?: number;
}

const TARGET_PLAIN_US = 100;
const TARGET_MEMORY_US = 500;

/** The tool every turn calls (shared with the checkpoint-cost benchmark). */
export const lookupTool = tool({
  name: 'lookup',
  description: 'Looks a key up',
  parameters: z.object({ key: z.string() }),
  execute: async ({ key }) => ({ key, value: key.length }),
});

/**
 * The usage each reply reports, as a provider does: without it ScriptedModel would count the
 * request with tiktoken, which is the model's work, not the loop's.
 */
const USAGE = { prompt_tokens: 120, completion_tokens: 12, total_tokens: 132 };

/** A model that calls `lookup` once per turn, then answers on the last turn. */
export function turnsModel(turns: number): ScriptedModel {
  return new ScriptedModel((request) => {
    const assistantTurns = request.messages.filter((m) => m.role === 'assistant').length;
    if (assistantTurns + 1 >= turns) return { content: 'Done.', usage: USAGE };
    return {
      toolCalls: [{ name: 'lookup', arguments: { key: `k${assistantTurns}` } }],
      usage: USAGE,
    };
  });
}

async function measure(agent: Agent, turns: number, runs: number, warmup: number) {
  for (let i = 0; i < warmup; i++) await agent.run('Look the keys up.');
  const perTurnUs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = now();
    const result = await agent.run('Look the keys up.');
    const elapsed = now() - started;
    if (result.turns !== turns) throw new Error(`expected ${turns} turns, got ${result.turns}`);
    perTurnUs.push((elapsed * 1000) / turns);
  }
  return median(perTurnUs);
}

/**
 * Measures the in-process cost of a turn (model call on `ScriptedModel`, one tool call, events,
 * bookkeeping) without memory and with `memory: { maxTokens }` (every request counted and
 * trimmed to the budget).
 *
 * @returns rows in microseconds per turn, with the targets (100 us and 500 us).
 */
export async function runTurnOverheadBenchmark({
  turns = 10,
  runs = 300,
  warmup = 100,
}: TurnOverheadOptions = {}): Promise<BenchResult> {
  const plain = new Agent({ name: 'plain', model: turnsModel(turns), tools: [lookupTool] });
  const withMemory = new Agent({
    name: 'memory',
    model: turnsModel(turns),
    tools: [lookupTool],
    memory: { maxTokens: 8_000 },
  });
  // A model whose `requests` log grows without bound would skew late runs; a fresh agent per
  // variant keeps the log bounded to one variant's runs.
  const plainUs = await measure(plain, turns, runs, warmup);
  const memoryUs = await measure(withMemory, turns, runs, warmup);
  const rows: BenchRow[] = [
    {
      name: 'per turn, no memory',
      value: plainUs,
      unit: 'us',
      target: `<= ${TARGET_PLAIN_US} us`,
      pass: plainUs <= TARGET_PLAIN_US,
    },
    {
      name: 'per turn, memory: { maxTokens } (token counting + trimming)',
      value: memoryUs,
      unit: 'us',
      target: `<= ${TARGET_MEMORY_US} us`,
      pass: memoryUs <= TARGET_MEMORY_US,
    },
  ];
  const title = 'In-process overhead per turn (ScriptedModel, no HTTP)';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `Runs of ${turns} turns (${turns - 1} with one \`lookup\` call, then the answer) on \`ScriptedModel\`; median over ${runs} runs after ${warmup} warm-up runs, divided by the turns. The figure includes \`ScriptedModel\`'s own work (it clones and records every request).`,
  ].join('\n');
  return { title, rows, markdown };
}
