/**
 * The runs of a log, kept up to date as lines arrive: each line is parsed and filed under its
 * run; summaries are computed when asked for, and only for runs that changed.
 *
 * @module
 */
import type { LoggedEvent } from './logged-event.js';
import { parseLogLine } from './parse-log-line.js';
import { type RunSummary, summarizeRun } from './run-summary.js';

/** A line the index could not use, and where it is. */
export interface LogProblem {
  /** The file, as given to the index. */
  file: string;
  /** The line number, from 1. */
  line: number;
  reason: string;
}

/** The most problems kept (the count goes on). */
export const MAX_PROBLEMS = 200;

interface RunEntry {
  events: LoggedEvent[];
  summary: RunSummary | undefined;
}

/** Every run of a log: add lines as they come, read summaries and a run's events. */
export class RunIndex {
  readonly #runs = new Map<string, RunEntry>();
  readonly #problems: LogProblem[] = [];
  #problemCount = 0;
  #events = 0;
  #version = 0;
  #sorted: RunSummary[] | undefined;

  /** Grows with every change: what the page compares to know it must fetch again. */
  get version(): number {
    return this.#version;
  }

  /** How many events the index holds. */
  get eventCount(): number {
    return this.#events;
  }

  /** The first {@link MAX_PROBLEMS} problems. */
  get problems(): readonly LogProblem[] {
    return this.#problems;
  }

  /** How many problems were found in all. */
  get problemCount(): number {
    return this.#problemCount;
  }

  /**
   * Files one line of a log.
   *
   * @param text - the line, without its newline.
   * @param file - the file it came from.
   * @param line - its line number, from 1.
   */
  addLine(text: string, file: string, line: number): void {
    const parsed = parseLogLine(text);
    if (parsed.kind === 'blank') return;
    if (parsed.kind === 'problem') this.addProblem({ file, line, reason: parsed.reason });
    else this.addEvent(parsed.event);
  }

  /** Files one event under its run. */
  addEvent(event: LoggedEvent): void {
    let entry = this.#runs.get(event.runId);
    if (!entry) {
      entry = { events: [], summary: undefined };
      this.#runs.set(event.runId, entry);
    }
    entry.events.push(event);
    entry.summary = undefined;
    this.#sorted = undefined;
    this.#events++;
    this.#version++;
  }

  /** Records a problem (kept while there are fewer than {@link MAX_PROBLEMS}). */
  addProblem(problem: LogProblem): void {
    this.#problemCount++;
    if (this.#problems.length < MAX_PROBLEMS) this.#problems.push(problem);
    this.#version++;
  }

  /** Every run, the most recently started first. */
  runs(): RunSummary[] {
    if (!this.#sorted) {
      this.#sorted = [...this.#runs].map(([runId, entry]) => this.#summary(runId, entry));
      this.#sorted.sort((a, b) => b.startTs - a.startTs || (a.runId < b.runId ? -1 : 1));
    }
    return this.#sorted;
  }

  /** One run's summary and events, or `undefined` for a run the log does not have. */
  run(runId: string): { summary: RunSummary; events: readonly LoggedEvent[] } | undefined {
    const entry = this.#runs.get(runId);
    return entry ? { summary: this.#summary(runId, entry), events: entry.events } : undefined;
  }

  #summary(runId: string, entry: RunEntry): RunSummary {
    entry.summary ??= summarizeRun(runId, entry.events);
    return entry.summary;
  }
}
