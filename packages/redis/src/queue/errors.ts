import { AgentError, type ConfigErrorCode } from '@agentloop/protocol';

/**
 * Codes of {@link RunQueueError}.
 *
 * - `run_not_found`: the queue knows no run of that id (never enqueued, or expired).
 * - `run_not_interrupted`: `resume()` on a run that is not waiting for decisions.
 * - `worker_lost`: the run's worker died or lost Redis more often than the worker's bound; the
 *   run was given up, its last checkpoint kept.
 * - `queue_closed`: the queue or worker was closed.
 * - `invalid_config`: an option or argument is wrong (named by `option`).
 */
export type RunQueueErrorCode =
  | 'run_not_found'
  | 'run_not_interrupted'
  | 'worker_lost'
  | 'queue_closed'
  | ConfigErrorCode;

/** Options of {@link RunQueueError}. */
export interface RunQueueErrorOptions {
  /** The stable code of the fault. */
  code: RunQueueErrorCode;
  /** The run concerned, when one is. */
  runId?: string | undefined;
  /** For `invalid_config`: the option at fault. */
  option?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/** Marks a {@link RunQueueError} in every copy of the package. */
const RUN_QUEUE_ERROR: unique symbol = Symbol.for('agentloop.error.run_queue');

/**
 * Thrown by `RunQueue` and `RunWorker` (and sent as a queued run's `run:error`) when a run is
 * unknown or in the wrong state, was given up, or an option is wrong. A Redis that is down or
 * gone is a `RedisUnavailableError` (`redis_unavailable`) instead.
 *
 * @example
 * ```ts
 * try { await queue.enqueue({ agent: 'triage', input: 'Hi' }); }
 * catch (error) { if (RunQueueError.isInstance(error) && error.code === 'run_not_found') ... }
 * ```
 */
export class RunQueueError extends AgentError {
  /** The stable code of the fault. */
  declare readonly code: RunQueueErrorCode;
  /** The run concerned, when one is. */
  readonly runId: string | undefined;
  /** For `invalid_config`: the option at fault. */
  readonly option: string | undefined;
  /** Tells a {@link RunQueueError} from other errors of the same code. */
  readonly [RUN_QUEUE_ERROR] = true as const;

  /**
   * @param message - What happened, what was expected, and what to do.
   * @param options - The code, the run id, the option at fault and the cause.
   */
  constructor(message: string, { code, runId, option, cause }: RunQueueErrorOptions) {
    super({ code, message, cause });
    this.name = 'RunQueueError';
    this.runId = runId;
    this.option = option;
  }

  /** True for a {@link RunQueueError} from any copy of the package. */
  static override isInstance(error: unknown): error is RunQueueError {
    return AgentError.hasMarker(error, RUN_QUEUE_ERROR);
  }

  protected override details(): Record<string, unknown> {
    return {
      ...(this.runId !== undefined ? { runId: this.runId } : {}),
      ...(this.option !== undefined ? { option: this.option } : {}),
    };
  }
}
