/**
 * `FileRunStore`: run checkpoints kept as JSON files, one per run.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../errors/errors.js';
import { RunStateError } from '../errors/run-state-error.js';
import { RunStoreError } from '../errors/run-store-error.js';
import { parseRunSnapshot } from '../run/parse-run-snapshot.js';
import type { RunSnapshot } from '../run/run-snapshot.js';
import type { RunClaim, RunStore } from '../run/run-store.js';
import { assertSnapshotRunId } from '../run/run-store-errors.js';
import { claimRunFile } from './run-claim-file.js';
import { assertRunFileName } from './run-file-name.js';

/** Options of `new FileRunStore(...)`. */
export interface FileRunStoreOptions {
  /** The folder holding one `<runId>.json` checkpoint per run; created on first use. */
  dir: string;
}

// A rename onto a file another process has open fails for a moment on Windows.
const RENAME_RETRIES = [10, 30, 100];

/**
 * A {@link RunStore} on disk: the latest checkpoint of each run in `<dir>/<runId>.json`, so a run
 * whose process died can be resumed by another process on the same machine (or one sharing the
 * folder).
 *
 * - A save writes a temporary file, flushes it to disk, renames it over the checkpoint and
 *   flushes the folder: a crash at any moment leaves the previous checkpoint or the new one,
 *   whole, never a mix. A temporary file left by a crash (`.<runId>~….tmp`) is never read, and
 *   `delete` removes it.
 * - `load` checks the file with the rules of `RunState.parse`: a damaged file is refused with a
 *   `RunStateError` naming the file and the field at fault.
 * - `claim` creates `<dir>/<runId>.claim` exclusively, holding the process id, host name and
 *   time. A claim whose holder has died (on this host) is taken over; a live one is refused with
 *   `run_in_progress`. A holder on another host is never assumed dead: the message names the
 *   file to delete if it is gone.
 * - Run ids are checked to be safe file names (the loop's own `run_<uuid>` ids always are). On
 *   case-insensitive file systems, ids differing only in case share a file.
 * - Saves of one run by one store land in the order they were made.
 *
 * Node.js (or Deno, Bun) only: import it from `@agentloop/core/node`.
 *
 * @example
 * ```ts
 * import { FileRunStore } from '@agentloop/core/node';
 * const agent = new Agent({ name: 'refunds', model, tools: [refund], runStore: new FileRunStore({ dir: '.runs' }) });
 * ```
 */
export class FileRunStore implements RunStore {
  /** The folder of the checkpoint files (absolute). */
  readonly dir: string;
  // Per run: the last save in flight, so saves land in call order and a load sees them.
  readonly #saves = new Map<string, Promise<void>>();
  #folder: Promise<unknown> | undefined;

  /**
   * @param options - The folder.
   */
  constructor({ dir }: FileRunStoreOptions) {
    if (typeof dir !== 'string' || dir.length === 0 || dir.includes('\0')) {
      throw new ConfigurationError(
        `FileRunStore needs \`dir\`, the folder to keep checkpoints in, as a non-empty path; got ${typeof dir === 'string' ? JSON.stringify(dir) : typeof dir}.`,
        { option: 'dir' },
      );
    }
    this.dir = resolve(dir);
  }

  /**
   * The checkpoint file of a run.
   * @param runId - A run id that is a safe file name.
   * @returns its absolute path.
   */
  fileOf(runId: string): string {
    return join(this.dir, `${assertRunFileName(runId)}.json`);
  }

  /** {@inheritDoc RunStore.save} */
  async save(snapshot: RunSnapshot): Promise<void> {
    const runId = assertRunFileName(assertSnapshotRunId(snapshot));
    let text: string;
    try {
      text = JSON.stringify(snapshot);
    } catch (cause) {
      throw new RunStateError(
        `The snapshot of run "${runId}" cannot be written as JSON (${(cause as Error).message}); a snapshot holds JSON values only.`,
        { code: 'invalid_run_state', runId, cause },
      );
    }
    const previous = this.#saves.get(runId) ?? Promise.resolve();
    const write = previous.then(() => this.#write(runId, text));
    const settled = write.then(
      () => undefined,
      () => undefined,
    );
    this.#saves.set(runId, settled);
    void settled.then(() => {
      if (this.#saves.get(runId) === settled) this.#saves.delete(runId);
    });
    return write;
  }

  /** {@inheritDoc RunStore.load} */
  async load(runId: string): Promise<RunSnapshot | undefined> {
    const file = this.fileOf(runId);
    await this.#saves.get(runId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.#failure('read', runId, file, error);
    }
    let snapshot: RunSnapshot;
    try {
      snapshot = parseRunSnapshot(text);
    } catch (error) {
      if (!RunStateError.isInstance(error)) throw error;
      throw new RunStateError(
        `The checkpoint of run "${runId}" (${file}) cannot be read back. ${error.message} Delete the file to forget the run.`,
        { code: error.code, runId, field: error.field, cause: error },
      );
    }
    if (snapshot.runId !== runId) {
      throw new RunStateError(
        `The checkpoint file ${file} holds run "${snapshot.runId}", not "${runId}": it was renamed or copied. Give the file back its name "${snapshot.runId}.json", or delete it.`,
        { code: 'invalid_run_state', runId, field: 'runId' },
      );
    }
    return snapshot;
  }

  /** {@inheritDoc RunStore.delete} */
  async delete(runId: string): Promise<void> {
    const file = this.fileOf(runId);
    await this.#saves.get(runId);
    try {
      await rm(file, { force: true });
      // Temporary files of saves cut short by a crash. `~` never occurs in a run id, so the
      // prefix belongs to this run alone.
      const prefix = `.${runId}~`;
      const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      for (const name of names) {
        if (name.startsWith(prefix) && name.endsWith('.tmp')) {
          await rm(join(this.dir, name), { force: true });
        }
      }
    } catch (error) {
      throw this.#failure('delete', runId, file, error);
    }
  }

  /** {@inheritDoc RunStore.claim} */
  async claim(runId: string): Promise<RunClaim> {
    const file = join(this.dir, `${assertRunFileName(runId)}.claim`);
    try {
      await this.#ensureFolder();
      return await claimRunFile(this.dir, runId);
    } catch (error) {
      if (RunStateError.isInstance(error)) throw error;
      throw this.#failure('claim', runId, file, error);
    }
  }

  async #write(runId: string, text: string): Promise<void> {
    const file = join(this.dir, `${runId}.json`);
    const temp = join(this.dir, `.${runId}~${process.pid}-${randomUUID()}.tmp`);
    try {
      await this.#ensureFolder();
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await renameOver(temp, file);
      await syncFolder(this.dir);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      // The folder may have been removed since it was made: make it again next time.
      this.#folder = undefined;
      throw this.#failure('save', runId, file, error, ' The previous checkpoint is left whole.');
    }
  }

  #ensureFolder(): Promise<unknown> {
    this.#folder ??= mkdir(this.dir, { recursive: true }).catch((error: unknown) => {
      this.#folder = undefined;
      throw error;
    });
    return this.#folder;
  }

  #failure(action: string, runId: string, file: string, cause: unknown, more = ''): RunStoreError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new RunStoreError(
      `Could not ${action} run "${runId}" at ${file}: ${detail}.${more} Check that the folder ${this.dir} exists or can be created, is writable and has space.`,
      { runId, file, cause },
    );
  }
}

async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const delay = RENAME_RETRIES[attempt];
      if (delay === undefined || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) {
        throw error;
      }
      await new Promise((done) => setTimeout(done, delay));
    }
  }
}

/** Flushes a folder's entries (the rename) to disk; some systems (Windows) cannot, and need not. */
async function syncFolder(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') {
      throw error;
    }
  } finally {
    await handle?.close();
  }
}
