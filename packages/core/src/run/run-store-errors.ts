/**
 * The faults every run store reports the same way. Internal to the run stores.
 *
 * @module
 */

import { RunStateError } from '../errors/run-state-error.js';
import type { RunSnapshot } from './run-snapshot.js';

/**
 * The refusal of a second claim on a run.
 *
 * @param runId - The run.
 * @param holder - Who holds it, as a phrase (`another caller in this process`, `process 42 on host a`).
 * @param hint - A sentence to add (how to clear a claim left behind, say).
 * @returns a `RunStateError` with code `run_in_progress`.
 */
export function runInProgress(runId: string, holder: string, hint?: string): RunStateError {
  return new RunStateError(
    `Run "${runId}" is in progress: ${holder} holds its claim (it is running or being resumed there). Wait until that run stops, or have its holder release the claim, then resume it; a run is never continued by two callers at once.${hint === undefined ? '' : ` ${hint}`}`,
    { code: 'run_in_progress', runId },
  );
}

/**
 * Checks that what is saved is a snapshot with a run id, the key it is stored under.
 *
 * @param snapshot - What `save` was given.
 * @returns its run id.
 * @throws RunStateError `invalid_run_state` naming `runId`.
 */
export function assertSnapshotRunId(snapshot: RunSnapshot): string {
  const runId: unknown =
    typeof snapshot === 'object' && snapshot !== null ? snapshot.runId : undefined;
  if (typeof runId !== 'string' || runId.length === 0) {
    throw new RunStateError(
      `A run store saves run snapshots by their "runId"; got ${
        typeof snapshot !== 'object' || snapshot === null
          ? `${snapshot === null ? 'null' : typeof snapshot} instead of a snapshot`
          : `a snapshot whose runId is ${runId === '' ? 'empty' : typeof runId}`
      }. Pass the whole snapshot of a run, as the loop checkpoints it.`,
      { code: 'invalid_run_state', field: 'runId' },
    );
  }
  return runId;
}
