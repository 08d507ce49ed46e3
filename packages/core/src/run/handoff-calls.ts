import type { ToolOutcome } from '@agentloop/tools';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { Handoff } from '../agent/handoff.js';
import { MaxHandoffsExceededError } from '../errors/max-handoffs-error.js';
import type { ActiveRun } from './active-run.js';
import type { ResolvedAgent } from './resolved-agent.js';
import { partialResult } from './run-outcome.js';
import type { PendingToolCall } from './run-snapshot.js';

/** A handoff decided in a turn, carried out once the turn's calls have their results. */
export interface PendingHandoff {
  /** The model's winning handoff call. */
  toolCallId: string;
  /** Its tool: which of the handing agent's handoffs it is. */
  toolName: string;
  /** The agent handing over. */
  from: string;
  /** The agent taking over. */
  to: string;
  /**
   * Set once the handoff is carried out, until the agent taking over replies: its conversation
   * may end with an assistant message (an `inputFilter`'s), which is not its answer.
   */
  done?: true;
}

/** The run's handoff limit and what happens past it. */
export interface HandoffLimits {
  maxHandoffs: number;
  onMaxHandoffs: 'throw' | 'final-answer';
}

/**
 * The handoff tools offered to the model: none once the run has made its last allowed handoff
 * under `onMaxHandoffs: 'final-answer'`, so that the active agent answers.
 */
export function handoffTools<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  limits: HandoffLimits,
): ChatCompletionFunctionTool[] {
  if (agent.handoffs.length === 0) return [];
  if (limits.onMaxHandoffs === 'final-answer' && run.handoffs >= limits.maxHandoffs) return [];
  return agent.handoffs.map((h) => ({
    type: 'function',
    function: {
      name: h.toolName,
      description: h.description,
      parameters: { type: 'object', properties: {}, required: [], additionalProperties: false },
      strict: true,
    },
  }));
}

/**
 * Decides the handoff of a reply's calls: the first call to one of the active agent's handoffs
 * wins (the others are told so). Past the limit, the run fails with `MaxHandoffsExceededError`,
 * or (`'final-answer'`) no handoff happens and the calls are answered with a refusal.
 *
 * @throws MaxHandoffsExceededError past `maxHandoffs` under `onMaxHandoffs: 'throw'`.
 */
export function decideHandoff<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  calls: readonly PendingToolCall[],
  limits: HandoffLimits,
): void {
  if (agent.handoffs.length === 0) return;
  for (const call of calls) {
    const chosen = agent.handoffs.find((h) => h.toolName === call.name);
    if (!chosen) continue;
    if (run.handoffs >= limits.maxHandoffs) {
      if (limits.onMaxHandoffs === 'final-answer') return;
      throw new MaxHandoffsExceededError({
        maxHandoffs: limits.maxHandoffs,
        from: agent.name,
        to: chosen.agent.name,
        result: partialResult(run),
      });
    }
    run.handoff = {
      toolCallId: call.toolCallId,
      toolName: chosen.toolName,
      from: agent.name,
      to: chosen.agent.name,
    };
    return;
  }
}

/**
 * The result of a handoff call, settled without running anything: the winner is told the
 * transfer happens, a later handoff call of the same reply that it did not, and a call past the
 * limit that handoffs are over. `undefined` for a call that is not a handoff.
 */
export function handoffOutcome<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  entry: PendingToolCall,
): ToolOutcome | undefined {
  const target = agent.handoffs.find((h) => h.toolName === entry.name);
  if (!target) return undefined;
  const won = run.handoff;
  if (won?.toolCallId === entry.toolCallId) {
    return outcome(entry, true, JSON.stringify({ assistant: target.agent.name }));
  }
  if (won) {
    return outcome(
      entry,
      false,
      `Not transferred to agent "${target.agent.name}": this reply already hands the conversation to agent "${won.to}" (${won.toolName} was called first), and only one handoff happens per turn.`,
    );
  }
  return outcome(
    entry,
    false,
    `Not transferred to agent "${target.agent.name}": this run has made all the handoffs it may (${run.handoffs}). Answer the user yourself.`,
  );
}

/** The handoff among an agent's handoffs that a pending handoff names. */
export function handoffOf<TContext>(
  agent: ResolvedAgent<TContext>,
  pending: PendingHandoff,
): Handoff<TContext> | undefined {
  return agent.handoffs.find((h) => h.toolName === pending.toolName);
}

function outcome(entry: PendingToolCall, ok: boolean, output: string): ToolOutcome {
  const base = { toolCallId: entry.toolCallId, name: entry.name, output, durationMs: 0 };
  return ok
    ? { ...base, ok: true, value: undefined, args: {} }
    : { ...base, ok: false, value: undefined, error: { code: 'denied', message: output } };
}
