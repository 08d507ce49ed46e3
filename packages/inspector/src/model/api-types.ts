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
  /**
   * The runs nobody in the log called, the most recently started first (the input cut to its
   * start, no answer); a run that called agents as tools carries the totals of its tree in `tree`.
   */
  runs: RunSummary[];
  /** How many runs were called by another run of the log (agents called as tools), at any depth. */
  childRuns: number;
  /** Lines that could not be read (the first ones), and how many there were in all. */
  problems: LogProblem[];
  problemCount: number;
  /** What to say about the source itself (a file gone, a last line still being written). */
  notes: string[];
}

/** A run called by the run shown, or by one of its descendants. */
export interface ChildRunData {
  summary: RunSummary;
  events: LoggedEvent[];
}

/** `GET /api/runs/:runId`. */
export interface RunResponse {
  version: number;
  summary: RunSummary;
  events: LoggedEvent[];
  /** Every run under this one (agents called as tools, at any depth), callers before the called. */
  descendants: ChildRunData[];
  /** The runs above this one, the root first (empty for a root run). */
  ancestors: Array<{ runId: string; agent: string }>;
}

/** Each message of `GET /api/updates` (server-sent events). */
export interface UpdateMessage {
  version: number;
}
