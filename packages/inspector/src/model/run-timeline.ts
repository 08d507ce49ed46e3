/**
 * A run's timeline, built from its logged events: its turns, each with its model calls (tokens,
 * cost, latency, finish reason, retries), its tool calls (arguments, result, duration, outcome)
 * and trims; its pauses and resumptions; its answer or error. Pure data, for the run view.
 *
 * @module
 */
import type {
  FinishReason,
  RunFinishReason,
  Usage,
  WireError,
  WireInterruption,
} from '@agentloop/core';
import type { LoggedEvent } from './logged-event.js';
import type { RunStatus, RunSummary } from './run-summary.js';

/** How a tool call came out, as the run view colours it. */
export type ToolOutcomeKind =
  | 'ok'
  | 'fault'
  | 'timeout'
  | 'denied'
  | 'aborted'
  | 'interrupted'
  | 'running';

/** A transient fault a model call was retried after. */
export interface RetryView {
  ts: number;
  attempt: number;
  delayMs: number;
  error: { code: string; message: string; status?: number | undefined };
}

/** A trim of the context before a model call. */
export interface TrimView {
  ts: number;
  dropped: number;
  shrunk: number;
  kept: number;
  tokens: number;
  maxTokens: number;
}

/** One model call. */
export interface ModelCallView {
  /** Unique in the run: `model-<n>`. */
  key: string;
  turn: number;
  model: string;
  startTs: number;
  /** When the reply arrived, or when the run stopped waiting for it. */
  endTs: number;
  /** `ok` with a reply, `failed` when the run ended without one, `running` while it waits. */
  status: 'ok' | 'failed' | 'running';
  /** Messages and tools the request sent. */
  messages: number;
  tools: number;
  /** From the request to the whole reply, retries included (the logged figure). */
  durationMs?: number;
  usage?: Usage;
  finishReason?: FinishReason | null;
  /** The reply's text. */
  text?: string;
  /** How many tool calls the reply asked for. */
  toolCalls?: number;
  retries: RetryView[];
}

/** One tool call. */
export interface ToolCallView {
  /** Unique in the run: the call id (with `#2`, `#3` for a call run again after a crash). */
  key: string;
  toolCallId: string;
  turn: number;
  name: string;
  /** The arguments it ran with (absent for a call refused before it ran). */
  args?: unknown;
  /** When it started; for a call that never ran, when its failure was recorded. */
  startTs: number;
  endTs: number;
  durationMs?: number;
  outcome: ToolOutcomeKind;
  /** What the model was sent back. */
  output?: string;
  error?: { code: string; message: string };
  /** What the run waited for, when this call paused it. */
  interruption?: WireInterruption;
  /** When it paused the run. */
  interruptedTs?: number;
  /** The runs this call started: an agent called as a tool (`agent.asTool()`). */
  children?: ChildRunView[];
}

/**
 * How a run called by another came out: a child whose run stopped without an end while its
 * caller went on to its own end was cut short with it (`aborted`), as is one that failed with
 * `run_aborted`.
 */
export type ChildRunStatus = RunStatus | 'aborted';

/** A run started by a tool call of the run shown (or of one of its children). */
export interface ChildRunView {
  runId: string;
  agent: string;
  /** The agents from the root run down to this one, root first. */
  path: string[];
  status: ChildRunStatus;
  summary: RunSummary;
  /** Its own turns, model calls and tool calls; its tool calls carry its own children. */
  timeline: RunTimeline;
}

/** Another agent took over the run. */
export interface HandoffView {
  ts: number;
  /** The turn whose model called the handoff. */
  turn: number;
  from: string;
  to: string;
  toolCallId: string;
}

/** One turn: a model call and the tool calls it asked for. */
export interface TurnView {
  turn: number;
  /** The agent active in this turn (the run's own, or the one a handoff made active). */
  agent?: string;
  startTs: number;
  endTs: number;
  finishReason?: FinishReason | null;
  modelCalls: ModelCallView[];
  tools: ToolCallView[];
  trims: TrimView[];
}

/** A stretch of the run between a start (or resumption) and its end or pause. */
export interface SegmentView {
  startTs: number;
  endTs: number;
  resumed: boolean;
  /** How the stretch ended: `running` when the log has no end for it yet. */
  status: RunStatus;
}

/** Everything the run view draws. */
export interface RunTimeline {
  startTs: number;
  endTs: number;
  status: RunStatus;
  turns: TurnView[];
  segments: SegmentView[];
  /** The answer, when the run completed. */
  answer?: { text: string; output: unknown; finishReason: RunFinishReason | null };
  /** The error, when the run failed. */
  error?: WireError;
  /** The calls waiting for a decision, when the run is paused. */
  interruptions: WireInterruption[];
  /** The agent the run started with (absent when the log has no `run:start` for it). */
  agent?: string;
  /** Each time another agent took over, in order. */
  handoffs: HandoffView[];
  /** Runs called by this one that no tool call could be found for (a log cut short). */
  children: ChildRunView[];
  /** Events of types this version does not interpret (a newer agentloop's), in order. */
  other: LoggedEvent[];
}

/**
 * Builds a run's timeline from its events, in the order logged.
 *
 * @param events - the run's events (as `RunIndex.run(id).events`).
 * @returns the timeline.
 */
export function buildRunTimeline(events: readonly LoggedEvent[]): RunTimeline {
  const startTs = events[0]?.ts ?? 0;
  const endTs = events.at(-1)?.ts ?? startTs;
  const timeline: RunTimeline = {
    startTs,
    endTs,
    status: 'running',
    turns: [],
    segments: [],
    interruptions: [],
    handoffs: [],
    children: [],
    other: [],
  };
  /** The agent answering now: the run's, until a handoff names another. */
  let active: string | undefined;
  const turns = new Map<number, TurnView>();
  const turnOf = (turn: number, ts: number): TurnView => {
    let view = turns.get(turn);
    if (!view) {
      view = { turn, startTs: ts, endTs: ts, modelCalls: [], tools: [], trims: [] };
      if (active !== undefined) view.agent = active;
      turns.set(turn, view);
      timeline.turns.push(view);
    }
    view.endTs = Math.max(view.endTs, ts);
    return view;
  };
  let openModel: ModelCallView | undefined;
  let modelCount = 0;
  /** Calls by id: the latest view of each (a call re-run after a crash gets a new one). */
  const calls = new Map<string, ToolCallView>();
  const running = new Set<ToolCallView>();
  const keys = new Set<string>();
  let segment: SegmentView | undefined;
  const endSegment = (ts: number, status: RunStatus) => {
    segment ??= { startTs: startTs, endTs: ts, resumed: false, status };
    if (!timeline.segments.includes(segment)) timeline.segments.push(segment);
    segment.endTs = ts;
    segment.status = status;
    segment = undefined;
    // Whatever was still going on stopped with the run.
    if (openModel) {
      openModel.endTs = ts;
      openModel.status = 'failed';
      openModel = undefined;
    }
    for (const call of running) {
      call.endTs = ts;
      call.outcome = 'aborted';
    }
    running.clear();
  };

  for (const event of events) {
    switch (event.type) {
      case 'run:start':
        if (segment) endSegment(event.ts, 'running');
        segment = {
          startTs: event.ts,
          endTs: event.ts,
          resumed: event.resumed === true,
          status: 'running',
        };
        timeline.segments.push(segment);
        timeline.status = 'running';
        timeline.interruptions = [];
        // A resumed run names the agent it started with; the one answering is still the last taken over.
        if (timeline.agent === undefined && typeof event.agent === 'string') {
          timeline.agent = event.agent;
          active ??= event.agent;
        }
        break;
      case 'agent:handoff':
        timeline.handoffs.push({
          ts: event.ts,
          turn: event.turn,
          from: event.from,
          to: event.to,
          toolCallId: event.toolCallId,
        });
        turnOf(event.turn, event.ts);
        active = event.to;
        break;
      case 'turn:start':
        turnOf(event.turn, event.ts);
        break;
      case 'memory:trim': {
        const { dropped, shrunk, kept, tokens, maxTokens } = event;
        turnOf(event.turn, event.ts).trims.push({
          ts: event.ts,
          dropped,
          shrunk,
          kept,
          tokens,
          maxTokens,
        });
        break;
      }
      case 'model:start':
        openModel = {
          key: `model-${++modelCount}`,
          turn: event.turn,
          model: event.model,
          startTs: event.ts,
          endTs: event.ts,
          status: 'running',
          messages: event.messages,
          tools: event.tools,
          retries: [],
        };
        turnOf(event.turn, event.ts).modelCalls.push(openModel);
        break;
      case 'model:retry':
        turnOf(event.turn, event.ts);
        openModel?.retries.push({
          ts: event.ts,
          attempt: event.attempt,
          delayMs: event.delayMs,
          error: event.error,
        });
        break;
      case 'model:end': {
        const turn = turnOf(event.turn, event.ts);
        const call =
          openModel ??
          // A log that starts mid-call: the reply alone, drawn back from its duration.
          addModel(turn, `model-${++modelCount}`, event.ts - event.durationMs);
        call.endTs = event.ts;
        call.status = 'ok';
        call.durationMs = event.durationMs;
        call.usage = event.usage;
        call.finishReason = event.finishReason;
        if (event.text !== undefined) call.text = event.text;
        if (event.toolCalls !== undefined) call.toolCalls = event.toolCalls;
        if (event.model !== undefined && call.model === '?') call.model = event.model;
        openModel = undefined;
        break;
      }
      case 'tool:start': {
        const existing = calls.get(event.toolCallId);
        // An approved call runs in the resumed run: the same call, now with its run.
        const call =
          existing?.outcome === 'interrupted'
            ? existing
            : newCall(event.toolCallId, event.name, event.turn, event.ts);
        call.startTs = event.ts;
        call.args = event.args;
        call.outcome = 'running';
        running.add(call);
        break;
      }
      case 'tool:end': {
        const { ok, output, error, durationMs } = event.outcome;
        const existing = calls.get(event.toolCallId);
        const call =
          existing && (existing.outcome === 'running' || existing.outcome === 'interrupted')
            ? existing
            : newCall(event.toolCallId, event.name, event.turn, event.ts - durationMs);
        if (call.outcome === 'interrupted') call.startTs = event.ts - durationMs;
        running.delete(call);
        call.endTs = event.ts;
        call.durationMs = durationMs;
        call.output = output;
        if (error) call.error = error;
        call.outcome = event.denied
          ? 'denied'
          : ok
            ? 'ok'
            : error?.code === 'timeout'
              ? 'timeout'
              : error?.code === 'aborted'
                ? 'aborted'
                : 'fault';
        turnOf(event.turn, event.ts);
        break;
      }
      case 'tool:interrupt': {
        const call = newCall(event.toolCallId, event.name, event.turn, event.ts);
        call.outcome = 'interrupted';
        call.interruptedTs = event.ts;
        call.args = event.interruption.args;
        call.interruption = event.interruption;
        break;
      }
      case 'turn:end':
        turnOf(event.turn, event.ts).finishReason = event.finishReason;
        break;
      case 'run:end':
        endSegment(event.ts, event.status);
        timeline.status = event.status;
        timeline.interruptions = event.result.interruptions;
        if (event.status === 'completed') {
          timeline.answer = {
            text: event.result.text,
            output: event.result.output,
            finishReason: event.result.finishReason,
          };
        }
        break;
      case 'run:error':
        endSegment(event.ts, 'failed');
        timeline.status = 'failed';
        timeline.error = event.error;
        break;
      case 'text:delta':
      case 'tool:args':
        break;
      default:
        timeline.other.push(event);
    }
  }
  // Still going on (or the log was cut): bars reach the last event.
  if (segment) segment.endTs = endTs;
  if (openModel) openModel.endTs = Math.max(openModel.endTs, endTs);
  for (const call of running) call.endTs = Math.max(call.endTs, endTs);
  for (const turn of timeline.turns) {
    for (const call of turn.tools) turn.endTs = Math.max(turn.endTs, call.endTs);
    for (const call of turn.modelCalls) turn.endTs = Math.max(turn.endTs, call.endTs);
  }
  return timeline;

  function newCall(toolCallId: string, name: string, turn: number, ts: number): ToolCallView {
    const previous = calls.get(toolCallId);
    let key = toolCallId;
    for (let n = 2; previous && keys.has(key); n++) key = `${toolCallId}#${n}`;
    keys.add(key);
    const call: ToolCallView = {
      key,
      toolCallId,
      turn,
      name,
      startTs: ts,
      endTs: ts,
      outcome: 'running',
    };
    calls.set(toolCallId, call);
    turnOf(turn, ts).tools.push(call);
    return call;
  }
}

function addModel(turn: TurnView, key: string, startTs: number): ModelCallView {
  const call: ModelCallView = {
    key,
    turn: turn.turn,
    model: '?',
    startTs,
    endTs: startTs,
    status: 'running',
    messages: 0,
    tools: 0,
    retries: [],
  };
  turn.modelCalls.push(call);
  turn.startTs = Math.min(turn.startTs, startTs);
  return call;
}
