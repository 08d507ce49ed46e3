/**
 * A run with the runs it started: each child run (an agent called as a tool, whose events carry
 * `parentRunId`) is built into its own timeline and hung under the tool call that started it,
 * recursively. Pure data, for the run view.
 *
 * @module
 */
import type { ChildRunData } from './api-types.js';
import type { LoggedEvent } from './logged-event.js';
import type { RunSummary } from './run-summary.js';
import {
  buildRunTimeline,
  type ChildRunStatus,
  type ChildRunView,
  type RunTimeline,
  type ToolCallView,
} from './run-timeline.js';

/** What a run tree is built from: a run's events and every run under it (as the server sends them). */
export interface RunTreeInput {
  summary: RunSummary;
  events: readonly LoggedEvent[];
  /** Every run under this one, at any depth (`RunResponse.descendants`). */
  descendants: readonly ChildRunData[];
}

/**
 * Builds a run's timeline with its child runs nested under the tool calls that started them.
 *
 * A child names its caller's run (`parentRunId`) and the call that started it
 * (`parentToolCallId`): it goes under that call (the latest run of it that started by the child's
 * start, when a crash made the call run again). Logs written before events named the call name
 * the run only: such a child goes under the caller's tool call that was running when the child
 * started, preferring a call named after the child's agent and a call that has no child yet
 * (parallel calls of one agent-tool get one child each, in the order they started). A child no
 * call fits (a log cut short) is kept in the caller's `children`. The root's time span grows to cover its children's.
 *
 * @param input - the run and its descendants.
 * @returns the root's timeline.
 */
export function buildRunTree({ summary, events, descendants }: RunTreeInput): RunTimeline {
  const root = buildRunTimeline(events);
  const timelines = new Map<string, RunTimeline>([[summary.runId, root]]);
  const byParent = new Map<string, ChildRunData[]>();
  for (const child of descendants) {
    const parent = child.summary.parentRunId;
    if (parent === undefined) continue;
    const list = byParent.get(parent) ?? [];
    list.push(child);
    byParent.set(parent, list);
  }
  // Parents before children: each child's caller is built when the child is hung under it.
  const build = (runId: string, timeline: RunTimeline, ended: boolean) => {
    const children = (byParent.get(runId) ?? []).sort(
      (a, b) => a.summary.startTs - b.summary.startTs,
    );
    for (const child of children) {
      if (timelines.has(child.summary.runId)) continue;
      const childTimeline = buildRunTimeline(child.events);
      timelines.set(child.summary.runId, childTimeline);
      const view = childView(child, childTimeline, ended);
      const call = callerOf(timeline, view);
      if (!call) timeline.children.push(view);
      else if (call.children) call.children.push(view);
      else call.children = [view];
      build(child.summary.runId, childTimeline, view.status !== 'running');
    }
  };
  build(summary.runId, root, root.status !== 'running');
  stretch(root);
  return root;
}

/**
 * Stretches each run (and each of its calls still running) to cover the runs under it: a caller
 * whose log stops at a tool:start is still waiting while its child's events come in.
 *
 * @returns the run's end.
 */
function stretch(timeline: RunTimeline): number {
  const reach = (child: ChildRunView) => {
    const end = stretch(child.timeline);
    timeline.startTs = Math.min(timeline.startTs, child.timeline.startTs);
    timeline.endTs = Math.max(timeline.endTs, end);
    return end;
  };
  for (const turn of timeline.turns) {
    for (const call of turn.tools) {
      for (const child of call.children ?? []) {
        const end = reach(child);
        if (call.outcome === 'running') call.endTs = Math.max(call.endTs, end);
        turn.endTs = Math.max(turn.endTs, call.endTs);
      }
    }
  }
  for (const child of timeline.children) reach(child);
  for (const segment of timeline.segments) {
    if (segment.status === 'running') segment.endTs = Math.max(segment.endTs, timeline.endTs);
  }
  return timeline.endTs;
}

function childView(child: ChildRunData, timeline: RunTimeline, callerEnded: boolean): ChildRunView {
  const { summary } = child;
  let status: ChildRunStatus = summary.status;
  if (status === 'failed' && summary.error?.code === 'run_aborted') status = 'aborted';
  // No end logged, but its caller ended: the child stopped with it.
  if (status === 'running' && callerEnded) status = 'aborted';
  return {
    runId: summary.runId,
    agent: summary.agent,
    path: summary.path ?? [summary.agent],
    status,
    summary,
    timeline,
  };
}

/** The tool call of `timeline` that started `child` (see {@link buildRunTree}). */
function callerOf(timeline: RunTimeline, child: ChildRunView): ToolCallView | undefined {
  const start = child.summary.startTs;
  const named = child.summary.parentToolCallId;
  if (named !== undefined) {
    let latest: ToolCallView | undefined;
    for (const turn of timeline.turns) {
      for (const call of turn.tools) {
        if (call.toolCallId !== named) continue;
        if (latest === undefined || call.startTs <= start) latest = call;
      }
    }
    if (latest) return latest;
  }
  return guessCaller(timeline, child, start);
}

/** The caller's call a child from an older log (no `parentToolCallId`) most likely belongs to. */
function guessCaller(
  timeline: RunTimeline,
  child: ChildRunView,
  start: number,
): ToolCallView | undefined {
  // asTool names its tool after the agent, with characters a tool name cannot hold as `_`.
  const toolName = child.agent.replace(/[^a-zA-Z0-9_-]/g, '_');
  let best: ToolCallView | undefined;
  let bestScore = -1;
  for (const turn of timeline.turns) {
    for (const call of turn.tools) {
      // The child starts inside its call: after the call started, before (or as) it ended; a
      // call still running has not ended.
      if (call.startTs > start || (call.outcome !== 'running' && call.endTs < start)) continue;
      const named = call.name === toolName || call.name.includes(toolName) ? 2 : 0;
      const free = call.children === undefined ? 1 : 0;
      const score = named + free;
      // Ties go to the call that started first: parallel calls start their children in order.
      if (score > bestScore) {
        best = call;
        bestScore = score;
      }
    }
  }
  return best;
}
