/**
 * The append keys a session file holds, read incrementally. Internal to `FileStore`.
 *
 * @module
 */

import type { FileHandle } from 'node:fs/promises';
import { mayBeBatch, parseSessionLine } from './session-file-lines.js';

/** How many bytes before the read position are kept to check the file is still the one read. */
const TAIL_BYTES = 64;

interface Scanned {
  dev: number;
  ino: number;
  /** Bytes read so far: the file up to the end of its last complete line. */
  offset: number;
  /** The last bytes before `offset`, to tell the same file from a new one at the same inode. */
  tail: Buffer;
  keys: Set<string>;
}

/**
 * The keys of the keyed batches in session files, per file. Files only grow between clears, so
 * each call reads only what was appended since the last (by this process or any other); a file
 * that was cleared and written again is noticed (another inode, a shorter file, or other bytes
 * where the last read stopped) and read again from the start.
 *
 * A key counts only when its whole line is a valid batch: a batch torn by a crash was never
 * acknowledged, so appending it again must land.
 */
export class SessionKeyIndex {
  readonly #files = new Map<string, Scanned>();

  /**
   * The keys `file` holds. Call it while holding the file's lock.
   *
   * @param file - The file's path (the cache key).
   * @param handle - The file, open for reading.
   */
  async keysOf(file: string, handle: FileHandle): Promise<ReadonlySet<string>> {
    const { dev, ino, size } = await handle.stat();
    let scanned = this.#files.get(file);
    if (
      scanned !== undefined &&
      (scanned.dev !== dev || scanned.ino !== ino || size < scanned.offset)
    ) {
      scanned = undefined;
    }
    let start = scanned === undefined ? 0 : scanned.offset - scanned.tail.length;
    let bytes = await readRange(handle, start, size);
    if (scanned !== undefined && !bytes.subarray(0, scanned.tail.length).equals(scanned.tail)) {
      scanned = undefined;
      start = 0;
      bytes = await readRange(handle, 0, size);
    }
    const skip = scanned === undefined ? 0 : scanned.tail.length;
    scanned ??= { dev, ino, offset: 0, tail: Buffer.alloc(0), keys: new Set() };
    // Complete lines only: a last line without its newline may still be being written (or is
    // torn); it is read again next time.
    const end = bytes.lastIndexOf(0x0a) + 1;
    let from = skip;
    while (from < end) {
      const newline = bytes.indexOf(0x0a, from);
      const line = bytes.toString('utf8', from, newline);
      if (mayBeBatch(line)) {
        const parsed = parseSessionLine(line);
        if (parsed.kind === 'messages' && parsed.key !== undefined) scanned.keys.add(parsed.key);
      }
      from = newline + 1;
    }
    if (end > skip) {
      scanned.offset = start + end;
      scanned.tail = Buffer.from(bytes.subarray(Math.max(0, end - TAIL_BYTES), end));
    }
    this.#files.set(file, scanned);
    return scanned.keys;
  }

  /**
   * Forgets what was read of a file (after it was deleted).
   * @param file - The file's path.
   */
  forget(file: string): void {
    this.#files.delete(file);
  }
}

async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const bytes = Buffer.alloc(end - start);
  let read = 0;
  while (read < bytes.length) {
    const { bytesRead } = await handle.read(bytes, read, bytes.length - read, start + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return bytes.subarray(0, read);
}
