/**
 * `runLog`: records every event of every run of the agents it listens to, one JSON line each,
 * for `agentloop-inspect` to show.
 *
 * @module
 */
import { join, resolve } from 'node:path';
import { type AgentEvent, ConfigurationError } from '@agentloop/core';
import { toLogLine } from './log-line.js';
import { LogWriter } from './log-writer.js';
import { collectSecrets } from './secrets.js';

/** Options of {@link runLog}: give `file` or `dir`. */
export interface RunLogOptions {
  /** The file every line is appended to (created with its folder when missing). */
  file?: string;
  /** A folder to write one file per day into, `runs-YYYY-MM-DD.jsonl` (UTC dates). */
  dir?: string;
  /**
   * Strings that must never appear in the log (replaced with `[redacted]`), besides the values
   * of `OPENAI_API_KEY` and `AZURE_OPENAI_API_KEY` and anything shaped like an `sk-` key or a
   * `Bearer` token, which are always scrubbed.
   */
  secrets?: readonly string[];
  /** The longest string a line keeps whole (tool arguments, results, answers). @default 16384 */
  maxValueChars?: number;
  /** The most characters of one line; later fields are cut. @default 131072 */
  maxLineChars?: number;
  /**
   * Also write `text:delta` and `tool:args` (one line per streamed chunk). Without them the
   * log still has each reply's text, in its `model:end` line. @default false
   */
  deltas?: boolean;
  /** The most characters waiting to be written before lines are dropped. @default 8 MiB */
  maxQueuedChars?: number;
  /**
   * Called once, with the first failure (a write that failed, a queue that overflowed);
   * later failures are only counted in `dropped`. @default a `console.warn`
   */
  onError?: (error: Error) => void;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/**
 * A run log: an event listener (`agent.on('*', log)`) with a way to wait for its writes.
 */
export interface RunLog {
  /** Records one event. Never throws, never waits: the line is written soon after. */
  (event: AgentEvent): void;
  /** The file the next line goes to (with `dir`, today's file). */
  readonly file: string;
  /** How many lines were lost (a failed write, a full queue). */
  readonly dropped: number;
  /** Resolves when every event recorded so far is written. */
  flush(): Promise<void>;
  /** Flushes, then ignores later events. */
  close(): Promise<void>;
}

/** The default {@link RunLogOptions.maxValueChars}. */
export const DEFAULT_MAX_VALUE_CHARS = 16 * 1024;
const DEFAULT_MAX_LINE_CHARS = 128 * 1024;
const DEFAULT_MAX_QUEUED_CHARS = 8 * 1024 * 1024;
const MAX_DEPTH = 32;

/**
 * Records every event of every run as one JSON line: the event's wire form (`toWireEvent`, which
 * leaves out instructions, the conversation and raw errors), a timestamp `ts`, the run's input
 * and each reply's text; every string scrubbed of keys and cut when long. Writing is buffered
 * and never slows or breaks a run: a failure is reported once and counted. Attached to a caller
 * and to the agents it calls as tools (whose events reach both), it writes each event once.
 *
 * Open the file (or folder) with `npx agentloop-inspect <path>`.
 *
 * @param options - `file` or `dir`, and the limits.
 * @returns the listener, with `flush()` and `close()`.
 * @throws ConfigurationError (code `invalid_config`) for missing or invalid options.
 *
 * @example
 * ```ts
 * import { runLog } from '@agentloop/inspector';
 *
 * const log = runLog({ file: '.agentloop/runs.jsonl' });
 * agent.on('*', log);
 * await agent.run('Weather in Paris?');
 * await log.flush(); // before process.exit(); a normal exit writes what is left by itself
 * ```
 */
export function runLog(options: RunLogOptions): RunLog {
  const {
    file,
    dir,
    secrets = [],
    maxValueChars = DEFAULT_MAX_VALUE_CHARS,
    maxLineChars = DEFAULT_MAX_LINE_CHARS,
    deltas = false,
    maxQueuedChars = DEFAULT_MAX_QUEUED_CHARS,
    onError = warn,
    now = Date.now,
  } = checkOptions(options);
  const target = file !== undefined ? { file: resolve(file) } : { dir: resolve(dir ?? '.') };
  const fileAt = (ts: number) => target.file ?? join(target.dir ?? '.', dayFile(ts));
  const lineOptions = {
    maxChars: maxValueChars,
    maxLineChars,
    maxDepth: MAX_DEPTH,
    secrets: collectSecrets(secrets),
    deltas,
  };
  const writer = new LogWriter({ maxQueuedChars, report: onError });
  // A child run's events reach its own agent's listeners and then its caller's, as one object:
  // a log attached to both writes each once.
  const seen = new WeakSet<object>();

  const log = ((event: AgentEvent) => {
    let ts = 0;
    try {
      if (typeof event === 'object' && event !== null) {
        if (seen.has(event)) return;
        seen.add(event);
      }
      ts = now();
      const line = toLogLine(event, ts, lineOptions);
      if (line !== undefined) writer.write(fileAt(ts), line, ts);
    } catch (error) {
      // Nothing an event holds should get here; if it does, the run must not notice.
      try {
        writer.write(fileAt(ts), failedLine(event, ts, error), ts);
      } catch {
        // A clock or a path that throws: there is nowhere to write to.
      }
    }
  }) as RunLog;
  Object.defineProperties(log, {
    file: { get: () => fileAt(now()), enumerable: true },
    dropped: { get: () => writer.dropped, enumerable: true },
    flush: { value: () => writer.flush() },
    close: { value: () => writer.close() },
  });
  return log;
}

function warn(error: Error): void {
  console.warn(`agentloop runLog: ${error.message}`);
}

/** The file of a day in a log folder: `runs-2026-01-31.jsonl`. */
export function dayFile(ts: number): string {
  return `runs-${new Date(ts).toISOString().slice(0, 10)}.jsonl`;
}

/** A line saying an event could not be written, so the reader sees the gap. */
function failedLine(event: AgentEvent, ts: number, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `${JSON.stringify({
    ts,
    type: 'log:unwritable',
    event: String(event?.type),
    runId: String(event?.runId),
    reason: reason.slice(0, 500),
  })}\n`;
}

function checkOptions(options: RunLogOptions): RunLogOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      `runLog expects an options object such as { file: '.agentloop/runs.jsonl' }, got ${String(options)}.`,
    );
  }
  const { file, dir } = options;
  if ((file === undefined) === (dir === undefined)) {
    throw new ConfigurationError(
      `runLog expects exactly one of 'file' (one file for every run) or 'dir' (a folder, one file per day), got ${file === undefined ? 'neither' : 'both'}.`,
      { option: 'file' },
    );
  }
  for (const [name, value] of [
    ['file', file],
    ['dir', dir],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw new ConfigurationError(
        `runLog option '${name}' must be a non-empty path, got ${JSON.stringify(value)}.`,
        { option: name },
      );
    }
  }
  for (const name of ['maxValueChars', 'maxLineChars', 'maxQueuedChars'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 64)) {
      throw new ConfigurationError(
        `runLog option '${name}' must be an integer of at least 64, got ${String(value)}.`,
        { option: name },
      );
    }
  }
  if (
    options.secrets !== undefined &&
    !(Array.isArray(options.secrets) && options.secrets.every((s) => typeof s === 'string'))
  ) {
    throw new ConfigurationError(
      `runLog option 'secrets' must be an array of strings, got ${typeof options.secrets}.`,
      { option: 'secrets' },
    );
  }
  for (const name of ['onError', 'now'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'function') {
      throw new ConfigurationError(
        `runLog option '${name}' must be a function, got ${typeof value}.`,
        { option: name },
      );
    }
  }
  return options;
}
