/**
 * The run's `checkpoint` function: when and through what each snapshot is written.
 *
 * @module
 */

import type { HeldRun } from './run-claims.js';
import type { RunSnapshot } from './run-snapshot.js';

/**
 * The run's `checkpoint` function: saves `take()` through the held run's `save` (the store's, or
 * a claim's fenced save), one write at a time and in order. A checkpoint asked for while a write
 * is under way shares the next write, which takes its snapshot when it starts, so it holds every
 * change made before it was asked for. A store that saves at once (`saveNow`, in this process)
 * gets each snapshot handed over and the run waits for nothing: `undefined` is returned, as it is
 * without a store (then nothing is taken).
 */
export function checkpointer(
  { save, saveNow }: Pick<HeldRun, 'save' | 'saveNow'>,
  take: () => RunSnapshot,
): () => Promise<void> | undefined {
  if (!save) return () => undefined;
  const saveLater = save;
  let now = saveNow;
  // Settles (never rejects) once the write under way has; `undefined` when none is.
  let writing: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  // Writes are one at a time: the one that settles is the one under way.
  const idle = () => {
    writing = undefined;
  };
  const write = (snapshot: RunSnapshot): Promise<void> => {
    const saving = saveLater(snapshot);
    writing = saving.then(idle, idle);
    return saving;
  };
  return () => {
    if (now) {
      const snapshot = take();
      try {
        if (now(snapshot)) return undefined;
      } catch (error) {
        return Promise.reject(error);
      }
      // The store saves through `save` only: this snapshot and every later one.
      now = undefined;
      return write(snapshot);
    }
    if (queued) return queued;
    if (!writing) return write(take());
    queued = writing.then(() => {
      queued = undefined;
      return write(take());
    });
    return queued;
  };
}
