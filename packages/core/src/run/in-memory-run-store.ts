/**
 * `InMemoryRunStore`: run checkpoints kept in the process's memory.
 *
 * @module
 */

import { frozenCopy } from './frozen-copy.js';
import type { RunSnapshot } from './run-snapshot.js';
import type { RunClaim, RunStore } from './run-store.js';
import { assertSnapshotRunId, runInProgress } from './run-store-errors.js';

/**
 * A {@link RunStore} in memory, for tests, scripts and single-process services: a run can pause
 * for an approval and continue later in the same process; nothing survives the process.
 *
 * Each saved snapshot is copied, so later changes by the caller do not reach the store, and
 * `load` returns a fresh copy the caller may change. Saving is cheap enough for every
 * checkpoint: parts of the snapshot that did not change since the last save (the conversation so
 * far) are not copied again.
 *
 * @example
 * ```ts
 * const runStore = new InMemoryRunStore();
 * const agent = new Agent({ name: 'refunds', model, tools: [refund], runStore });
 * ```
 */
export class InMemoryRunStore implements RunStore {
  readonly #runs = new Map<string, RunSnapshot>();
  readonly #claims = new Map<string, object>();

  /** {@inheritDoc RunStore.save} */
  async save(snapshot: RunSnapshot): Promise<void> {
    const runId = assertSnapshotRunId(snapshot);
    // Copied against the last save: the parts it shares with it are not walked again.
    this.#runs.set(runId, frozenCopy(snapshot, this.#runs.get(runId)));
  }

  /** {@inheritDoc RunStore.load} */
  async load(runId: string): Promise<RunSnapshot | undefined> {
    const snapshot = this.#runs.get(runId);
    // The stored copy is frozen; the caller gets one it can change.
    return snapshot === undefined ? undefined : structuredClone(snapshot);
  }

  /** {@inheritDoc RunStore.delete} */
  async delete(runId: string): Promise<void> {
    this.#runs.delete(runId);
  }

  /** {@inheritDoc RunStore.claim} */
  async claim(runId: string): Promise<RunClaim> {
    if (this.#claims.has(runId)) throw runInProgress(runId, 'another caller in this process');
    const token = {};
    this.#claims.set(runId, token);
    return {
      release: async () => {
        // Only this claim's own entry: after a release, another caller may hold the run.
        if (this.#claims.get(runId) === token) this.#claims.delete(runId);
      },
    };
  }
}
