/**
 * Benchmark: the run queue on Redis. Queued throughput with 1, 2 and 4 worker processes on a
 * scripted model with 50 ms latency (runs per second, p50/p99 from enqueue to the terminal
 * event), and the latency the queue adds over the same run in-process.
 *
 * Alone: `npx -y pnpm@10 build && node --import tsx bench/queue-throughput.ts` (needs a Redis:
 * REDIS_URL, 127.0.0.1:6379, or a redis-server it can start). `QUEUE_BENCH_RUNS` sets the runs
 * per configuration (default 300),
 * `QUEUE_BENCH_CONCURRENCY` the runs at once per worker (default 2).
 *
 * @module
 */

import { cpus, loadavg } from 'node:os';
import { RunQueue } from '@agentloop/redis';
import { Redis } from 'ioredis';
import { countEnded, readRuns, startWorker, stopWorker } from '../test/redis/queue-processes.js';
import { removeKeys } from '../test/redis/queue-support.js';
import { findRedis, uniquePrefix } from '../test/support/redis.js';
import { DIST_FLAGS, SOURCE_FLAGS } from './child-process.js';
import { shopAgent } from './queue/queue-worker-child.js';
import { type BenchResult, type BenchRow, fmt, median, quantile } from './stats.js';

/** Options of {@link runQueueThroughputBenchmark}. */
export interface QueueThroughputOptions {
  /** Runs per configuration. @default 400 */
  runs?: number;
  /**
   * Runs at once in each worker process. @default 2: the load stays bound by the model's
   * latency, not by the CPU of a small machine, which is what the comparison is about.
   */
  concurrency?: number;
  /** Run the workers on the sources (tsx) instead of `dist/`. @default false */
  source?: boolean;
}

const LATENCY_MS = 50;

interface Figures {
  workers: number;
  runsPerSecond: number;
  p50: number;
  p99: number;
}

async function queued(
  url: string,
  workers: number,
  runs: number,
  concurrency: number,
  flags: readonly string[],
): Promise<Figures> {
  const prefix = uniquePrefix('bench');
  const config = { url, prefix, concurrency, latencyMs: LATENCY_MS, toolMs: 0 };
  const children = await Promise.all(
    Array.from({ length: workers }, () => startWorker(config, flags)),
  );
  const queue = new RunQueue({ connection: url, prefix });
  const poll = new Redis(url);
  try {
    const runIds = Array.from({ length: runs }, (_, i) => `bench-${i}`);
    const enqueuedAt = new Map<string, number>();
    const started = Date.now();
    await Promise.all(
      runIds.map(async (runId) => {
        enqueuedAt.set(runId, Date.now());
        await queue.enqueue({ agent: 'shop', input: `order ${runId}`, runId });
      }),
    );
    while ((await countEnded(poll, prefix, runIds)) < runs)
      await new Promise((r) => setTimeout(r, 100));
    const records = await readRuns(poll, prefix, runIds);
    const ends = records.map((r) => Number((r.events.at(-1)?.id ?? '0-0').split('-')[0]));
    const wall = Math.max(...ends) - started;
    const latencies = records.map((r, i) => (ends[i] ?? 0) - (enqueuedAt.get(r.runId) ?? 0));
    const failed = records.filter((r) => r.status !== 'completed').length;
    if (failed > 0) throw new Error(`${failed} runs did not complete`);
    return {
      workers,
      runsPerSecond: runs / (wall / 1000),
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
    };
  } finally {
    await Promise.all(children.map(stopWorker));
    await queue.close();
    poll.disconnect();
    await removeKeys(url, prefix);
  }
}

/** One run at a time, in-process and queued (one worker): the median of each, and the difference. */
async function addedLatency(url: string, flags: readonly string[], samples = 30) {
  const agent = shopAgent({ url, prefix: '', concurrency: 1, latencyMs: LATENCY_MS, toolMs: 0 });
  const inProcess: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await agent.run(`order in-${i}`);
    inProcess.push(performance.now() - t);
  }
  const prefix = uniquePrefix('bench');
  const child = await startWorker(
    { url, prefix, concurrency: 1, latencyMs: LATENCY_MS, toolMs: 0 },
    flags,
  );
  const queue = new RunQueue({ connection: url, prefix });
  const viaQueue: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      const { runId } = await queue.enqueue({ agent: 'shop', input: `order q-${i}` });
      await queue.result(runId);
      viaQueue.push(performance.now() - t);
    }
  } finally {
    await stopWorker(child);
    await queue.close();
    await removeKeys(url, prefix);
  }
  return { inProcess: median(inProcess), queued: median(viaQueue) };
}

/** Runs the benchmark. */
export async function runQueueThroughputBenchmark({
  runs = Number(process.env.QUEUE_BENCH_RUNS ?? 300),
  concurrency = Number(process.env.QUEUE_BENCH_CONCURRENCY ?? 2),
  source = false,
}: QueueThroughputOptions = {}): Promise<BenchResult> {
  const title = 'Run queue on Redis: throughput over worker processes';
  const redis = await findRedis();
  if (!redis.url) {
    return { title, rows: [], markdown: `## ${title}\n\nSkipped: ${redis.reason}.` };
  }
  const flags = source ? SOURCE_FLAGS : DIST_FLAGS;
  try {
    const figures: Figures[] = [];
    for (const workers of [1, 2, 4])
      figures.push(await queued(redis.url, workers, runs, concurrency, flags));
    const added = await addedLatency(redis.url, flags);
    const one = figures[0]?.runsPerSecond ?? Number.NaN;
    const four = figures[2]?.runsPerSecond ?? Number.NaN;
    const rows: BenchRow[] = [
      ...figures.flatMap((f) => [
        { name: `${f.workers} worker(s): throughput`, value: f.runsPerSecond, unit: 'runs/s' },
        { name: `${f.workers} worker(s): latency p50`, value: f.p50, unit: 'ms' },
        { name: `${f.workers} worker(s): latency p99`, value: f.p99, unit: 'ms' },
      ]),
      {
        name: '4 workers over 1',
        value: four / one,
        unit: 'x',
        target: '>= 3',
        pass: four / one >= 3,
      },
      { name: 'one run in-process (median)', value: added.inProcess, unit: 'ms' },
      { name: 'one run queued (median, enqueue to result)', value: added.queued, unit: 'ms' },
      { name: 'added by the queue', value: added.queued - added.inProcess, unit: 'ms' },
    ];
    const table = [
      '| workers | runs/s | p50 | p99 |',
      '| ---: | ---: | ---: | ---: |',
      ...figures.map(
        (f) => `| ${f.workers} | ${fmt(f.runsPerSecond)} | ${fmt(f.p50)} ms | ${fmt(f.p99)} ms |`,
      ),
    ].join('\n');
    const markdown = [
      `## ${title}`,
      '',
      table,
      '',
      `4 workers over 1: **${fmt(four / one)}x** (target >= 3). One run alone: ${fmt(added.inProcess)} ms in-process, ${fmt(added.queued)} ms through the queue (enqueue to \`result\`), so the queue adds **${fmt(added.queued - added.inProcess)} ms**.`,
      '',
      `Load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          ' / ',
        )} on ${cpus().length} cores. ${runs} runs enqueued at once per configuration; each worker is a process running ${concurrency} runs at a time with \`RedisRunStore\` checkpoints; each run is two model calls of ${LATENCY_MS} ms (ScriptedModel) around two tool calls. Latency is from enqueue to the terminal event in the run's stream.`,
    ].join('\n');
    return { title, rows, markdown };
  } finally {
    await redis.stop();
  }
}

if (process.argv[1]?.endsWith('queue-throughput.ts')) {
  const result = await runQueueThroughputBenchmark({
    source: process.env.QUEUE_BENCH_SOURCE === '1',
  });
  console.log(result.markdown);
}
