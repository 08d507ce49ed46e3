import { AgentError } from '../errors.js';
import type { RunResult } from '../run-result.js';
import type { RunState } from './run-state.js';

/** The result of a run that answered. */
export function buildResult<TContext>(
  state: RunState<TContext>,
  output: unknown,
): RunResult<unknown> {
  return { ...partialResult(state), output };
}

/** What a run had produced so far, carried by the errors that end it early. */
export function partialResult<TContext>(state: RunState<TContext>): RunResult<unknown> {
  return {
    runId: state.runId,
    output: state.text,
    text: state.text,
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
