import { AgentError, type AgentErrorOptions, hasCode } from './agent-error.js';

/**
 * A run store could not do its work for a reason outside the run: the disk, the network, the
 * permissions (a folder that cannot be created, a full disk, a lost connection). Code
 * `run_store_error`. The run's last checkpoint is left as it was; fix the cause, then resume.
 */
export class RunStoreError extends AgentError {
  declare readonly code: 'run_store_error';
  /** The run concerned, when one is. */
  readonly runId: string | undefined;
  /** The file (or key) the store was working on, when it has one. */
  readonly file: string | undefined;

  /**
   * @param message - what failed, where, and what to check.
   * @param options - `runId`, `file`, `cause` (the underlying error).
   */
  constructor(
    message: string,
    options: { runId?: string | undefined; file?: string | undefined } & AgentErrorOptions = {},
  ) {
    super({ code: 'run_store_error', message, cause: options.cause });
    this.runId = options.runId;
    this.file = options.file;
  }

  /** True for a {@link RunStoreError} from any copy of the package. */
  static override isInstance(error: unknown): error is RunStoreError {
    return hasCode(error, 'run_store_error');
  }

  protected override details(): Record<string, unknown> {
    return {
      ...(this.runId !== undefined ? { runId: this.runId } : {}),
      ...(this.file !== undefined ? { file: this.file } : {}),
    };
  }
}
