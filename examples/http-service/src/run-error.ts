import { AgentError, toWireError, type WireError } from '@agentloop/core';

/** Where the service reports faults it does not send to clients in full. */
export interface ServiceLog {
  /** A failed run or an unexpected fault: log the real error; the client got a safe summary. */
  error(message: string, error: unknown): void;
}

/**
 * The HTTP status for an error that ended a run:
 *
 * | error (code) | status |
 * | --- | --- |
 * | `ModelError` (`model_error`), the provider failed or refused | 502 |
 * | `MaxTurnsExceededError`, `OutputValidationError`: the model gave no usable answer | 502 |
 * | `ContextOverflowError` (`context_overflow`): the message alone exceeds the context budget | 413 |
 * | `InvalidSessionIdError` (`invalid_session_id`) | 400 |
 * | `RunAbortedError` (`run_aborted`): the service is shutting down (a client that left gets nothing) | 503 |
 * | `RunStateError` `run_not_found`: no paused run of that id | 404 |
 * | `RunStateError` `run_completed`, `run_in_progress`, `unknown_interruption`, `run_state_agent_mismatch`: the run is not in a state to take that request | 409 |
 * | anything else (a bug, a failing store, a misconfiguration) | 500 |
 *
 * @param error - what the run rejected with.
 * @returns the status to answer with.
 */
export function statusForRunError(error: unknown): number {
  if (!AgentError.isInstance(error)) return 500;
  switch (error.code) {
    case 'model_error':
    case 'max_turns_exceeded':
    case 'output_validation_failed':
      return 502;
    case 'context_overflow':
      return 413;
    case 'invalid_session_id':
      return 400;
    case 'run_aborted':
      return 503;
    case 'run_not_found':
      return 404;
    case 'run_completed':
    case 'run_in_progress':
    case 'unknown_interruption':
    case 'run_state_agent_mismatch':
      return 409;
    default:
      return 500;
  }
}

/**
 * The body and status of a failed run's answer. The body is core's `toWireError`: an agentloop
 * error's JSON form (a `ModelError` never holds the API key; no stack is ever sent), or a generic
 * message for any other error, which is logged in full instead.
 *
 * @param error - what the run rejected with.
 * @param log - where unexpected and server-side faults are reported.
 * @returns `{ status, body: { error } }`.
 */
export function runErrorResponse(
  error: unknown,
  log: ServiceLog,
): { status: number; body: { error: WireError } } {
  reportRunError(error, log);
  return { status: statusForRunError(error), body: { error: toWireError(error) } };
}

/**
 * Logs a run's error when it is the server's or the provider's fault (a 5xx other than a
 * shutdown's 503); faults of the request and cancellations are not logged.
 *
 * @param error - what the run rejected with.
 * @param log - where it is reported.
 */
export function reportRunError(error: unknown, log: ServiceLog): void {
  const status = statusForRunError(error);
  if (status >= 500 && status !== 503) log.error('A run failed.', error);
}
