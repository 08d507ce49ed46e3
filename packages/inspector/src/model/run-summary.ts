/**
 * What the runs list shows of a run, computed from its logged events: agent, times, status,
 * turns, tokens, cost, error.
 *
 * @module
 */
import type { LoggedEvent } from './logged-event.js';

/** Where a run stands, as far as its log tells. */
export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

/** Tokens summed over a run's model calls. */
export interface TokenTotals {
  prompt: number;
  completion: number;
  total: number;
  cached: number;
  reasoning: number;
}

/** A run error as logged (`toWireError`). */
export interface LoggedError {
  name: string;
  code: string;
  message: string;
}

/** What a run and every run under it (agents called as tools, and theirs) add up to. */
export interface TreeTotals {
  /** How many runs are under this one, at any depth. */
  runs: number;
  /** The agents of those runs, each once, in order of first start. */
  agents: string[];
  /** Of those runs, how many failed (aborted ones included). */
  failed: number;
  modelCalls: number;
  toolCalls: number;
  /** Tokens of this run and every run under it. */
  tokens: TokenTotals;
  /** Their cost in USD; `null` when any model call's cost is unknown. */
  cost: number | null;
}

/** One run, summed up. */
export interface RunSummary {
  runId: string;
  /** The agent's name (`(unknown)` when the log has no `run:start` for the run). */
  agent: string;
  /**
   * The run that called this one (an agent called as a tool): its events carry `parentRunId`.
   * Absent for a run nobody called, and in logs written before agents could call agents.
   */
  parentRunId?: string;
  /**
   * The caller's tool call that started this run (events carry `parentToolCallId`); absent for a
   * run nobody called and in logs written before events named the call.
   */
  parentToolCallId?: string;
  /** The agents from the root run down to this one, root first (absent in older logs). */
  path?: string[];
  /** How many times another agent took over the run (`agent:handoff`). */
  handoffs: number;
  /** The agent answering at the end, when a handoff made another one active. */
  activeAgent?: string;
  /**
   * This run with the runs under it, set by the run index on a run that called other agents.
   * Its own figures (`tokens`, `cost`, ...) stay its own.
   */
  tree?: TreeTotals;
  sessionId?: string;
  /** The first event's time, in ms since the epoch. */
  startTs: number;
  /** The last event's time. */
  lastTs: number;
  /**
   * Time spent running: from each start (the first, and each resumption) to the run's end or
   * pause, added up. A run waiting for an approval is not running.
   */
  durationMs: number;
  /** `running` until a `run:end` or `run:error` follows its latest start. */
  status: RunStatus;
  /** How many times the run was resumed (`run:start` with `resumed`). */
  resumptions: number;
  /** The highest turn number seen. */
  turns: number;
  modelCalls: number;
  toolCalls: number;
  /** Tool calls that ended without `ok` (faults, timeouts, denials). */
  toolFaults: number;
  retries: number;
  trims: number;
  /** Calls waiting for a decision when the run was last paused. */
  interruptions: number;
  tokens: TokenTotals;
  /** The cost in USD, summed over model calls; `null` when any call's cost is unknown. */
  cost: number | null;
  /** The models called, in order of first use. */
  models: string[];
  /** The run's error, when it failed. */
  error?: LoggedError;
  /** The user's input (its last user message). */
  input?: string;
  /** The answer's text, when it completed. */
  answer?: string;
  /** How many events the log holds for the run. */
  events: number;
}

/**
 * Sums up a run from its events, in the order they were logged.
 *
 * @param runId - the run.
 * @param events - its events (not empty).
 * @returns the summary.
 */
export function summarizeRun(runId: string, events: readonly LoggedEvent[]): RunSummary {
  const tokens: TokenTotals = { prompt: 0, completion: 0, total: 0, cached: 0, reasoning: 0 };
  const summary: RunSummary = {
    runId,
    agent: '(unknown)',
    startTs: events[0]?.ts ?? 0,
    lastTs: events.at(-1)?.ts ?? 0,
    durationMs: 0,
    status: 'running',
    resumptions: 0,
    handoffs: 0,
    turns: 0,
    modelCalls: 0,
    toolCalls: 0,
    toolFaults: 0,
    retries: 0,
    trims: 0,
    interruptions: 0,
    tokens,
    cost: 0,
    models: [],
    events: events.length,
  };
  let segmentStart: number | undefined = summary.startTs;
  let costKnown = true;
  const tools = new Set<string>();
  for (const event of events) {
    summary.turns = Math.max(summary.turns, event.turn);
    // Older logs have no path or parent; a log that starts mid-run still names its run's agent.
    if (summary.parentRunId === undefined && typeof event.parentRunId === 'string') {
      summary.parentRunId = event.parentRunId;
    }
    if (summary.parentToolCallId === undefined && typeof event.parentToolCallId === 'string') {
      summary.parentToolCallId = event.parentToolCallId;
    }
    if (summary.path === undefined && Array.isArray(event.path)) summary.path = [...event.path];
    switch (event.type) {
      case 'run:start':
        if (event.resumed) summary.resumptions++;
        if (summary.agent === '(unknown)' && typeof event.agent === 'string') {
          summary.agent = event.agent;
        }
        if (event.sessionId !== undefined) summary.sessionId = event.sessionId;
        if (event.input !== undefined && summary.input === undefined) summary.input = event.input;
        segmentStart ??= event.ts;
        summary.status = 'running';
        break;
      case 'model:start':
        if (!summary.models.includes(event.model)) summary.models.push(event.model);
        break;
      case 'model:retry':
        summary.retries++;
        break;
      case 'memory:trim':
        summary.trims++;
        break;
      case 'model:end': {
        summary.modelCalls++;
        const usage = event.usage;
        tokens.prompt += usage.promptTokens;
        tokens.completion += usage.completionTokens;
        tokens.total += usage.totalTokens;
        tokens.cached += usage.cachedTokens;
        tokens.reasoning += usage.reasoningTokens;
        if (typeof usage.cost === 'number') summary.cost = (summary.cost ?? 0) + usage.cost;
        else costKnown = false;
        break;
      }
      case 'tool:end':
        tools.add(event.toolCallId);
        if (!event.outcome.ok) summary.toolFaults++;
        break;
      case 'tool:interrupt':
        tools.add(event.toolCallId);
        break;
      case 'agent:handoff':
        summary.handoffs++;
        summary.activeAgent = event.to;
        break;
      case 'run:end':
        summary.status = event.status;
        summary.interruptions = event.result.interruptions.length;
        if (event.status === 'completed') summary.answer = event.result.text;
        summary.durationMs += event.ts - (segmentStart ?? event.ts);
        segmentStart = undefined;
        break;
      case 'run:error':
        summary.status = 'failed';
        summary.error = {
          name: event.error.name,
          code: event.error.code,
          message: event.error.message,
        };
        summary.durationMs += event.ts - (segmentStart ?? event.ts);
        segmentStart = undefined;
        break;
      default:
        break;
    }
  }
  if (summary.agent === '(unknown)') {
    // A log that starts mid-run: its events name the agent too (logs of this version do).
    const named = events.find((event) => typeof event.agent === 'string');
    if (named) summary.agent = named.agent;
  }
  if (segmentStart !== undefined) summary.durationMs += summary.lastTs - segmentStart;
  summary.toolCalls = tools.size;
  // Float sums of prices: round as core does, so the figure matches the log's to the digit.
  summary.cost = costKnown ? Math.round((summary.cost ?? 0) * 1e10) / 1e10 : null;
  return summary;
}
