import { emptyUsage } from '../models/usage.js';
import type { ActiveRun } from './active-run.js';
import { restoreOutcome } from './checkpoint.js';
import type { RunSnapshot } from './run-snapshot.js';

/** The part of a run that a snapshot holds: everything but the runtime handles. */
export type RunProgress = Pick<
  ActiveRun<unknown>,
  | 'turn'
  | 'activeAgent'
  | 'handoffs'
  | 'handoff'
  | 'messages'
  | 'firstNew'
  | 'saved'
  | 'usage'
  | 'usageByAgent'
  | 'treeTurns'
  | 'toolCalls'
  | 'finishReason'
  | 'text'
  | 'summary'
  | 'repairs'
  | 'status'
  | 'pending'
  | 'interruptions'
  | 'metadata'
>;

/** The progress of a run about to start. */
export function freshProgress(agent: string): RunProgress {
  return {
    turn: 0,
    activeAgent: agent,
    handoffs: 0,
    handoff: undefined,
    messages: [],
    firstNew: 0,
    saved: 0,
    usage: emptyUsage(),
    usageByAgent: {},
    treeTurns: 0,
    toolCalls: [],
    finishReason: null,
    text: '',
    summary: undefined,
    repairs: 0,
    status: 'running',
    pending: undefined,
    interruptions: [],
    metadata: {},
  };
}

/** The progress of a run continued from its snapshot (which it takes over: pass a copy). */
export function restoreProgress(snapshot: RunSnapshot): RunProgress {
  return {
    turn: snapshot.turn,
    activeAgent: snapshot.activeAgent ?? snapshot.agent,
    handoffs: snapshot.handoffs ?? 0,
    handoff: snapshot.handoff,
    messages: snapshot.messages,
    firstNew: snapshot.firstNew,
    saved: snapshot.saved,
    usage: snapshot.usage,
    usageByAgent: snapshot.usageByAgent ?? { [snapshot.agent]: snapshot.usage },
    treeTurns: snapshot.treeTurns ?? snapshot.turn,
    toolCalls: snapshot.toolCalls.map((r) => {
      const outcome = restoreOutcome(r.id, r.name, r.outcome);
      return {
        id: r.id,
        name: r.name,
        arguments: r.arguments,
        turn: r.turn,
        outcome,
        durationMs: outcome.durationMs,
      };
    }),
    finishReason: snapshot.finishReason,
    text: snapshot.text,
    summary: snapshot.summary,
    repairs: snapshot.repairs,
    status: 'running',
    pending: snapshot.pending,
    interruptions: snapshot.interruptions,
    metadata: { ...snapshot.metadata },
  };
}
