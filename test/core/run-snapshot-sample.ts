/** A valid run snapshot for the run store tests: the stored v1 fixture. */
import { readFileSync } from 'node:fs';
import type { RunSnapshot } from '../../packages/core/src/run/run-snapshot.js';

const fixture = readFileSync(new URL('./fixtures/run-snapshot-v1.json', import.meta.url), 'utf8');

/** A fresh copy of the fixture, with another run id when given. */
export function sampleSnapshot(runId?: string): RunSnapshot {
  const snapshot = JSON.parse(fixture) as RunSnapshot;
  if (runId !== undefined) snapshot.runId = runId;
  return snapshot;
}
