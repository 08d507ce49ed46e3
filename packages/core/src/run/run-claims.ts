import { RunStateError } from '../errors/run-state-error.js';
import type { RunSnapshot } from './run-snapshot.js';
import type { RunStore } from './run-store.js';

/** A run held by this caller: how to save its checkpoints, and how to let it go. */
export interface HeldRun {
  /** Saves a checkpoint: through the claim when it fences its writes, else the store; none without a store. */
  save: ((snapshot: RunSnapshot) => Promise<void>) | undefined;
  /**
   * Saves a checkpoint at once when the store can (`RunStore.saveNow`, an in-process store whose
   * claim does not fence its writes); `false` when it declines.
   */
  saveNow: ((snapshot: RunSnapshot) => boolean) | undefined;
  /** Lets the run go (in this process and in the store). */
  release(): Promise<void>;
  /** Aborted once the store's claim is lost, when its claims can be. */
  signal: AbortSignal | undefined;
}

/** The runs going on in this process, so one is never continued twice at once here. */
const running = new Set<string>();

/**
 * Holds a run for the caller: refused when the run is going on in this process, or (with a run
 * store) held by another live process. Resolves to how to save the run's checkpoints (through
 * the claim when it fences its writes) and how to let the run go.
 *
 * @throws RunStateError `run_in_progress`.
 */
export async function claimRun(store: RunStore | undefined, runId: string): Promise<HeldRun> {
  if (running.has(runId)) {
    throw new RunStateError(
      `Run "${runId}" is already going on in this process: the same run cannot be continued twice at once. Wait for it to end (or abort it), then continue from its latest state.`,
      { code: 'run_in_progress', runId },
    );
  }
  running.add(runId);
  if (!store) {
    return {
      save: undefined,
      saveNow: undefined,
      signal: undefined,
      release: async () => {
        running.delete(runId);
      },
    };
  }
  try {
    const claim = await store.claim(runId);
    const fenced = claim.save?.bind(claim);
    return {
      save: fenced ?? ((snapshot) => store.save(snapshot)),
      saveNow: fenced || !store.saveNow ? undefined : store.saveNow.bind(store),
      signal: claim.signal,
      release: async () => {
        running.delete(runId);
        await claim.release();
      },
    };
  } catch (error) {
    running.delete(runId);
    throw error;
  }
}
