/**
 * Benchmark 3: eight tools of 100 ms each asked for in one turn should take about 100 ms in all,
 * not 800 ms: the loop runs a turn's calls concurrently.
 *
 * @module
 */

import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { z } from 'zod';
import { type BenchResult, type BenchRow, median, rowsTable, sample } from './stats.js';

/** Options of {@link runParallelSpeedupBenchmark}. */
export interface ParallelSpeedupOptions {
  /** Tool calls in the turn. @default 8 */
  calls?: number;
  /** How long each tool takes, in ms. @default 100 */
  toolMs?: number;
  /** Timed runs. @default 7 */
  runs?: number;
}

/**
 * Runs one turn of `calls` tools that each sleep `toolMs`, then the answer, on `ScriptedModel`.
 *
 * @returns the median wall time next to the limit (`toolMs`) and the serial time, and the speedup.
 */
export async function runParallelSpeedupBenchmark({
  calls = 8,
  toolMs = 100,
  runs = 7,
}: ParallelSpeedupOptions = {}): Promise<BenchResult> {
  const slow = tool({
    name: 'slow',
    description: `Takes ${toolMs} ms`,
    parameters: z.object({ i: z.number() }),
    execute: ({ i }, { signal }) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => resolve(i), toolMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      }),
  });
  const model = new ScriptedModel((request) =>
    request.messages.some((m) => m.role === 'tool')
      ? 'All done.'
      : {
          toolCalls: Array.from({ length: calls }, (_, i) => ({ name: 'slow', arguments: { i } })),
        },
  );
  const agent = new Agent({ name: 'parallel', model, tools: [slow], toolConcurrency: calls });
  const samples = await sample(
    async () => {
      const result = await agent.run('Run them all.');
      if (result.toolCalls.filter((c) => c.outcome.ok).length !== calls) {
        throw new Error('a tool call failed during the parallel benchmark');
      }
    },
    { iterations: runs, warmup: 1 },
  );
  const wall = median(samples);
  const serial = calls * toolMs;
  const rows: BenchRow[] = [
    {
      name: `wall time, ${calls} tools of ${toolMs} ms in one turn`,
      value: wall,
      unit: 'ms',
      target: `~${toolMs} ms (the limit); serial would be ${serial} ms`,
      pass: wall < toolMs * 1.5,
    },
    { name: 'overhead above the limit', value: wall - toolMs, unit: 'ms' },
    { name: 'speedup over serial', value: serial / wall, unit: 'x', target: `ideal ${calls} x` },
  ];
  const title = 'Parallel tool speedup';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `\`toolConcurrency: ${calls}\`; median of ${runs} runs after one warm-up. "met" means under 1.5 x the limit.`,
  ].join('\n');
  return { title, rows, markdown };
}
