/**
 * The lock of a session file: one operation at a time per file, across the stores of a process
 * and across processes. Internal to `FileStore`.
 *
 * @module
 */

import type * as Lockfile from 'proper-lockfile';

/**
 * After this long without a refresh, a lock is taken to be left by a process that died while
 * holding it (a SIGKILL, a power cut) and is taken over. A live holder refreshes it every half of
 * this.
 */
export const STALE_LOCK_MS = 10_000;

/** How long an operation waits for a lock held by another writer before it fails. */
export const LOCK_WAIT_MS = 60_000;

let lockfile: Promise<typeof Lockfile> | undefined;
// Operations queued per file in this process, so stores of one process take turns without
// polling the lock folder.
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` while holding the lock of `file`.
 *
 * In this process, operations on one file run one after another in the order they were asked
 * for. Across processes the lock is the folder `<file>.lock` (proper-lockfile): created atomically
 * by its holder, refreshed while held, removed when done (also when the process exits normally or
 * on a signal). A lock not refreshed for {@link STALE_LOCK_MS} is taken over.
 *
 * @param file - The absolute path of the file; its folder must exist (else an `ENOENT` error).
 * @param task - What to do with the file.
 * @param options - `prepare`: run in turn before the lock is taken (e.g. creating the folder);
 * `waitMs`: how long to wait for another writer (default {@link LOCK_WAIT_MS}).
 * @returns What `task` returns.
 * @throws `task`'s error; an error with code `ELOCKED` when another writer held the lock for
 * `waitMs`; one with code `ECOMPROMISED` when the lock was taken over while `task`
 * ran (it stalled for longer than {@link STALE_LOCK_MS}), so another writer may have written at
 * the same time.
 */
export function withFileLock<T>(
  file: string,
  task: () => Promise<T>,
  {
    prepare,
    waitMs = LOCK_WAIT_MS,
  }: { prepare?: (() => Promise<unknown>) | undefined; waitMs?: number | undefined } = {},
): Promise<T> {
  const locked = async (): Promise<T> => {
    await prepare?.();
    let lost: Error | undefined;
    const release = await acquire(file, waitMs, (error) => {
      lost = error;
    });
    let result: T;
    try {
      result = await task();
    } finally {
      // A lock that cannot be removed is taken over once stale; the work itself is done, so
      // failing it here would only make the caller write it twice.
      await release().catch(() => {});
    }
    if (lost) {
      throw Object.assign(
        new Error(
          `the lock ${file}.lock was taken over by another writer while this one held it (it was not refreshed for ${STALE_LOCK_MS / 1000} s: was the event loop blocked?), so the write may be mixed with another's`,
          { cause: lost },
        ),
        { code: 'ECOMPROMISED' },
      );
    }
    return result;
  };
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.then(locked, locked);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return run;
}

async function acquire(
  file: string,
  waitMs: number,
  onLost: (error: Error) => void,
): Promise<() => Promise<void>> {
  lockfile ??= import('proper-lockfile');
  const { lock } = await lockfile;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await lock(file, {
        realpath: false,
        stale: STALE_LOCK_MS,
        retries: 0,
        onCompromised: onLost,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (Date.now() >= deadline) {
        throw Object.assign(
          new Error(
            `another writer held the lock ${file}.lock for ${waitMs / 1000} s; if no other process uses this session, delete that folder`,
            { cause: error },
          ),
          { code: 'ELOCKED' },
        );
      }
      // Poll soon at first (most holders write one batch), then at most every 100 ms.
      const delay = Math.min(2 * 2 ** attempt, 100) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
