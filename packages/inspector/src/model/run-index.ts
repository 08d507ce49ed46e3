/**
 * The runs of a log, kept up to date as lines arrive: each line is parsed and filed under its
 * run; summaries are computed when asked for, and only for runs that changed.
 *
 * @module
 */
import type { LoggedEvent } from './logged-event.js';
import { parseLogLine } from './parse-log-line.js';
import { type RunSummary, summarizeRun, type TokenTotals, type TreeTotals } from './run-summary.js';

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
  /** The run that called this one, from the first event that names it. */
  parentRunId: string | undefined;
  /** The runs this one called, in the order they were first logged. */
  children: string[];
}

/** A run with its summary and its events, as logged. */
export interface IndexedRun {
  summary: RunSummary;
  events: readonly LoggedEvent[];
}

/** A run, the runs under it and the runs above it. */
export interface IndexedRunTree extends IndexedRun {
  /** Every run under this one, at any depth, parents before their children. */
  descendants: IndexedRun[];
  /** The runs above this one, the root first: what the page links back to. */
  ancestors: Array<{ runId: string; agent: string }>;
}

/** Every run of a log: add lines as they come, read summaries and a run's events. */
export class RunIndex {
  readonly #runs = new Map<string, RunEntry>();
  readonly #problems: LogProblem[] = [];
  #problemCount = 0;
  #events = 0;
  #version = 0;
  #sorted: RunSummary[] | undefined;
  #roots: RunSummary[] | undefined;

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
      entry = { events: [], summary: undefined, parentRunId: undefined, children: [] };
      this.#runs.set(event.runId, entry);
    }
    const parentRunId = event.parentRunId;
    if (entry.parentRunId === undefined && typeof parentRunId === 'string') {
      entry.parentRunId = parentRunId;
      this.#entry(parentRunId).children.push(event.runId);
    }
    entry.events.push(event);
    entry.summary = undefined;
    this.#sorted = undefined;
    this.#roots = undefined;
    this.#events++;
    this.#version++;
  }

  /** Records a problem (kept while there are fewer than {@link MAX_PROBLEMS}). */
  addProblem(problem: LogProblem): void {
    this.#problemCount++;
    if (this.#problems.length < MAX_PROBLEMS) this.#problems.push(problem);
    this.#version++;
  }

  /** Every run, callers and called alike, the most recently started first. */
  runs(): RunSummary[] {
    if (!this.#sorted) {
      this.#sorted = [...this.#runs]
        .filter(([, entry]) => entry.events.length > 0)
        .map(([runId, entry]) => this.#summary(runId, entry));
      this.#sorted.sort((a, b) => b.startTs - a.startTs || (a.runId < b.runId ? -1 : 1));
    }
    return this.#sorted;
  }

  /**
   * The runs nobody in the log called (and runs whose caller is not in the log), the most
   * recently started first; each that called other agents has its {@link RunSummary.tree}.
   */
  rootRuns(): RunSummary[] {
    if (!this.#roots) {
      this.#roots = this.runs()
        .filter((summary) => !this.#hasParent(summary.runId))
        .map((summary) => {
          const tree = this.#tree(summary.runId);
          return tree ? { ...summary, tree } : summary;
        });
    }
    return this.#roots;
  }

  /** One run's summary and events, or `undefined` for a run the log does not have. */
  run(runId: string): IndexedRun | undefined {
    const entry = this.#runs.get(runId);
    if (!entry || entry.events.length === 0) return undefined;
    const summary = this.#summary(runId, entry);
    const tree = entry.children.length > 0 ? this.#tree(runId) : undefined;
    return { summary: tree ? { ...summary, tree } : summary, events: entry.events };
  }

  /** One run with the runs under it and above it, or `undefined` for a run the log does not have. */
  runTree(runId: string): IndexedRunTree | undefined {
    const run = this.run(runId);
    if (!run) return undefined;
    const descendants = this.#descendants(runId).map((id) => this.run(id) as IndexedRun);
    const ancestors: IndexedRunTree['ancestors'] = [];
    const seen = new Set([runId]);
    for (let id = this.#runs.get(runId)?.parentRunId; id !== undefined && !seen.has(id); ) {
      seen.add(id);
      const entry = this.#runs.get(id);
      if (!entry || entry.events.length === 0) break;
      ancestors.unshift({ runId: id, agent: this.#summary(id, entry).agent });
      id = entry.parentRunId;
    }
    return { ...run, descendants, ancestors };
  }

  #entry(runId: string): RunEntry {
    let entry = this.#runs.get(runId);
    if (!entry) {
      // A parent named before its own first event: a placeholder until that event comes.
      entry = { events: [], summary: undefined, parentRunId: undefined, children: [] };
      this.#runs.set(runId, entry);
    }
    return entry;
  }

  #hasParent(runId: string): boolean {
    const parent = this.#runs.get(runId)?.parentRunId;
    return parent !== undefined && (this.#runs.get(parent)?.events.length ?? 0) > 0;
  }

  /** The runs under `runId` that have events, parents first; a cycle (a bad log) stops the walk. */
  #descendants(runId: string): string[] {
    const out: string[] = [];
    const seen = new Set([runId]);
    const walk = (id: string) => {
      for (const child of this.#runs.get(id)?.children ?? []) {
        if (seen.has(child)) continue;
        seen.add(child);
        if ((this.#runs.get(child)?.events.length ?? 0) > 0) out.push(child);
        walk(child);
      }
    };
    walk(runId);
    return out;
  }

  #tree(runId: string): TreeTotals | undefined {
    const descendants = this.#descendants(runId);
    if (descendants.length === 0) return undefined;
    const own = this.#summary(runId, this.#runs.get(runId) as RunEntry);
    const tokens: TokenTotals = { ...own.tokens };
    const tree: TreeTotals = {
      runs: descendants.length,
      agents: [],
      failed: 0,
      modelCalls: own.modelCalls,
      toolCalls: own.toolCalls,
      tokens,
      cost: own.cost,
    };
    for (const id of descendants) {
      const child = this.#summary(id, this.#runs.get(id) as RunEntry);
      if (!tree.agents.includes(child.agent)) tree.agents.push(child.agent);
      if (child.status === 'failed') tree.failed++;
      tree.modelCalls += child.modelCalls;
      tree.toolCalls += child.toolCalls;
      tokens.prompt += child.tokens.prompt;
      tokens.completion += child.tokens.completion;
      tokens.total += child.tokens.total;
      tokens.cached += child.tokens.cached;
      tokens.reasoning += child.tokens.reasoning;
      tree.cost = tree.cost === null || child.cost === null ? null : tree.cost + child.cost;
    }
    if (tree.cost !== null) tree.cost = Math.round(tree.cost * 1e10) / 1e10;
    return tree;
  }

  #summary(runId: string, entry: RunEntry): RunSummary {
    entry.summary ??= summarizeRun(runId, entry.events);
    return entry.summary;
  }
}
