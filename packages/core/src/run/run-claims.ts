import { RunStateError } from '../errors/run-state-error.js';
import type { RunStore } from './run-store.js';

/** The runs going on in this process, so one is never continued twice at once here. */
const running = new Set<string>();

/**
 * Holds a run for the caller: refused when the run is going on in this process, or (with a run
 * store) held by another live process. Resolves to the function that lets it go.
 *
 * @throws RunStateError `run_in_progress`.
 */
export async function claimRun(
  store: RunStore | undefined,
  runId: string,
): Promise<() => Promise<void>> {
  if (running.has(runId)) {
    throw new RunStateError(
      `Run "${runId}" is already going on in this process: the same run cannot be continued twice at once. Wait for it to end (or abort it), then continue from its latest state.`,
      { code: 'run_in_progress', runId },
    );
  }
  running.add(runId);
  if (!store) {
    return async () => {
      running.delete(runId);
    };
  }
  try {
    const claim = await store.claim(runId);
    return async () => {
      running.delete(runId);
      await claim.release();
    };
  } catch (error) {
    running.delete(runId);
    throw error;
  }
}
