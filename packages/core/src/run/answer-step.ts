import { MaxTurnsExceededError } from '../errors/errors.js';
import type { ActiveRun } from './active-run.js';
import { endTurn } from './end-turn.js';
import { contentText } from './messages.js';
import type { ResolvedAgent } from './resolved-agent.js';
import { buildResult, partialResult } from './run-outcome.js';
import type { RunResult } from './run-result.js';
import { checkOutput, refusedOutputError, repairMessage } from './structured-output.js';

/** Whether the run's last step was the model's answer: a reply without tool calls. */
export function answered<TContext>(run: ActiveRun<TContext>): boolean {
  const last = run.messages.at(-1);
  // Right after a handoff the conversation may end with an assistant message the agent taking
  // over did not write (an inputFilter's): that agent has not answered yet.
  return (
    run.turn > 0 && last?.role === 'assistant' && !last.tool_calls?.length && !run.handoff?.done
  );
}

/**
 * Takes the model's answer (the last message): the run's result, or `undefined` when a
 * structured answer failed its schema and was sent back to be repaired (the run goes on).
 *
 * @throws MaxTurnsExceededError, OutputValidationError when it cannot be used.
 */
export async function takeAnswer<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  maxTurns: number,
): Promise<RunResult<unknown> | undefined> {
  const last = run.messages.at(-1);
  if (last?.role !== 'assistant') throw new Error('takeAnswer: the last message is not an answer');
  const finalCall = run.turn > maxTurns;
  run.text = contentText(last.content);
  if (finalCall && run.text === '') {
    throw new MaxTurnsExceededError({ maxTurns, result: partialResult(run) });
  }
  if (!agent.output) {
    run.status = 'completed';
    await endTurn(agent, run, 0);
    return buildResult(run, run.text);
  }
  if (last.refusal) throw refusedOutputError(last.refusal, run.repairs);
  const checked = await checkOutput(agent.output, run.text);
  if (checked.ok) {
    run.status = 'completed';
    await endTurn(agent, run, 0);
    return buildResult(run, checked.value);
  }
  // A reply cut off by the token limit or a filter cannot be repaired by asking again.
  const incomplete = run.finishReason === 'length' || run.finishReason === 'content_filter';
  if (incomplete || finalCall || run.repairs >= agent.maxOutputRepairs) {
    throw checked.error({ repairs: run.repairs, finishReason: run.finishReason });
  }
  run.repairs += 1;
  run.messages.push(repairMessage(checked.issues));
  await endTurn(agent, run, 0);
  return undefined;
}
