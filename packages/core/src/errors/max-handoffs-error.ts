import type { PartialRunResult } from '../run/run-result.js';
import { AgentError, type AgentErrorOptions, hasCode } from './agent-error.js';

/**
 * The run reached `maxHandoffs` and the model asked for one more handoff: agents were handing
 * the conversation back and forth instead of answering. Code `max_handoffs_exceeded`, a fault of
 * the model's behaviour like `max_turns_exceeded`. Carries the limit, the handoff that was
 * refused (`from`, `to`) and the partial `result`.
 *
 * @typeParam TResult - the type of the partial result. @default {@link PartialRunResult}
 */
export class MaxHandoffsExceededError<TResult = PartialRunResult> extends AgentError {
  /** The limit that was reached. */
  readonly maxHandoffs: number;
  /** The agent that asked for the handoff. */
  readonly from: string;
  /** The agent it would have handed to. */
  readonly to: string;
  /** The partial result of the run: its messages, usage and tool calls so far. */
  readonly result: TResult;

  /**
   * @param options - `maxHandoffs`, `from`, `to`, the partial `result`, an optional `message`
   *   and `cause`.
   */
  constructor(
    options: {
      maxHandoffs: number;
      from: string;
      to: string;
      result: TResult;
      message?: string;
    } & AgentErrorOptions,
  ) {
    super({
      code: 'max_handoffs_exceeded',
      message:
        options.message ??
        `The run reached maxHandoffs (${options.maxHandoffs}) and agent "${options.from}" asked to hand over to agent "${options.to}" once more, so the agents are passing the conversation around instead of answering. Raise maxHandoffs, tell the agents when to answer themselves, or set onMaxHandoffs: 'final-answer' to refuse further handoffs and let the active agent answer; the partial result is on error.result.`,
      cause: options.cause,
    });
    this.maxHandoffs = options.maxHandoffs;
    this.from = options.from;
    this.to = options.to;
    this.result = options.result;
  }

  /** True for a {@link MaxHandoffsExceededError} from any copy of the package. */
  static override isInstance(error: unknown): error is MaxHandoffsExceededError {
    return hasCode(error, 'max_handoffs_exceeded');
  }

  /** The partial result is left out: it holds the whole conversation. */
  protected override details(): Record<string, unknown> {
    return { maxHandoffs: this.maxHandoffs, from: this.from, to: this.to };
  }
}
