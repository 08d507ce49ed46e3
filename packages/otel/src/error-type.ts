/**
 * `error.type` for a failure: agentloop's stable error code when there is one (`model_error`,
 * `run_aborted`, `max_turns_exceeded`...), else the error's class name, else `_OTHER`, so the
 * value stays low in cardinality as the conventions ask.
 *
 * @module
 */

/** The conventions' fallback value of `error.type`. */
export const OTHER_ERROR = '_OTHER';

/**
 * `error.type` for what a step threw while its run's signal was aborted: the step sees the abort's
 * reason, the caller gets `RunAbortedError`, or `DeadlineExceededError` when the run's
 * `deadlineMs` passed (its reason is a `TimeoutError`, as `AbortSignal.timeout()`'s is).
 */
export function abortType(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'TimeoutError'
    ? 'deadline_exceeded'
    : 'run_aborted';
}

/** `error.type` for what a step threw. */
export function errorType(error: unknown): string {
  if (typeof error !== 'object' || error === null) return OTHER_ERROR;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  if (error instanceof Error) {
    if (error.name !== '' && error.name !== 'Error') return error.name;
    const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  }
  return OTHER_ERROR;
}

/** The message of what a step threw, for the span's status. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
