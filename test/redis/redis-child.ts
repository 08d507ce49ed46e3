/**
 * A child process for the Redis tests: a second worker, which the parent can pause (SIGSTOP),
 * resume and kill.
 *
 * Usage: `node --conditions=source --import tsx redis-child.ts <mode> <url> <prefix> <id> [leaseMs]`.
 *
 * - `hold-run`: claims run `<id>` with a `RedisRunStore` (lease `leaseMs`) and prints
 *   `claimed <fence>` (or `refused <code>`); then, for each line `save <turn>` on stdin, saves a
 *   snapshot of that turn through the claim and prints `saved <turn>` or
 *   `refused <code> <currentFence>`. It never releases the claim (as a crash would not).
 * - `hold-session`: acquires session `<id>` with a `RedisSessionLock` (lease `leaseMs`), prints
 *   `held <fence>`, and keeps it until killed.
 * - `session-runs`: prints `ready`, waits for a line on stdin (so both processes start
 *   together), then starts `leaseMs` (here: a count) runs at once on session `<id>` with a
 *   `RedisStore` and its session lock; each run's tool pushes `enter <who>` and, 30 ms later,
 *   `exit <who>` to the list `<prefix>trace`. Prints `done` when all have ended.
 *
 * @module
 */

import { createInterface } from 'node:readline';
import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { LeaseLostError, RedisRunStore, RedisSessionLock, RedisStore } from '@agentloop/redis';
import { tool } from '@agentloop/tools';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { sampleSnapshot } from '../core/run-snapshot-sample.js';

const [mode, url, prefix, id, lease] = process.argv.slice(2);
if (!mode || !url || !prefix || !id)
  throw new Error('expected: <mode> <url> <prefix> <id> [leaseMs]');
const leaseMs = lease === undefined ? undefined : Number(lease);
const say = (line: string) => process.stdout.write(`${line}\n`);

if (mode === 'hold-run') {
  const store = new RedisRunStore({ connection: url, prefix, leaseMs });
  let claim: Awaited<ReturnType<RedisRunStore['claim']>>;
  try {
    claim = await store.claim(id);
  } catch (error) {
    say(`refused ${(error as { code?: string }).code}`);
    process.exit(0);
  }
  say(`claimed ${claim.fence}`);
  for await (const line of createInterface({ input: process.stdin })) {
    const turn = Number(line.split(' ')[1]);
    const snapshot = sampleSnapshot(id);
    snapshot.turn = turn;
    try {
      await claim.save(snapshot);
      say(`saved ${turn}`);
    } catch (error) {
      say(
        LeaseLostError.isInstance(error)
          ? `refused ${error.code} ${error.currentFence}`
          : `failed ${String(error)}`,
      );
    }
  }
  process.exit(0);
} else if (mode === 'hold-session') {
  const lock = new RedisSessionLock({ connection: url, prefix, leaseMs });
  const held = await lock.acquire(id);
  say(`held ${held.fence}`);
  // Held until the parent kills this process: a crash, never a release.
  setInterval(() => {}, 1_000);
} else if (mode === 'session-runs') {
  const runs = leaseMs ?? 1;
  const trace = new Redis(url);
  const store = new RedisStore({ connection: url, prefix });
  const mark = tool({
    name: 'mark',
    description: 'Marks the run as inside the session',
    parameters: z.object({ who: z.string() }),
    execute: async ({ who }) => {
      await trace.rpush(`${prefix}trace`, `enter ${who}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await trace.rpush(`${prefix}trace`, `exit ${who}`);
      return 'marked';
    },
  });
  const agent = new Agent({
    name: 'sessions',
    model: new ScriptedModel((request) => {
      const last = request.messages.at(-1);
      if (last?.role === 'tool') return 'done';
      return { toolCalls: [{ name: 'mark', arguments: { who: String(last?.content) } }] };
    }),
    tools: [mark],
    memory: { store, sessionLock: store.sessionLock },
  });
  // Everything loaded and connected before the parent's signal to go.
  await trace.ping();
  await store.load(id);
  const go = new Promise<void>((resolve) =>
    createInterface({ input: process.stdin }).once('line', () => resolve()),
  );
  say('ready');
  await go;
  await Promise.all(
    Array.from({ length: runs }, (_, i) => agent.run(`${process.pid}-${i}`, { sessionId: id })),
  );
  say('done');
  trace.disconnect();
  await store.close();
  process.exit(0);
} else {
  throw new Error(`unknown mode ${mode}`);
}
