/**
 * Benchmark: what checkpointing costs per turn, in process on `ScriptedModel` (no HTTP): the
 * same run with no run store, with `InMemoryRunStore` (which takes each checkpoint at once,
 * `saveNow`), with a subclass of it that saves through `save` (the path of any store of one's
 * own in memory: a copy per checkpoint and a promise to wait for) and with `FileRunStore` in a
 * temporary folder, timed in one sitting.
 *
 * @module
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, InMemoryRunStore, type RunSnapshot, type RunStore } from '@agentloop/core';
import { FileRunStore } from '@agentloop/core/node';
import type { ScriptedModel } from '@agentloop/core/testing';
import { type BenchResult, type BenchRow, fmt, median, now, rowsTable } from './stats.js';
import { lookupTool, turnsModel } from './turn-overhead.js';

/** Options of {@link runCheckpointCostBenchmark}. */
export interface CheckpointCostOptions {
  /** Turns per run (the last one is the answer). @default 10 */
  turns?: number;
  /** Timed runs per variant. @default 300 */
  runs?: number;
  /** Untimed runs of each variant first, so the JIT has settled. @default 100 */
  warmup?: number;
}

/** In memory, a checkpoint at every step must cost at most this much over no store. */
const TARGET_IN_MEMORY_RATIO = 1.05;

interface Variant {
  name: string;
  agent: Agent;
  model: ScriptedModel;
  store: RunStore | undefined;
  perTurnUs: number[];
}

/** `InMemoryRunStore` saving through `save`, as a subclass with its own `save` does. */
class SavingRunStore extends InMemoryRunStore {
  override save(snapshot: RunSnapshot): Promise<void> {
    return super.save(snapshot);
  }
}

function variant(name: string, turns: number, store: RunStore | undefined): Variant {
  const model = turnsModel(turns);
  const agent = new Agent({
    name: 'checkpoints',
    model,
    tools: [lookupTool],
    ...(store ? { runStore: store } : {}),
  });
  return { name, agent, model, store, perTurnUs: [] };
}

async function runOnce(v: Variant, turns: number, timed: boolean): Promise<void> {
  const started = now();
  const result = await v.agent.run('Look the keys up.');
  const elapsed = now() - started;
  if (result.turns !== turns)
    throw new Error(`${v.name}: expected ${turns} turns, got ${result.turns}`);
  if (timed) v.perTurnUs.push((elapsed * 1000) / turns);
  // Untimed: the stores and the model's request log stay as small as after the first run, so a
  // late run does not pay for a heap grown by the earlier ones.
  await v.store?.delete(result.runId);
  v.model.requests.length = 0;
}

/**
 * Runs the variants interleaved, each round in a rotated order, every other round reversed: each
 * variant follows each of the others as often, so neither drift on a busy machine nor what the
 * run before leaves behind (a FileRunStore run's idle waits, its garbage) favours one.
 *
 * @returns the median time per turn of each variant, in microseconds, in the order given.
 */
async function interleave(
  variants: Variant[],
  { turns, runs, warmup }: Required<CheckpointCostOptions>,
): Promise<number[]> {
  for (let i = 0; i < warmup + runs; i++) {
    const order = variants.map((_, k) => variants[(i + k) % variants.length] as Variant);
    if (i % 2 === 1) order.reverse();
    for (const v of order) await runOnce(v, turns, i >= warmup);
  }
  return variants.map((v) => median(v.perTurnUs));
}

/**
 * Measures the per-turn cost of a 10-turn run with no run store, with `InMemoryRunStore` and
 * with a subclass of it saving through `save`, interleaved; then, in the same sitting, no store
 * and `FileRunStore` (a temporary folder, removed afterwards), interleaved apart: a run that waits
 * for the disk leaves the machine idle and changes the timing of the run after it, which would
 * blur the small in-memory figures.
 *
 * @returns rows in microseconds per turn and the ratios to no store (target: in memory at most
 *   1.05 x).
 */
export async function runCheckpointCostBenchmark({
  turns = 10,
  runs = 300,
  warmup = 100,
}: CheckpointCostOptions = {}): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'agentloop-bench-runs-'));
  try {
    const options = { turns, runs, warmup };
    const [none, memory, saving] = (await interleave(
      [
        variant('no store', turns, undefined),
        variant('InMemoryRunStore', turns, new InMemoryRunStore()),
        variant('InMemoryRunStore through save', turns, new SavingRunStore()),
      ],
      options,
    )) as [number, number, number];
    const [noneBesideFile, file] = (await interleave(
      [
        variant('no store', turns, undefined),
        variant('FileRunStore', turns, new FileRunStore({ dir })),
      ],
      options,
    )) as [number, number];
    const memoryRatio = memory / none;
    const rows: BenchRow[] = [
      { name: 'per turn, no store', value: none, unit: 'us' },
      { name: 'per turn, InMemoryRunStore', value: memory, unit: 'us' },
      { name: 'per turn, InMemoryRunStore through save', value: saving, unit: 'us' },
      {
        name: 'InMemoryRunStore / no store',
        value: memoryRatio,
        unit: 'x',
        target: `<= ${TARGET_IN_MEMORY_RATIO}`,
        pass: memoryRatio <= TARGET_IN_MEMORY_RATIO,
      },
      { name: 'InMemoryRunStore through save / no store', value: saving / none, unit: 'x' },
      { name: 'per turn, no store (beside FileRunStore)', value: noneBesideFile, unit: 'us' },
      { name: 'per turn, FileRunStore (temp dir)', value: file, unit: 'us' },
      { name: 'FileRunStore / no store', value: file / noneBesideFile, unit: 'x' },
    ];
    const title = 'Checkpoint cost per turn (ScriptedModel, no HTTP)';
    const checkpoints = 1 + (turns - 1) * 4 + 2;
    const markdown = [
      `## ${title}`,
      '',
      rowsTable(rows),
      '',
      `Runs of ${turns} turns (${turns - 1} with one \`lookup\` call, then the answer) on \`ScriptedModel\`, as in the section above, on four agents: no \`runStore\`, \`new InMemoryRunStore()\`, a subclass of it whose \`save\` calls its parent's, and \`new FileRunStore({ dir })\` in a temporary folder. A run with a store checkpoints ${checkpoints} times (at the start; per tool turn when the reply arrives, before the tool starts, after it ends and at turn end; then the reply and the end of the answer turn), each time building a new snapshot that shares the frozen conversation and finished calls with the last. \`InMemoryRunStore\` takes each one at once (\`saveNow\`) and keeps it as it is, so the run waits for nothing; the subclass, like any store that saves its own way, gets each through \`save\`, which copies and freezes the parts that changed and returns a promise the run waits for; FileRunStore writes each checkpoint to a flushed temporary file renamed over the last. The runs of the first three agents are interleaved, each round in a rotated order and every other round reversed (so each follows each of the others as often); then, in the same sitting, a fresh agent without a store and the FileRunStore one, the same way: interleaved with the in-memory runs, a run that waits for the disk would change the timing of whichever run follows it. Medians over ${runs} runs of each after ${warmup} warm-up runs of each, divided by the turns. The ratios are of the medians, each to the no-store runs it was interleaved with. Between runs, untimed, the run is deleted from its store. FileRunStore's checkpoints add ${fmt((file - noneBesideFile) / 1000)} ms per turn, most of it waiting for the disk.`,
    ].join('\n');
    return { title, rows, markdown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
