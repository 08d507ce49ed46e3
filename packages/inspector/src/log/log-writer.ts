/**
 * The buffered, append-only writer behind `runLog`. Lines are queued in memory by the event
 * listener (which only serialises) and appended by one write at a time, batched, off the run's
 * path. A failing disk never reaches the run: the first failure is reported once, later ones
 * are counted. What is still queued when the process exits is written synchronously then.
 *
 * @module
 */
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What a {@link LogWriter} is told to do. */
export interface LogWriterOptions {
  /** The most characters queued; lines past it are dropped, counted, and reported once. */
  maxQueuedChars: number;
  /** Called with the first failure (a write, a folder that cannot be made, a full queue). */
  report: (error: Error) => void;
}

interface Chunk {
  file: string;
  text: string;
}

/** Writers with lines queued when the process exits: each writes them synchronously. */
const pending = new Set<LogWriter>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const writer of pending) writer.flushSync();
  });
}

/** Appends lines to files, in order, batched, without ever throwing at the caller. */
export class LogWriter {
  readonly #options: LogWriterOptions;
  #queue: Chunk[] = [];
  #queuedChars = 0;
  #draining: Promise<void> | undefined;
  #scheduled = false;
  /** Files written to already (their folder exists, their last line is complete). */
  readonly #ready = new Set<string>();
  #reported = false;
  #dropped = 0;
  /** Lines dropped since the last `log:dropped` marker was queued. */
  #droppedSinceMarker = 0;
  #closed = false;

  /** @param options - the queue bound and where failures are reported. */
  constructor(options: LogWriterOptions) {
    this.#options = options;
  }

  /** Lines lost so far: dropped from a full queue or in a failed write. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Queues a line (with its newline) for `file`. Returns at once; the line is appended soon
   * after, in the order queued.
   */
  write(file: string, line: string, ts: number): void {
    if (this.#closed) return;
    if (this.#queuedChars + line.length > this.#options.maxQueuedChars) {
      this.#lose(1, new Error(queueFullMessage(this.#options.maxQueuedChars)));
      return;
    }
    if (this.#droppedSinceMarker > 0) {
      // The reader shows the gap instead of silently missing events.
      const marker = `${JSON.stringify({ ts, type: 'log:dropped', lines: this.#droppedSinceMarker })}\n`;
      this.#droppedSinceMarker = 0;
      this.#enqueue(file, marker);
    }
    this.#enqueue(file, line);
  }

  /** Resolves when every line queued so far has been appended (or has failed, and was counted). */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining) {
      await (this.#draining ?? this.#drain());
    }
  }

  /** Flushes, then ignores further lines. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    pending.delete(this);
  }

  /** Writes what is queued synchronously: for the process's `exit` event only. */
  flushSync(): void {
    const chunks = this.#take();
    for (const { file, text } of group(chunks)) {
      try {
        const prefix = this.#ready.has(file) ? '' : prepareFileSync(file);
        this.#ready.add(file);
        appendFileSync(file, prefix + text);
      } catch (error) {
        this.#lose(countLines(text), error);
      }
    }
  }

  #enqueue(file: string, text: string): void {
    this.#queue.push({ file, text });
    this.#queuedChars += text.length;
    pending.add(this);
    installExitHook();
    if (!this.#scheduled && !this.#draining) {
      this.#scheduled = true;
      // Lines of the same tick go out in one write.
      setImmediate(() => {
        this.#scheduled = false;
        if (!this.#draining) void this.#drain();
      });
    }
  }

  #take(): Chunk[] {
    const chunks = this.#queue;
    this.#queue = [];
    this.#queuedChars = 0;
    pending.delete(this);
    return chunks;
  }

  #drain(): Promise<void> {
    const run = async () => {
      while (this.#queue.length > 0) {
        for (const { file, text } of group(this.#take())) {
          try {
            const prefix = this.#ready.has(file) ? '' : await prepareFile(file);
            this.#ready.add(file);
            await appendFile(file, prefix + text);
          } catch (error) {
            this.#lose(countLines(text), error);
          }
        }
      }
    };
    this.#draining = run().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  #lose(lines: number, error: unknown): void {
    this.#dropped += lines;
    this.#droppedSinceMarker += lines;
    if (this.#reported) return;
    this.#reported = true;
    try {
      this.#options.report(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A reporter that throws must not break the run either.
    }
  }
}

function queueFullMessage(max: number): string {
  return `the run log fell behind: more than ${max} characters waited to be written, so events are being dropped (a slow or stuck disk?). The log marks the gap with a "log:dropped" line.`;
}

/** Consecutive chunks of the same file joined, so each file gets one append per batch. */
function group(chunks: readonly Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  for (const chunk of chunks) {
    const last = out.at(-1);
    if (last && last.file === chunk.file) last.text += chunk.text;
    else out.push({ ...chunk });
  }
  return out;
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * Makes the file's folder, and returns a newline to write first when the file ends in a torn
 * line (a process killed mid-write), so that the next line is not glued to it.
 */
async function prepareFile(file: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size === 0) return '';
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a ? '' : '\n';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  } finally {
    await handle?.close();
  }
}

/** {@link prepareFile}, synchronously, for the process's `exit` event. */
function prepareFileSync(file: string): string {
  mkdirSync(dirname(file), { recursive: true });
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const { size } = fstatSync(fd);
    if (size === 0) return '';
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a ? '' : '\n';
  } finally {
    closeSync(fd);
  }
}
