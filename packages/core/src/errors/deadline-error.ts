import { AgentError, type AgentErrorOptions, hasCode } from './agent-error.js';

/**
 * The run did not finish within its `deadlineMs` (`agent.run(input, { deadlineMs })`), so it
 * was stopped: the model request in flight and every running tool were cancelled (tools see
 * `ctx.signal` abort with a `TimeoutError`), and no retry was attempted past it. Code
 * `deadline_exceeded`, a system fault. Carries `deadlineMs` and the partial `result`.
 *
 * @typeParam TResult - the type of the partial result (the loop's `RunResult`).
 */
export class DeadlineExceededError<TResult = unknown> extends AgentError {
  /** The deadline that passed, in milliseconds from the start of the run. */
  readonly deadlineMs: number;
  /** What the run had produced when the deadline passed. */
  readonly result: TResult | undefined;

  /**
   * @param options - `deadlineMs`, the partial `result`, an optional `message` and `cause`.
   */
  constructor(
    options: {
      deadlineMs: number;
      result?: TResult | undefined;
      message?: string;
    } & AgentErrorOptions,
  ) {
    super({
      code: 'deadline_exceeded',
      message:
        options.message ??
        `The run did not finish within its deadline of ${options.deadlineMs} ms (deadlineMs), so it was stopped: the model request and any running tools were cancelled. What it had produced is on error.result; raise deadlineMs if the work needs longer.`,
      cause: options.cause,
    });
    this.deadlineMs = options.deadlineMs;
    this.result = options.result;
  }

  /** True for a {@link DeadlineExceededError} from any copy of the package. */
  static override isInstance(error: unknown): error is DeadlineExceededError {
    return hasCode(error, 'deadline_exceeded');
  }

  /** The partial result is left out: it holds the whole conversation. */
  protected override details(): Record<string, unknown> {
    return { deadlineMs: this.deadlineMs };
  }
}
