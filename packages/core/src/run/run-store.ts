import type { RunSnapshot } from './run-snapshot.js';

/** A run held by one caller (see {@link RunStore.claim}); release it when the run stops. */
export interface RunClaim {
  /** Gives the run back. Safe to call more than once. */
  release(): Promise<void>;
  /**
   * Saves a snapshot of the claimed run only while this claim still holds it (a fenced write),
   * for stores whose claims can be lost or taken over (a lease that expired, say). When a claim
   * has it, the run checkpoints through it instead of {@link RunStore.save}; a save refused
   * because the claim was lost rejects, and the run fails with that error instead of running on
   * unrecorded.
   */
  save?(snapshot: RunSnapshot): Promise<void>;
  /**
   * Aborted once the claim is known to be lost (for stores whose claims can be): the run stops
   * at once, its model call and tools see the abort, and it fails with the signal's reason.
   */
  readonly signal?: AbortSignal;
}

/**
 * Where a run's checkpoints are kept, by run id (`new Agent({ runStore })`). The run saves a
 * snapshot when a model reply arrives, before each tool starts, after each ends and at turn end;
 * `agent.resume(runId)` loads the last one. A save replaces the previous snapshot of that run
 * whole: a reader never sees a mix of two.
 */
export interface RunStore {
  /**
   * Saves the run's latest snapshot, replacing the one before. The snapshot's conversation and
   * finished calls are frozen (the run's next snapshots share them): copy them to change them.
   */
  save(snapshot: RunSnapshot): Promise<void>;
  /**
   * Optional, for a store that keeps its snapshots in this process's memory: saves `snapshot`
   * before returning, with no promise, so that a run checkpoints without waiting for a tick. When
   * the store has it, the run checkpoints through it instead of {@link RunStore.save} (unless its
   * claim fences its writes, see {@link RunClaim.save}).
   *
   * The caller hands the snapshot over: it never changes it, nor anything in it, afterwards (the
   * run builds a new one for each checkpoint, sharing with the run only frozen parts), so the
   * store may keep it as it is, without copying it. What `load` returns must still be the
   * caller's to change.
   *
   * @returns `true` once it is stored; `false`, storing nothing, when the store saves only
   *   through `save` (a subclass that saves its own way): the caller then saves it, and every
   *   later snapshot, with `save`.
   * @throws RunStateError `invalid_run_state`, as `save` rejects, for a snapshot without a run id.
   */
  saveNow?(snapshot: RunSnapshot): boolean;
  /** The latest snapshot of a run; `undefined` when the store has none. */
  load(runId: string): Promise<RunSnapshot | undefined>;
  /** Forgets a run. Deleting an unknown run does nothing. */
  delete(runId: string): Promise<void>;
  /**
   * Takes a run for one caller, so that two processes never continue it at once. A claim held
   * by a process that died is taken over.
   *
   * @throws RunStateError `run_in_progress` when a live caller holds it.
   */
  claim(runId: string): Promise<RunClaim>;
}
