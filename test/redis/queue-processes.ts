/**
 * What the multi-process queue proofs use: worker processes (bench/queue/queue-worker-child.ts)
 * started and killed, a redis-server of the test's own with an append-only file (so a restart
 * loses nothing acknowledged), and a reading of every run's record and events.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { WireEvent } from '@agentloop/core';
import { Redis } from 'ioredis';
import { REPO_ROOT, SOURCE_FLAGS } from '../../bench/child-process.js';
import type { QueueWorkerConfig } from '../../bench/queue/queue-worker-child.js';
import { answersPing } from '../support/redis.js';

const CHILD = 'bench/queue/queue-worker-child.ts';

/** A worker process. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  stderr: () => string;
}

/** Starts a worker process and waits for its `ready`. */
export async function startWorker(
  config: QueueWorkerConfig,
  flags: readonly string[] = SOURCE_FLAGS,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...flags, CHILD, JSON.stringify(config)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('ready')) resolve();
    });
    void exited.then(() => reject(new Error(`worker exited before ready: ${err.slice(-2000)}`)));
  });
  return { child, exited, stderr: () => err };
}

/** Stops a worker gracefully (SIGTERM: it finishes its runs) and waits for it. */
export async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGTERM');
  await worker.exited;
}

/** A redis-server of the test's own, persisting every write (appendfsync always). */
export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts a redis-server on a free port with its data in `dir`; undefined when none is installed. */
export async function startOwnRedis(dir: string): Promise<OwnRedis | undefined> {
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
    existsSync(p),
  );
  if (!binary) return undefined;
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      if (await answersPing('127.0.0.1', port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${port} did not answer within 10 s`);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  process.once('exit', () => child?.kill('SIGKILL'));
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}

/** One run as Redis holds it at the end: its record and its events in stream order. */
export interface RunRecord {
  runId: string;
  status: string | undefined;
  result: Record<string, unknown> | undefined;
  events: { id: string; event: WireEvent }[];
}

/** How many of `runIds` have ended (completed, interrupted or failed). */
export async function countEnded(client: Redis, prefix: string, runIds: string[]): Promise<number> {
  const pipeline = client.pipeline();
  for (const runId of runIds) pipeline.hget(`${prefix}queued:{${runId}}`, 'status');
  const replies = (await pipeline.exec()) ?? [];
  return replies.filter(([, s]) => s === 'completed' || s === 'failed' || s === 'interrupted')
    .length;
}

/** Reads every run's record and events. */
export async function readRuns(
  client: Redis,
  prefix: string,
  runIds: string[],
): Promise<RunRecord[]> {
  const pipeline = client.pipeline();
  for (const runId of runIds) {
    pipeline.hgetall(`${prefix}queued:{${runId}}`);
    pipeline.xrange(`${prefix}queued:{${runId}}:events`, '-', '+');
  }
  const replies = (await pipeline.exec()) ?? [];
  return runIds.map((runId, i) => {
    const record = (replies[2 * i]?.[1] ?? {}) as Record<string, string>;
    const entries = (replies[2 * i + 1]?.[1] ?? []) as [string, string[]][];
    return {
      runId,
      status: record.status,
      result: record.result ? (JSON.parse(record.result) as Record<string, unknown>) : undefined,
      events: entries.map(([id, fields]) => ({
        id,
        event: JSON.parse(fields[1] ?? 'null') as WireEvent,
      })),
    };
  });
}

/** The time (ms since the epoch) a stream id was written. */
export function idTime(id: string): number {
  return Number(id.split('-')[0]);
}

/** A new client to `url` that keeps reconnecting (the restart test's poller). */
export function pollClient(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 200 });
  client.on('error', () => {});
  return client;
}

/**
 * What is wrong with one run's event stream, or nothing: it starts with `run:start`, ends with
 * its one terminal event, each attempt's turns never go back, and the last attempt (the one
 * that ended it) ended every tool call it started.
 */
export function streamFaults(run: RunRecord): string[] {
  const faults: string[] = [];
  const types = run.events.map((e) => e.event.type);
  // A run whose first attempt left no event (Redis was down) and that the queue then ended
  // holds that run:error alone.
  const endedAlone = types.length === 1 && types[0] === 'run:error';
  if (types[0] !== 'run:start' && !endedAlone) faults.push(`starts with ${types[0]}`);
  const terminals = types.filter((t) => t === 'run:end' || t === 'run:error').length;
  if (terminals !== 1) faults.push(`${terminals} terminal events`);
  const last = types.at(-1);
  if (last !== 'run:end' && last !== 'run:error') faults.push(`ends with ${last}`);
  let turn = 0;
  let started = new Set<string>();
  for (const { event } of run.events) {
    if (event.type === 'run:start') {
      turn = event.turn;
      started = new Set();
      continue;
    }
    // A run:error the queue writes for a run it could not continue (no run:start before it)
    // names no turn of its own.
    const written = event.type === 'run:error' && event.turn === 0;
    if (event.turn < turn && !written) faults.push(`turn ${event.turn} after ${turn}`);
    turn = event.turn;
    if (event.type === 'tool:start') started.add(event.toolCallId);
    if (event.type === 'tool:end') started.delete(event.toolCallId);
  }
  if (started.size > 0 && last === 'run:end')
    faults.push(`tool calls never ended: ${[...started]}`);
  return faults;
}
