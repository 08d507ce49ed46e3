import { AgentError } from '../errors/errors.js';
import type { ActiveRun } from './active-run.js';
import type { PartialRunResult, RunResult } from './run-result.js';

/** The result of a run that answered. */
export function buildResult<TContext>(
  state: ActiveRun<TContext>,
  output: unknown,
): RunResult<unknown> {
  return { ...partialResult(state), output };
}

/**
 * What a run had produced so far, carried by the errors that end it early. Its text is that of
 * the reply being streamed when there is one (what was already shown), else the last answer's.
 */
export function partialResult<TContext>(state: ActiveRun<TContext>): PartialRunResult {
  const text = state.partialText ?? state.text;
  return {
    runId: state.runId,
    output: text,
    text,
    messages: [...state.messages],
    newMessages: state.messages.slice(state.firstNew),
    turns: state.turn,
    usage: state.usage,
    toolCalls: [...state.toolCalls],
    finishReason: state.finishReason,
  };
}

/** Any thrown value as an `Error` (a non-Error throw becomes an `AgentError`). */
export function toError(caught: unknown): Error {
  if (caught instanceof Error) return caught;
  return new AgentError({
    code: 'unknown_error',
    message: `The run failed with a non-Error value: ${String(caught)}`,
    cause: caught,
  });
}
