/**
 * The `key` option of `MemoryStore.append`, checked the same way by every store.
 *
 * @module
 */

import { InvalidOptionError } from './errors.js';
import type { AppendOptions } from './memory-store.js';

/** The longest accepted append key. */
export const MAX_APPEND_KEY_LENGTH = 512;

/**
 * Reads the key of an append.
 *
 * @param options - What `append` was given as its third argument.
 * @returns the key, or `undefined` for an append without one.
 * @throws InvalidOptionError for options that are not an object, or a key that is not a
 * non-empty string of at most 512 characters.
 */
export function appendKeyOf(options: AppendOptions | undefined): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'an object such as { key }', options);
  }
  const { key } = options;
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_APPEND_KEY_LENGTH) {
    throw new InvalidOptionError(
      'key',
      `a non-empty string of at most ${MAX_APPEND_KEY_LENGTH} characters naming the batch (such as "run_…:3")`,
      key,
    );
  }
  return key;
}
