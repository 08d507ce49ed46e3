/**
 * Session id validation shared by the stores: an id becomes a file name, so none may escape the
 * store's folder or name a special file.
 *
 * @module
 */

import { InvalidSessionIdError } from './errors.js';

/** The longest accepted session id. */
export const MAX_SESSION_ID_LENGTH = 128;

const ALLOWED = /^[A-Za-z0-9_@-][A-Za-z0-9_.@-]*$/;
// Names Windows reserves for devices, with or without an extension.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Checks that `sessionId` is a safe file name: 1 to 128 characters from letters, digits, `_`,
 * `-`, `.` and `@`, not starting with `.` (so no `..`, no hidden files), no separators, no NUL,
 * not a Windows device name.
 *
 * @param sessionId - The id to check.
 * @returns The id, typed as a string.
 * @throws InvalidSessionIdError naming what is wrong.
 */
export function assertSessionId(sessionId: unknown): string {
  if (typeof sessionId !== 'string') {
    throw new InvalidSessionIdError(sessionId, `expected a string, got ${typeof sessionId}`);
  }
  if (sessionId.length === 0) throw new InvalidSessionIdError(sessionId, 'it is empty');
  if (sessionId.length > MAX_SESSION_ID_LENGTH) {
    throw new InvalidSessionIdError(
      sessionId,
      `it has ${sessionId.length} characters, more than ${MAX_SESSION_ID_LENGTH}`,
    );
  }
  if (sessionId.includes('\0'))
    throw new InvalidSessionIdError(sessionId, 'it contains a NUL character');
  if (/[/\\]/.test(sessionId)) {
    throw new InvalidSessionIdError(
      sessionId,
      'it contains a path separator and could escape the store folder',
    );
  }
  if (sessionId.startsWith('.')) {
    throw new InvalidSessionIdError(
      sessionId,
      "it starts with '.' (a relative path or a hidden file)",
    );
  }
  if (!ALLOWED.test(sessionId)) {
    const bad = [...sessionId].find((char) => !/[A-Za-z0-9_.@-]/.test(char)) ?? '';
    throw new InvalidSessionIdError(sessionId, `it contains the character ${JSON.stringify(bad)}`);
  }
  if (RESERVED.test(sessionId)) {
    throw new InvalidSessionIdError(sessionId, 'it is a device name reserved by Windows');
  }
  return sessionId;
}
