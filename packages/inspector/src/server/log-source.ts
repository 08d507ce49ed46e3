/**
 * Reading a run log as it grows: a file, or a folder of `.jsonl` files (one per day, as
 * `runLog({ dir })` writes them). Each poll reads only the bytes added since the last one and
 * files the complete lines into a {@link RunIndex}; a line still being written waits for its end.
 * A file that shrank or was replaced is read again from the start.
 *
 * @module
 */
import { type Stats, statSync } from 'node:fs';
import { type FileHandle, open, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InspectorError } from '../errors.js';
import { RunIndex } from '../model/run-index.js';

/** A file of the log and how far it was read. */
interface FileState {
  path: string;
  offset: number;
  /** Lines read so far. */
  lines: number;
  /** The bytes of a line not yet ended by a newline. */
  rest: Buffer;
  ino: number;
  /** The file's first bytes as read: different bytes there mean it was rewritten. */
  head: Buffer;
}

/** What the page is told about the files. */
export interface SourceFile {
  name: string;
  bytes: number;
}

const LOG_FILE = /\.(jsonl|ndjson)$/i;
const CHUNK = 1024 * 1024;
const HEAD_BYTES = 256;

/** A log file or folder, read into a {@link RunIndex} as it grows. */
export class LogSource {
  /** The path as given, resolved. */
  readonly path: string;
  /** The path as given (what the page shows). */
  readonly given: string;
  readonly kind: 'file' | 'dir';
  #index = new RunIndex();
  #files = new Map<string, FileState>();
  #notes = new Set<string>();
  #reading: Promise<boolean> | undefined;

  private constructor(path: string, given: string, kind: 'file' | 'dir') {
    this.path = path;
    this.given = given;
    this.kind = kind;
  }

  /**
   * Opens a log and reads what it holds.
   *
   * @param path - a file written by `runLog({ file })`, or a folder of them.
   * @returns the source, read to its current end.
   * @throws InspectorError (`log_not_found`) when nothing is at `path`.
   */
  static async open(path: string): Promise<LogSource> {
    const full = resolve(path);
    let stats: Stats;
    try {
      stats = statSync(full);
    } catch (error) {
      throw new InspectorError(
        'log_not_found',
        `There is no run log at ${path} (${(error as NodeJS.ErrnoException).code ?? 'not found'}). Pass a file written by runLog({ file }) or a folder written by runLog({ dir }).`,
        path,
        error,
      );
    }
    const source = new LogSource(full, path, stats.isDirectory() ? 'dir' : 'file');
    await source.poll();
    return source;
  }

  /** The runs read so far (replaced when a file had to be read again). */
  get index(): RunIndex {
    return this.#index;
  }

  /** The files read, and their sizes. */
  get files(): SourceFile[] {
    return [...this.#files.values()].map((file) => ({
      name: basename(file.path),
      bytes: file.offset + file.rest.length,
    }));
  }

  /** What the page should say about the source as a whole (a file gone, a line still open). */
  get notes(): string[] {
    const notes = [...this.#notes];
    for (const file of this.#files.values()) {
      if (file.rest.length > 0) {
        notes.push(
          `The last line of ${basename(file.path)} (line ${file.lines + 1}, ${file.rest.length} bytes) has no end yet: it is shown once its writer finishes it.`,
        );
      }
    }
    return notes;
  }

  /**
   * Reads what was added since the last poll.
   * @returns whether anything changed.
   */
  poll(): Promise<boolean> {
    // One read at a time: a slow disk must not interleave two reads of the same bytes.
    this.#reading ??= this.#poll().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #poll(): Promise<boolean> {
    const before = this.#index.version;
    const notesBefore = this.notes.join('\n');
    this.#notes.clear();
    let paths: string[];
    if (this.kind === 'dir') {
      try {
        paths = (await readdir(this.path))
          .filter((name) => LOG_FILE.test(name))
          .sort()
          .map((name) => join(this.path, name));
      } catch (error) {
        this.#notes.add(
          `The folder ${this.path} cannot be read now (${code(error)}): showing what was read before.`,
        );
        paths = [...this.#files.keys()];
      }
    } else {
      paths = [this.path];
    }
    let reset = false;
    for (const path of paths) {
      const result = await this.#readFile(path);
      if (result === 'reset') reset = true;
    }
    if (reset) {
      // A file shrank or was replaced: its old lines are gone, so read everything again.
      this.#index = new RunIndex();
      for (const file of this.#files.values()) {
        file.offset = 0;
        file.lines = 0;
        file.rest = Buffer.alloc(0);
        file.head = Buffer.alloc(0);
      }
      for (const path of paths) await this.#readFile(path);
      return true;
    }
    return this.#index.version !== before || this.notes.join('\n') !== notesBefore;
  }

  async #readFile(path: string): Promise<'ok' | 'reset' | 'missing'> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (this.#files.has(path)) {
        this.#notes.add(
          `${basename(path)} cannot be read now (${code(error)}): showing what was read before.`,
        );
      }
      return 'missing';
    }
    try {
      const stats = await handle.stat();
      let file = this.#files.get(path);
      if (!file) {
        file = {
          path,
          offset: 0,
          lines: 0,
          rest: Buffer.alloc(0),
          ino: stats.ino,
          head: Buffer.alloc(0),
        };
        this.#files.set(path, file);
      }
      if (
        stats.size < file.offset + file.rest.length ||
        stats.ino !== file.ino ||
        !(await sameHead(handle, file.head))
      ) {
        file.ino = stats.ino;
        return 'reset';
      }
      let position = file.offset + file.rest.length;
      while (position < stats.size) {
        const buffer = Buffer.alloc(Math.min(CHUNK, stats.size - position));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        if (file.head.length < HEAD_BYTES && position < HEAD_BYTES) {
          const head = buffer.subarray(0, Math.min(bytesRead, HEAD_BYTES - position));
          file.head = Buffer.concat([file.head, head]);
        }
        position += bytesRead;
        this.#addBytes(file, buffer.subarray(0, bytesRead));
      }
      return 'ok';
    } finally {
      await handle.close();
    }
  }

  /** Files the complete lines of `bytes` (after what was left of the last read). */
  #addBytes(file: FileState, bytes: Buffer): void {
    // `data` starts at `file.offset`: the bytes of complete lines come before it.
    const data = file.rest.length > 0 ? Buffer.concat([file.rest, bytes]) : bytes;
    const name = basename(file.path);
    let start = 0;
    for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
      file.lines++;
      // Decoded per line, so a character split between two reads is never garbled.
      this.#index.addLine(data.toString('utf8', start, end), name, file.lines);
      start = end + 1;
    }
    file.offset += start;
    file.rest = Buffer.from(data.subarray(start));
  }
}

/** Whether the file still starts with the bytes read from it before. */
async function sameHead(handle: FileHandle, head: Buffer): Promise<boolean> {
  if (head.length === 0) return true;
  const now = Buffer.alloc(head.length);
  const { bytesRead } = await handle.read(now, 0, head.length, 0);
  return bytesRead === head.length && now.equals(head);
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? String(error);
}
