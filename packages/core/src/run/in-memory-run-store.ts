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
 * Nothing it keeps can be changed by a caller: `save` copies the snapshot (the parts that did
 * not change since the last save, the conversation so far, are not copied again), a run hands
 * its checkpoints over through `saveNow` (each one new and never changed after, so nothing is
 * copied), and `load` returns a fresh copy the caller may change. A checkpoint thus costs a run
 * no more than building its snapshot, and a load, mid-run too, gives the last checkpoint whole.
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
    // Copied against the last save, when that one was copied too (a snapshot handed over is
    // not frozen): the parts it shares with it are not walked again.
    const previous = this.#runs.get(runId);
    this.#runs.set(
      runId,
      frozenCopy(snapshot, previous && Object.isFrozen(previous) ? previous : undefined),
    );
  }

  /**
   * {@inheritDoc RunStore.saveNow}
   *
   * A subclass that overrides `save` (to count, log or fail on purpose) gets every snapshot
   * through it: `saveNow` then declines.
   */
  saveNow(snapshot: RunSnapshot): boolean {
    if (savesItsOwnWay(this)) return false;
    this.#runs.set(assertSnapshotRunId(snapshot), snapshot);
    return true;
  }

  /** {@inheritDoc RunStore.load} */
  async load(runId: string): Promise<RunSnapshot | undefined> {
    const snapshot = this.#runs.get(runId);
    // What is stored is the store's alone (a frozen copy, or a snapshot handed over): the
    // caller gets a copy it can change.
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

/**
 * Whether a subclass overrides `save`. Outside the class: a class that names itself in its body
 * is renamed by the bundler (see scripts/bundle-package.mjs).
 */
function savesItsOwnWay(store: InMemoryRunStore): boolean {
  return store.save !== InMemoryRunStore.prototype.save;
}
