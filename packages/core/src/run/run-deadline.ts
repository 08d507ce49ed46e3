/** A run's `deadlineMs`, as a signal that aborts when it passes. */
export interface RunDeadline {
  /** Aborts, with a `TimeoutError`, when the deadline passes; `undefined` without a deadline. */
  readonly signal: AbortSignal | undefined;
  /** Whether `reason` is this deadline's: the run then ends with `DeadlineExceededError`. */
  passed(reason: unknown): boolean;
  /** Stops the timer; call it when the run ends. */
  clear(): void;
}

const NO_DEADLINE: RunDeadline = { signal: undefined, passed: () => false, clear: () => {} };

/**
 * Starts the clock of a run's deadline. Its signal is one of the run's signal sources, so when it
 * fires everything the run's signal reaches is cancelled at once: the model request, the wait
 * between retries, every running tool (`ctx.signal`).
 *
 * @param deadlineMs - how long the run may take, from now; `undefined` for no deadline.
 */
export function startDeadline(deadlineMs: number | undefined): RunDeadline {
  if (deadlineMs === undefined) return NO_DEADLINE;
  const controller = new AbortController();
  const reason = new DOMException(
    `The run's deadline of ${deadlineMs} ms (deadlineMs) passed.`,
    'TimeoutError',
  );
  const timer = setTimeout(() => controller.abort(reason), deadlineMs);
  return {
    signal: controller.signal,
    passed: (candidate) => candidate === reason,
    clear: () => clearTimeout(timer),
  };
}
