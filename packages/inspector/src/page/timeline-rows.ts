/**
 * The rows of the run view's timeline, built from a run's timeline: a row per turn, model call,
 * tool call and handoff, and under a tool call that called an agent, that run's row (and its own
 * rows when it is open), as deep as the tree goes. Pure data.
 *
 * @module
 */
import type { ChildRunView, RunTimeline } from '../model/run-timeline.js';
import { formatCount, formatMs } from './format.js';

/** A mark on a row. */
export interface Mark {
  ts: number;
  kind: 'trim' | 'retry' | 'interrupt' | 'resume' | 'pause' | 'error' | 'end' | 'handoff';
  label: string;
}

export interface Row {
  key: string;
  kind: 'turn' | 'model' | 'tool' | 'handoff' | 'child';
  label: string;
  /** How deep in the run tree: 0 for the run shown, 1 for a run it called, and so on. */
  depth: number;
  bar?: { start: number; end: number; state: string; title: string };
  marks: Mark[];
  /** A child run's row: its id, and whether its rows are shown under it. */
  child?: { runId: string; open: boolean };
}

/**
 * The rows of a run's timeline, in order: each turn's model and tool calls, a row per handoff
 * after the turn that called it, and under a tool call that started a child run, the child's
 * row (and, when it is open, the child's own rows, one level deeper).
 *
 * @param timeline - the run's timeline (from `buildRunTree`, for its children).
 * @param open - the child runs whose rows are shown.
 */
export function timelineRows(timeline: RunTimeline, open: ReadonlySet<string> = new Set()): Row[] {
  const rows: Row[] = [];
  addRunRows(rows, timeline, open, '', 0);
  return rows;
}

function addRunRows(
  rows: Row[],
  timeline: RunTimeline,
  open: ReadonlySet<string>,
  prefix: string,
  depth: number,
): void {
  if (depth === 0) {
    const runMarks: Mark[] = [];
    for (const segment of timeline.segments) {
      if (segment.resumed) runMarks.push({ ts: segment.startTs, kind: 'resume', label: 'resumed' });
      if (segment.status === 'interrupted') {
        runMarks.push({ ts: segment.endTs, kind: 'pause', label: 'paused for a decision' });
      } else if (segment.status === 'failed') {
        runMarks.push({ ts: segment.endTs, kind: 'error', label: 'failed' });
      } else if (segment.status === 'completed') {
        runMarks.push({ ts: segment.endTs, kind: 'end', label: 'answered' });
      }
    }
    for (const handoff of timeline.handoffs) {
      runMarks.push({ ts: handoff.ts, kind: 'handoff', label: `${handoff.from} → ${handoff.to}` });
    }
    rows.push({ key: 'run', kind: 'turn', label: 'run', depth, marks: runMarks });
  }
  for (const turn of timeline.turns) {
    const turnLabel = `turn ${turn.turn}${timeline.handoffs.length > 0 && turn.agent ? ` · ${turn.agent}` : ''}`;
    rows.push({
      key: `${prefix}turn-${turn.turn}`,
      kind: 'turn',
      label: turnLabel,
      depth,
      bar: { start: turn.startTs, end: turn.endTs, state: 'turn', title: turnLabel },
      marks: turn.trims.map((trim) => ({
        ts: trim.ts,
        kind: 'trim',
        label: `trimmed: ${trim.dropped} messages dropped, ${formatCount(trim.tokens)} of ${formatCount(trim.maxTokens)} tokens`,
      })),
    });
    for (const call of turn.modelCalls) {
      const tokens = call.usage ? ` · ${formatCount(call.usage.totalTokens)} tokens` : '';
      rows.push({
        key: prefix + call.key,
        kind: 'model',
        label: call.model,
        depth,
        bar: {
          start: call.startTs,
          end: call.endTs,
          state: call.status === 'ok' ? 'model' : call.status,
          title: `${call.model} · ${formatMs(call.endTs - call.startTs)}${tokens}${call.finishReason ? ` · ${call.finishReason}` : ''}`,
        },
        marks: call.retries.map((retry) => ({
          ts: retry.ts,
          kind: 'retry',
          label: `retry ${retry.attempt} after ${retry.error.code}`,
        })),
      });
    }
    for (const call of turn.tools) {
      rows.push({
        key: prefix + call.key,
        kind: 'tool',
        label: call.name,
        depth,
        bar: {
          start: call.startTs,
          end: call.endTs,
          state: call.outcome,
          title: `${call.name} · ${call.outcome}${call.durationMs !== undefined ? ` · ${formatMs(call.durationMs)}` : ''}`,
        },
        marks:
          call.interruptedTs !== undefined
            ? [{ ts: call.interruptedTs, kind: 'interrupt', label: 'waits for a decision' }]
            : [],
      });
      for (const child of call.children ?? []) addChildRows(rows, child, open, depth + 1);
    }
    timeline.handoffs.forEach((handoff, index) => {
      if (handoff.turn !== turn.turn) return;
      const label = `${handoff.from} → ${handoff.to}`;
      rows.push({
        key: `${prefix}handoff-${index}`,
        kind: 'handoff',
        label,
        depth,
        marks: [
          { ts: handoff.ts, kind: 'handoff', label: `handoff in turn ${handoff.turn}: ${label}` },
        ],
      });
    });
  }
  for (const child of timeline.children) addChildRows(rows, child, open, depth + 1);
}

function addChildRows(
  rows: Row[],
  child: ChildRunView,
  open: ReadonlySet<string>,
  depth: number,
): void {
  const isOpen = open.has(child.runId);
  const tokens = child.summary.tree?.tokens.total ?? child.summary.tokens.total;
  rows.push({
    key: `child:${child.runId}`,
    kind: 'child',
    label: child.agent,
    depth,
    bar: {
      start: child.timeline.startTs,
      end: child.timeline.endTs,
      state: child.status === 'completed' ? 'child' : child.status,
      title: `${child.path.join(' › ')} · ${child.status} · ${child.summary.turns} turns · ${formatCount(tokens)} tokens`,
    },
    marks: [],
    child: { runId: child.runId, open: isOpen },
  });
  if (isOpen) addRunRows(rows, child.timeline, open, `${child.runId}/`, depth);
}
