import { AgentError, type AgentErrorOptions } from './agent-error.js';

/**
 * What was wrong with a run's saved state or with what was asked of it:
 *
 * - `invalid_run_state`: the text is not a snapshot (truncated JSON, a missing or mistyped field);
 * - `unsupported_run_state_version`: written by an unknown or newer version of agentloop;
 * - `run_state_agent_mismatch`: the snapshot names an agent or a tool this agent does not have;
 * - `unknown_interruption`: an approval or rejection for an interruption the state does not hold;
 * - `run_not_found`: no checkpoint of that run in the run store;
 * - `run_completed`: the run has already ended, there is nothing to resume;
 * - `run_in_progress`: another caller is running or resuming the run right now.
 */
export type RunStateErrorCode =
  | 'invalid_run_state'
  | 'unsupported_run_state_version'
  | 'run_state_agent_mismatch'
  | 'unknown_interruption'
  | 'run_not_found'
  | 'run_completed'
  | 'run_in_progress';

const RUN_STATE_ERROR_CODES: ReadonlySet<string> = new Set<RunStateErrorCode>([
  'invalid_run_state',
  'unsupported_run_state_version',
  'run_state_agent_mismatch',
  'unknown_interruption',
  'run_not_found',
  'run_completed',
  'run_in_progress',
]);

/**
 * A run's state was refused, and nothing was run: one stable `code` per fault (see
 * {@link RunStateErrorCode}); the message names the fault (the field, the version, the run) and
 * says what to do.
 */
export class RunStateError extends AgentError {
  /** Which fault (see {@link RunStateErrorCode}). */
  declare readonly code: RunStateErrorCode;
  /** The run the state belongs to, when known. */
  readonly runId: string | undefined;
  /** The faulty field of the snapshot, as a dotted path (`messages.3.role`), when one is at fault. */
  readonly field: string | undefined;

  /**
   * @param message - what was wrong and what to do.
   * @param options - `code`, `runId`, `field` and `cause`.
   */
  constructor(
    message: string,
    options: {
      code: RunStateErrorCode;
      runId?: string | undefined;
      field?: string | undefined;
    } & AgentErrorOptions,
  ) {
    super({ code: options.code, message, cause: options.cause });
    this.runId = options.runId;
    this.field = options.field;
  }

  /** True for a {@link RunStateError} from any copy of the package. */
  static override isInstance(error: unknown): error is RunStateError {
    return AgentError.isInstance(error) && RUN_STATE_ERROR_CODES.has(error.code);
  }

  protected override details(): Record<string, unknown> {
    return {
      ...(this.runId !== undefined ? { runId: this.runId } : {}),
      ...(this.field !== undefined ? { field: this.field } : {}),
    };
  }
}
