/**
 * Run ids as file names: a run id becomes the name of its checkpoint and claim files, so none may
 * escape the store's folder or name a special file. Internal to `FileRunStore`.
 *
 * @module
 */

import { RunStateError } from '../errors/run-state-error.js';

/** The longest run id `FileRunStore` accepts (the loop's own ids, `run_<uuid>`, have 40 characters). */
export const MAX_RUN_ID_LENGTH = 128;

const ALLOWED = /^[A-Za-z0-9_@-][A-Za-z0-9_.@-]*$/;
// Names Windows reserves for devices, with or without an extension.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Checks that a run id can name a file: 1 to 128 characters from letters, digits, `_`, `-`, `.`
 * and `@`, not starting with `.` (the store's own temporary files do), no separator, not a
 * Windows device name.
 *
 * @param runId - The id to check.
 * @returns the id.
 * @throws RunStateError `invalid_run_state` (field `runId`) saying what is wrong.
 */
export function assertRunFileName(runId: unknown): string {
  const fault = faultOf(runId);
  if (fault === undefined) return runId as string;
  throw new RunStateError(
    `FileRunStore cannot keep the run id ${describe(runId)}: ${fault}. A run id becomes a file name, so it must be 1 to ${MAX_RUN_ID_LENGTH} characters from letters, digits, "_", "-", "." and "@", not starting with "."; the ids the loop makes ("run_<uuid>") always are.`,
    {
      code: 'invalid_run_state',
      field: 'runId',
      runId: typeof runId === 'string' ? runId : undefined,
    },
  );
}

function faultOf(runId: unknown): string | undefined {
  if (typeof runId !== 'string') return `expected a string, got ${typeof runId}`;
  if (runId.length === 0) return 'it is empty';
  if (runId.length > MAX_RUN_ID_LENGTH) {
    return `it has ${runId.length} characters, more than ${MAX_RUN_ID_LENGTH}`;
  }
  if (runId.includes('\0')) return 'it contains a NUL character';
  if (/[/\\]/.test(runId)) return 'it contains a path separator and could escape the folder';
  if (runId.startsWith('.')) return "it starts with '.'";
  if (!ALLOWED.test(runId)) {
    const bad = [...runId].find((char) => !/[A-Za-z0-9_.@-]/.test(char)) ?? '';
    return `it contains the character ${JSON.stringify(bad)}`;
  }
  if (RESERVED.test(runId)) return 'it is a device name reserved by Windows';
  return undefined;
}

function describe(runId: unknown): string {
  if (typeof runId !== 'string') return String(runId);
  return JSON.stringify(runId.length > 60 ? `${runId.slice(0, 60)}…` : runId);
}
