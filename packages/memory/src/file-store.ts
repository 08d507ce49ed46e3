/**
 * `FileStore`: sessions kept as append-only JSON Lines files.
 *
 * @module
 */

import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { appendKeyOf } from './append-key.js';
import { InvalidOptionError, SessionStoreError } from './errors.js';
import type { AppendOptions, MemoryStore } from './memory-store.js';
import { batchLine, parseSessionLine } from './session-file-lines.js';
import { withFileLock } from './session-file-lock.js';
import { assertSessionId } from './session-id.js';
import { SessionKeyIndex } from './session-key-index.js';

/** A line of a session file that could not be read back, as reported to `onCorruptLine`. */
export interface CorruptLine {
  /** The session. */
  sessionId: string;
  /** The session's file. */
  file: string;
  /** 1-based line number. */
  line: number;
  /** Whether it is the file's last line (typically a write cut short by a crash). */
  last: boolean;
  /** The start of the line's text (at most 200 characters). */
  text: string;
  /** Why it was refused. */
  reason: string;
}

/** Options of `new FileStore(...)`. */
export interface FileStoreOptions {
  /** The folder holding one `<sessionId>.jsonl` file per session; created on first append. */
  dir: string;
  /**
   * Called for each line that cannot be read back (a torn last line left by a crash, or a line
   * that is not a chat message); the line is skipped and loading goes on. Reported once per file
   * and line by each store. Throw from it to make `load` fail instead.
   * @default emits a process warning with code `AGENTLOOP_CORRUPT_SESSION_LINE`
   */
  onCorruptLine?: ((corrupt: CorruptLine) => void) | undefined;
}

function warn(corrupt: CorruptLine): void {
  process.emitWarning(
    `Skipped line ${corrupt.line} of session '${corrupt.sessionId}' (${corrupt.file}): ${corrupt.reason}.`,
    { code: 'AGENTLOOP_CORRUPT_SESSION_LINE' },
  );
}

/**
 * A {@link MemoryStore} on disk: one append-only JSON Lines file per session (`<dir>/<id>.jsonl`),
 * readable with any text tool. An append without a key writes one message per line; an append
 * with a key writes its whole batch as one line, `{"key":"…","messages":[…]}`.
 *
 * - A line that cannot be parsed (a write torn by a crash) is skipped and reported through
 *   `onCorruptLine`, never fatal; the next append starts on a new line. A keyed batch torn by a
 *   crash is lost whole, never in part, and its key does not count: appending it again lands.
 * - An append whose `key` the session file already holds does nothing, in this process or any
 *   other (the keys live in the file). A store reads only what was appended since its last look.
 * - Appends, loads and clears of one session take turns, across the stores of a process and
 *   across processes (a lock folder `<id>.jsonl.lock` next to the file): every acknowledged batch
 *   lands whole, and a load never sees part of a batch. A lock left by a process killed while
 *   holding it is taken over after 10 s; an operation waits at most 60 s for another writer.
 * - Session ids are checked (see `MemoryStore`), so none can escape `dir`. On case-insensitive
 *   file systems, ids differing only in case share a file.
 *
 * @example
 * ```ts
 * const store = new FileStore({ dir: '.sessions' });
 * await store.append('u42', [{ role: 'user', content: 'Hi' }]);
 * const history = await store.load('u42');
 * ```
 */
export class FileStore implements MemoryStore {
  /** The folder of the session files (absolute). */
  readonly dir: string;
  readonly #onCorruptLine: (corrupt: CorruptLine) => void;
  readonly #reported = new Set<string>();
  readonly #keys = new SessionKeyIndex();

  /**
   * @param options - The folder, and what to do with unreadable lines.
   */
  constructor({ dir, onCorruptLine }: FileStoreOptions) {
    if (typeof dir !== 'string' || dir.length === 0 || dir.includes('\0')) {
      throw new InvalidOptionError('dir', 'a folder path', dir);
    }
    if (onCorruptLine !== undefined && typeof onCorruptLine !== 'function') {
      throw new InvalidOptionError('onCorruptLine', 'a function', onCorruptLine);
    }
    this.dir = resolve(dir);
    this.#onCorruptLine = onCorruptLine ?? warn;
  }

  /**
   * The file of a session.
   * @param sessionId - A valid session id.
   * @returns Its absolute path.
   */
  fileOf(sessionId: string): string {
    return join(this.dir, `${assertSessionId(sessionId)}.jsonl`);
  }

  /** {@inheritDoc MemoryStore.load} */
  async load(sessionId: string): Promise<ChatCompletionMessageParam[]> {
    const file = this.fileOf(sessionId);
    let text: string;
    try {
      text = await withFileLock(file, () => readFile(file, 'utf8'));
    } catch (error) {
      // No folder (so no lock either) or no file: the session is empty.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.#failure('read', sessionId, file, error);
    }
    return this.#parse(sessionId, file, text);
  }

  /** {@inheritDoc MemoryStore.append} */
  async append(
    sessionId: string,
    messages: readonly ChatCompletionMessageParam[],
    options?: AppendOptions,
  ): Promise<void> {
    const file = this.fileOf(sessionId);
    const key = appendKeyOf(options);
    if (!Array.isArray(messages)) {
      throw new InvalidOptionError('messages', 'an array of chat messages', messages);
    }
    // A keyed batch is written even when empty, so that its key is kept.
    const lines =
      key === undefined
        ? messages.map((message) => `${JSON.stringify(message)}\n`).join('')
        : batchLine(key, messages);
    if (lines.length === 0) return;
    // Taking a turn at once (the folder is created in turn) keeps this store's appends in the
    // order they were made.
    const prepare = () => mkdir(this.dir, { recursive: true });
    try {
      await withFileLock(
        file,
        async () => {
          const handle = await open(file, 'a+');
          try {
            if (key !== undefined && (await this.#keys.keysOf(file, handle)).has(key)) return;
            // After a torn last line, start on a new line so the next message is not glued to it.
            const { size } = await handle.stat();
            let prefix = '';
            if (size > 0) {
              const last = Buffer.alloc(1);
              await handle.read(last, 0, 1, size - 1);
              if (last[0] !== 0x0a) prefix = '\n';
            }
            await handle.appendFile(prefix + lines, 'utf8');
          } finally {
            await handle.close();
          }
        },
        { prepare },
      );
    } catch (error) {
      throw this.#failure('append to', sessionId, file, error);
    }
  }

  /** {@inheritDoc MemoryStore.clear} */
  async clear(sessionId: string): Promise<void> {
    const file = this.fileOf(sessionId);
    try {
      await withFileLock(file, async () => {
        await rm(file, { force: true });
        this.#keys.forget(file);
      });
    } catch (error) {
      // No folder: nothing to delete.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw this.#failure('delete', sessionId, file, error);
    }
  }

  #parse(sessionId: string, file: string, text: string): ChatCompletionMessageParam[] {
    const lines = text.split('\n');
    // A file written by this store ends with a newline, leaving an empty last element.
    if (lines.at(-1) === '') lines.pop();
    const messages: ChatCompletionMessageParam[] = [];
    const keys = new Set<string>();
    lines.forEach((raw, i) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim().length === 0) return;
      const parsed = parseSessionLine(line);
      if (parsed.kind === 'messages') {
        if (parsed.key !== undefined) {
          // Written at most once; a second copy (a file edited by hand, say) is left out too.
          if (keys.has(parsed.key)) return;
          keys.add(parsed.key);
        }
        for (const message of parsed.messages) messages.push(message);
        return;
      }
      const at = `${file}:${i + 1}`;
      if (this.#reported.has(at)) return;
      this.#reported.add(at);
      this.#onCorruptLine({
        sessionId,
        file,
        line: i + 1,
        last: i === lines.length - 1,
        text: line.slice(0, 200),
        reason: parsed.reason,
      });
    });
    return messages;
  }

  #failure(action: string, sessionId: string, file: string, cause: unknown): SessionStoreError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const hint =
      code === 'ELOCKED' || code === 'ECOMPROMISED'
        ? ''
        : ' Check that the folder exists or can be created and is writable.';
    return new SessionStoreError(
      `Could not ${action} the history of session '${sessionId}' at ${file}: ${detail}.${hint}`,
      { sessionId, file, cause },
    );
  }
}
