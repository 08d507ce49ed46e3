import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ConfigurationError } from '../errors/errors.js';
import { RunStateError } from '../errors/run-state-error.js';
import { raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { agentConfigOf } from './agent-registry.js';
import { saveCheckpoint } from './end-turn.js';
import { handoffOf } from './handoff-calls.js';
import { resolveInstructions } from './messages.js';
import type { ResolvedAgent } from './resolved-agent.js';

/**
 * Carries out the handoff the last turn decided (`run.handoff`): the conversation without the
 * handing agent's instructions goes through the handoff's `inputFilter`, `onHandoff` is awaited,
 * the agent taking over puts its own instructions first and becomes the active agent, and
 * `agent:handoff` is emitted. Runs after the turn's calls all have results and the turn is
 * stored, so the conversation handed over is whole and valid.
 *
 * @returns The agent now active.
 * @throws ConfigurationError when the filter returns a conversation the API would refuse.
 */
export async function handOff<TContext>(
  from: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
): Promise<ResolvedAgent<TContext>> {
  const pending = run.handoff;
  if (!pending || pending.done) throw new Error('handOff: no handoff was decided');
  const chosen = handoffOf(from, pending);
  if (!chosen) {
    throw new RunStateError(
      `Run "${run.runId}" was handing over to agent "${pending.to}" through "${pending.toolName}", and agent "${from.name}" has no such handoff any more. Continue the run with the agents that started it.`,
      { code: 'run_state_agent_mismatch', runId: run.runId, field: 'handoff.toolName' },
    );
  }
  const target = agentConfigOf<TContext>(chosen.agent);
  const before = run.messages;
  // The handing agent's instructions are its own: the agent taking over puts its own first.
  const skip = from.instructions !== undefined && before[0]?.role === 'system' ? 1 : 0;
  const given = before.slice(skip);
  const info = { from: from.name, to: target.name, context: run.context, runId: run.runId };
  let kept = given;
  if (chosen.inputFilter) {
    const filtered = await raceAbort(
      Promise.resolve(chosen.inputFilter({ ...info, messages: [...given] })),
      run.signal,
    );
    kept = checkHandedMessages(filtered, from.name, target.name);
  }
  if (chosen.onHandoff) {
    await raceAbort(
      Promise.resolve(chosen.onHandoff({ ...info, toolCallId: pending.toolCallId })),
      run.signal,
    );
  }
  const instructions = await resolveInstructions(target.instructions, run);
  const head = instructions ? [instructions] : [];
  if (head.length + kept.length === 0) {
    throw new ConfigurationError(
      `The inputFilter of the handoff from agent "${from.name}" to agent "${target.name}" returned no messages, and agent "${target.name}" has no instructions: there is nothing to send. Keep at least the last user message (keepLastUserMessage does).`,
      { option: 'handoffs.inputFilter' },
    );
  }

  // Which of the handed messages the run had as history, and which the session holds already:
  // those kept in front stay so; a message the filter made up counts as the run's own.
  const position = new Map(before.map((message, index) => [message, index]));
  const leading = (bound: number) => {
    let n = 0;
    while (
      n < kept.length &&
      (position.get(kept[n] as ChatCompletionMessageParam) ?? bound) < bound
    )
      n += 1;
    return n;
  };
  const allSaved = run.saved >= before.length;
  run.firstNew = head.length + leading(run.firstNew);
  run.saved = allSaved ? head.length + kept.length : head.length + leading(run.saved);
  // A new array: snapshots copy a conversation that only grows, and this one was rewritten.
  run.messages = [...head, ...kept];
  run.activeAgent = target.name;
  run.handoffs += 1;
  run.handoff = { ...pending, done: true };
  run.repairs = 0;
  if (run.bus.wants('agent:handoff')) {
    run.bus.emit({
      type: 'agent:handoff',
      runId: run.runId,
      turn: run.turn,
      from: from.name,
      to: target.name,
      toolCallId: pending.toolCallId,
    });
  }
  // The handoff is the handing agent's last event; the new agent's events carry its name.
  run.bus.handOver(target.name);
  run.path = run.bus.path;
  const checkpointing = saveCheckpoint(run);
  if (checkpointing) await checkpointing;
  return target;
}

/**
 * Checks what an `inputFilter` returned: chat messages, each tool message answering a call of the
 * assistant message before it, and every call answered, as the API requires.
 */
function checkHandedMessages(
  value: unknown,
  from: string,
  to: string,
): ChatCompletionMessageParam[] {
  const fail = (what: string) =>
    new ConfigurationError(
      `The inputFilter of the handoff from agent "${from}" to agent "${to}" ${what}. Return chat messages in which every tool message follows the assistant message that made its call and every call keeps its result (removeToolCalls drops both).`,
      { option: 'handoffs.inputFilter' },
    );
  if (!Array.isArray(value))
    throw fail(`returned ${value === null ? 'null' : typeof value}, not an array of messages`);
  let open = new Set<string>();
  value.forEach((message: unknown, i) => {
    const m = message as { role?: unknown; tool_call_id?: unknown; tool_calls?: unknown };
    if (typeof m !== 'object' || m === null || typeof m.role !== 'string') {
      throw fail(`returned something that is not a message at index ${i}`);
    }
    if (m.role === 'tool') {
      const id = String(m.tool_call_id);
      if (!open.delete(id))
        throw fail(`kept the tool message at index ${i} without its call ${JSON.stringify(id)}`);
      return;
    }
    if (open.size > 0) throw fail(`dropped the result of call ${JSON.stringify([...open][0])}`);
    open = new Set(
      m.role === 'assistant' && Array.isArray(m.tool_calls)
        ? m.tool_calls.map((c: { id?: unknown }) => String(c.id))
        : [],
    );
  });
  if (open.size > 0) throw fail(`dropped the result of call ${JSON.stringify([...open][0])}`);
  return value as ChatCompletionMessageParam[];
}
