/**
 * The inspector's errors: what `startInspector` and `agentloop-inspect` cannot get past.
 *
 * @module
 */
import { AgentError } from '@agentloop/core';

/** The codes of {@link InspectorError}. */
export type InspectorErrorCode = 'log_not_found' | 'port_in_use';

const INSPECTOR_ERROR = Symbol.for('agentloop.inspector.error');

/**
 * The inspector could not start: the log is missing (`log_not_found`) or the port is taken
 * (`port_in_use`). The message says what to do.
 */
export class InspectorError extends AgentError {
  declare readonly code: InspectorErrorCode;
  /** The log path or the port at fault. */
  readonly subject: string;
  readonly [INSPECTOR_ERROR] = true as const;

  /**
   * @param code - what went wrong.
   * @param message - what happened and what to do.
   * @param subject - the log path or the port.
   * @param cause - the underlying error.
   */
  constructor(code: InspectorErrorCode, message: string, subject: string, cause?: unknown) {
    super({ code, message, cause });
    this.subject = subject;
  }

  /** True for an {@link InspectorError} from any copy of the package. */
  static override isInstance(error: unknown): error is InspectorError {
    return AgentError.hasMarker(error, INSPECTOR_ERROR);
  }

  protected override details(): Record<string, unknown> {
    return { subject: this.subject };
  }
}
