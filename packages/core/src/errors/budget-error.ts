import type { PartialRunResult } from '../run/run-result.js';
import { AgentError, type AgentErrorOptions, hasCode } from './agent-error.js';

/** Which bound of a run's `budget` was reached. */
export type BudgetLimit = 'maxTurns' | 'maxTokens' | 'maxCostUsd';

/**
 * The run's `budget` would be exceeded by the next model call, counted across the whole tree of
 * runs (the run and every agent it called as a tool). Code `budget_exceeded`. `result` is the
 * partial result of the run that was given the budget (the root); `agent` names the agent whose
 * model call was refused. A child's budget stop is never a tool fault its parent's model sees:
 * it ends the whole tree.
 */
export class BudgetExceededError<TResult = PartialRunResult> extends AgentError {
  /** The bound that was reached. */
  readonly limit: BudgetLimit;
  /** The bound's value, as given. */
  readonly budget: number;
  /** What the tree had spent of it before the refused call (turns, tokens or USD). */
  readonly spent: number;
  /** What the refused call would have added (1 turn, its prompt tokens, its prompt's cost). */
  readonly next: number;
  /** The agent whose model call was refused. */
  readonly agent: string;
  /** The partial result of the run that was given the budget: messages, usage, tool calls so far. */
  readonly result: TResult;

  /** @param options - the bound, what was spent, the refused call's share, the partial `result`. */
  constructor(
    options: {
      limit: BudgetLimit;
      budget: number;
      spent: number;
      next: number;
      agent: string;
      result: TResult;
      message?: string;
    } & AgentErrorOptions,
  ) {
    super({
      code: 'budget_exceeded',
      message:
        options.message ??
        `The run's budget ${options.limit} (${options.budget}) would be exceeded by the next model call of agent "${options.agent}": ${round(options.spent)} spent across the run and the agents it called, and the call adds ${round(options.next)}. Raise budget.${options.limit}, or set budget.onExceeded: 'final-answer' to end with one last answer; the partial result is on error.result.`,
      cause: options.cause,
    });
    this.limit = options.limit;
    this.budget = options.budget;
    this.spent = options.spent;
    this.next = options.next;
    this.agent = options.agent;
    this.result = options.result;
  }

  /** True for a {@link BudgetExceededError} from any copy of the package. */
  static override isInstance(error: unknown): error is BudgetExceededError {
    return hasCode(error, 'budget_exceeded');
  }

  /** The partial result is left out: it holds the whole conversation. */
  protected override details(): Record<string, unknown> {
    return {
      limit: this.limit,
      budget: this.budget,
      spent: this.spent,
      next: this.next,
      agent: this.agent,
    };
  }
}

function round(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}
