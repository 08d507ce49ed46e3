/**
 * Benchmark 6: cold start. A fresh `node` process imports `@agentloop/core` and finishes one run
 * on `ScriptedModel`; the figure is the wall time from spawn to exit. Measured on the sources
 * (tsx and the `source` condition, as the tests run) and, when `pnpm build` has produced it, on
 * `dist/`, which is what users get.
 *
 * @module
 */

import { lastJsonLine, runNode, SOURCE_FLAGS } from './child-process.js';
import { type BenchResult, type BenchRow, median, rowsTable } from './stats.js';

/** Options of {@link runColdStartBenchmark}. */
export interface ColdStartOptions {
  /** Timed spawns per variant. @default 5 */
  spawns?: number;
}

interface ChildFigures {
  importMs: number;
  runMs: number;
  sinceProcessStartMs: number;
}

const CHILD = 'bench/cold-start-child.mjs';
/** The sources as the tests run them, and the build output as users get it. */
const VARIANTS = [
  { name: 'sources (tsx, `--conditions=source`)', flags: [...SOURCE_FLAGS] },
  { name: 'dist/ (plain node)', flags: [] as string[] },
] as const;

async function spawnMany(flags: readonly string[], spawns: number) {
  const wall: number[] = [];
  const imports: number[] = [];
  const runs: number[] = [];
  for (let i = 0; i < spawns + 1; i++) {
    const outcome = await runNode([...flags, CHILD], { timeoutMs: 60_000 });
    const figures = lastJsonLine<ChildFigures>(outcome, 'the cold-start child');
    // The first spawn warms the OS file cache; it is not counted.
    if (i === 0) continue;
    wall.push(outcome.wallMs);
    imports.push(figures.importMs);
    runs.push(figures.runMs);
  }
  return { wall: median(wall), importMs: median(imports), runMs: median(runs) };
}

/**
 * Spawns the cold-start child `spawns` times per variant (after one uncounted spawn) and reports
 * the median wall time, the import time and the first run's time. The `dist/` variant is
 * reported as unavailable when the build output is missing or incomplete.
 */
export async function runColdStartBenchmark({
  spawns = 5,
}: ColdStartOptions = {}): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const empty: number[] = [];
  for (let i = 0; i < spawns; i++) {
    empty.push((await runNode(['-e', '0'], { timeoutMs: 10_000 })).wallMs);
  }
  for (const variant of VARIANTS) {
    try {
      const figures = await spawnMany(variant.flags, spawns);
      rows.push(
        { name: `${variant.name}: spawn to exit`, value: figures.wall, unit: 'ms' },
        { name: `${variant.name}: imports`, value: figures.importMs, unit: 'ms' },
        { name: `${variant.name}: first run`, value: figures.runMs, unit: 'ms' },
      );
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const reason = text.split('\n').find((line) => /\w*Error\b/.test(line)) ?? text;
      notes.push(
        `${variant.name}: not measured, the child failed (${reason.trim().slice(0, 200)}). Run \`pnpm build\` first to measure dist/.`,
      );
    }
  }
  rows.push({ name: 'empty `node -e 0` (for scale)', value: median(empty), unit: 'ms' });
  const title = 'Cold start';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `Median of ${spawns} spawns per variant after one uncounted spawn; the child (\`${CHILD}\`) imports \`@agentloop/core\`, \`@agentloop/core/testing\`, \`@agentloop/tools\` and zod, then runs one tool call and an answer.`,
    ...notes.map((note) => `\n${note}`),
  ].join('\n');
  return { title, rows, markdown };
}
