/**
 * Runs every benchmark and writes `bench/RESULTS.md`.
 *
 * Usage: `pnpm bench` (`pnpm build && node --import tsx bench/run.ts`). The benchmarks import the
 * built packages (`dist/`, what users install): tsx, which the sources need, wraps every function
 * it creates in a naming helper, and that alone doubles the loop's in-process cost. To add a
 * benchmark, add its module to `benchmarks`: a function resolving to `{ title, markdown }`.
 *
 * @module
 */

import { readFile, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { runAsToolOverheadBenchmark } from './as-tool-overhead.js';
import { runCheckpointCostBenchmark } from './checkpoint-cost.js';
import { runColdStartBenchmark } from './cold-start.js';
import { CRASH_SECTION_TITLE, extractSection } from './crash/crash-report.js';
import { runInspectorPageBenchmark } from './inspector-page.js';
import { runLoopOverheadBenchmark } from './loop-overhead.js';
import { runMcpCallOverheadBenchmark } from './mcp-call-overhead.js';
import { runMemoryBenchmark } from './memory.js';
import { runOtelOverheadBenchmark } from './otel-overhead.js';
import { runParallelSpeedupBenchmark } from './parallel-speedup.js';
import { PEERS_SECTION_TITLE } from './peers.js';
import { runQueueThroughputBenchmark } from './queue-throughput.js';
import { runRateLimitBenchmark } from './rate-limits.js';
import { requireBuild } from './require-build.js';
import { runScaleBenchmark } from './scale.js';
import type { BenchResult } from './stats.js';
import { runTurnOverheadBenchmark } from './turn-overhead.js';

/** What run.ts needs of each benchmark: its title and its section of RESULTS.md. */
const benchmarks: Array<() => Promise<Pick<BenchResult, 'title' | 'markdown'>>> = [
  () => runLoopOverheadBenchmark(),
  () => runTurnOverheadBenchmark(),
  () => runCheckpointCostBenchmark(),
  () => runAsToolOverheadBenchmark(),
  () => runOtelOverheadBenchmark(),
  () => runParallelSpeedupBenchmark(),
  () => runScaleBenchmark(),
  runMemoryBenchmark,
  () => runColdStartBenchmark(),
  () => runMcpCallOverheadBenchmark(),
  () => runInspectorPageBenchmark(),
  () => runRateLimitBenchmark(),
  () => runQueueThroughputBenchmark(),
];

await requireBuild();

const sections: string[] = [];
for (const run of benchmarks) {
  const result = await run();
  console.log(`${result.markdown}\n`);
  sections.push(result.markdown);
}

const cpu = cpus();
const header = [
  '# Benchmark results',
  '',
  `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}`,
  `- Node.js: ${process.version}`,
  `- Date: ${new Date().toISOString()}`,
  '',
  'Written by `pnpm bench` (bench/run.ts) on the built packages (`dist/`, what users install). Timings are medians of repeated runs.',
  '',
  '',
];
const file = new URL('./RESULTS.md', import.meta.url);
// The crash harness (`pnpm bench:crash`, minutes long) writes its own section: keep it.
const previous = await readFile(file, 'utf8').catch(() => '');
const crash = extractSection(previous, CRASH_SECTION_TITLE);
if (crash) sections.push(crash);
// So does the comparison with the peers (`pnpm bench:peers`, about ten minutes, npm installs).
const peers = extractSection(previous, PEERS_SECTION_TITLE);
if (peers) sections.push(peers);
await writeFile(file, `${header.join('\n')}${sections.join('\n\n')}\n`);
console.log(`Wrote ${file.pathname}`);
