import { BudgetExceededError } from '../errors/budget-error.js';
import type { ActiveRun } from '../run/active-run.js';
import { partialResult, toError } from '../run/run-outcome.js';

/**
 * The error a run of a tree ends with. A budget stop raised by a child carries the child's
 * partial result: the run that ends because of it carries its own.
 */
export function fromTree<TContext>(run: ActiveRun<TContext>, caught: unknown): Error {
  if (BudgetExceededError.isInstance(caught) && caught.result.runId !== run.runId) {
    return new BudgetExceededError({
      limit: caught.limit,
      budget: caught.budget,
      spent: caught.spent,
      next: caught.next,
      agent: caught.agent,
      result: partialResult(run),
      message: caught.message,
      cause: caught,
    });
  }
  return toError(caught);
}
