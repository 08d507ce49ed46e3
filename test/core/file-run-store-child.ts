/**
 * A child process for the FileRunStore tests.
 *
 * Usage: `node --conditions=source --import tsx file-run-store-child.ts <mode> <dir> <runId>`.
 *
 * - `claim`: prints `ready`, waits for a line on stdin (so that every child starts together),
 *   claims the run and prints `claimed` or `refused <code>`, then holds the claim until stdin
 *   closes and exits without releasing it (as a crash would).
 * - `save`: saves snapshots of the run one after another, each bigger than the last, printing
 *   `saved <n>` after each one has landed, until it is killed.
 *
 * @module
 */

import { createInterface } from 'node:readline';
import { FileRunStore } from '@agentloop/core/node';
import { sampleSnapshot } from './run-snapshot-sample.js';

const [mode, dir, runId] = process.argv.slice(2);
if ((mode !== 'claim' && mode !== 'save') || !dir || !runId) {
  throw new Error('expected: claim|save <dir> <runId>');
}
const store = new FileRunStore({ dir });

if (mode === 'claim') {
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  try {
    await store.claim(runId);
    process.stdout.write('claimed\n');
  } catch (error) {
    process.stdout.write(`refused ${(error as { code?: string }).code}\n`);
  }
  await new Promise<void>((resolve) => lines.once('close', () => resolve()));
} else {
  const snapshot = sampleSnapshot(runId);
  for (let n = 1; ; n++) {
    snapshot.turn = n;
    // Big enough that a write takes several pieces, so a kill lands in the middle of some.
    snapshot.messages.push({ role: 'user', content: `message ${n} `.repeat(2000) });
    await store.save(snapshot);
    process.stdout.write(`saved ${n}\n`);
  }
}
