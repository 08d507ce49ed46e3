import { AgentError } from '../errors/errors.js';
import type { ActiveRun } from './active-run.js';
import { snapshotOf } from './checkpoint.js';
import type { PartialRunResult, RunResult } from './run-result.js';
import { RunState } from './run-state.js';

/** The result of a run that answered (`completed`) or paused for decisions (`interrupted`). */
export function buildResult<TContext>(
  run: ActiveRun<TContext>,
  output: unknown,
): RunResult<unknown> {
  let state: RunState | undefined;
  const status = run.status === 'interrupted' ? 'interrupted' : 'completed';
  return {
    ...partialResult(run),
    status,
    output,
    ...(status === 'interrupted' ? { text: '' } : {}),
    interruptions: run.interruptions.map((i) => ({ ...i })),
    // Taken on first read: a run whose caller never asks for its state copies nothing.
    get state() {
      state ??= new RunState(snapshotOf(run));
      return state;
    },
  };
}

/**
 * What a run had produced so far, carried by the errors that end it early. Its text is that of
 * the reply being streamed when there is one (what was already shown), else the last answer's.
 */
export function partialResult<TContext>(run: ActiveRun<TContext>): PartialRunResult {
  const text = run.partialText ?? run.text;
  return {
    runId: run.runId,
    agent: run.activeAgent,
    output: text,
    text,
    messages: [...run.messages],
    newMessages: run.messages.slice(run.firstNew),
    turns: run.turn,
    usage: run.usage,
    usageByAgent: { ...run.usageByAgent },
    toolCalls: [...run.toolCalls],
    finishReason: run.finishReason,
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
