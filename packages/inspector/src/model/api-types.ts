/**
 * What the inspector's server answers, as the page reads it.
 *
 * @module
 */
import type { LoggedEvent } from './logged-event.js';
import type { LogProblem } from './run-index.js';
import type { RunSummary } from './run-summary.js';

/** The log being shown. */
export interface SourceInfo {
  /** The path given to the inspector, resolved. */
  path: string;
  /** The path as it was given. */
  given: string;
  kind: 'file' | 'dir';
  /** The files read (one for a file; the `.jsonl` files of a folder) and their sizes in bytes. */
  files: Array<{ name: string; bytes: number }>;
}

/** `GET /api/runs`. */
export interface RunsResponse {
  source: SourceInfo;
  /**
   * Grows whenever the log changed; the updates stream sends the same number, so the page
   * fetches again only when it differs from what it has.
   */
  version: number;
  /** Events read. */
  events: number;
  /** Every run, the most recently started first (the input cut to its start, no answer). */
  runs: RunSummary[];
  /** Lines that could not be read (the first ones), and how many there were in all. */
  problems: LogProblem[];
  problemCount: number;
  /** What to say about the source itself (a file gone, a last line still being written). */
  notes: string[];
}

/** `GET /api/runs/:runId`. */
export interface RunResponse {
  version: number;
  summary: RunSummary;
  events: LoggedEvent[];
}

/** Each message of `GET /api/updates` (server-sent events). */
export interface UpdateMessage {
  version: number;
}
