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
 *
 * @module
 */

import { createInterface } from 'node:readline';
import { LeaseLostError, RedisRunStore } from '@agentloop/redis';
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
} else {
  throw new Error(`unknown mode ${mode}`);
}
