import { TokenCounter } from '@agentloop/memory';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { BudgetExceededError, type BudgetLimit } from '../errors/budget-error.js';
import { ConfigurationError } from '../errors/errors.js';
import { costOf } from '../models/pricing.js';
import type { ActiveRun } from '../run/active-run.js';
import { partialResult } from '../run/run-outcome.js';

/**
 * One budget for a run and every agent it calls as a tool (`run(input, { budget })`), checked
 * before each model call anywhere in the tree.
 */
export interface RunBudget {
  /** The most model calls, counted across the run and the agents it calls. */
  maxTurns?: number;
  /**
   * The most tokens: what the tree's model calls used (as the providers reported them), plus
   * the next call's prompt counted exactly (`TokenCounter` of `@agentloop/memory`, tools
   * included), must stay within it.
   */
  maxTokens?: number;
  /**
   * The most USD: the tree's cost so far plus the next prompt's, at the price table's rates.
   * Every model of the tree needs a price (`definePrice` adds one); without one the run fails
   * with a `ConfigurationError` rather than guess.
   */
  maxCostUsd?: number;
  /**
   * When the next call would go over: `'throw'` a `BudgetExceededError` carrying the partial
   * result, or `'final-answer'`: that call is made without tools (as `onMaxTurns` does), so each
   * agent still running ends with an answer; those last calls may go over the budget.
   * @default 'throw'
   */
  onExceeded?: 'throw' | 'final-answer';
}

/** What the next model call would exceed. */
export interface BudgetStop {
  limit: BudgetLimit;
  budget: number;
  spent: number;
  next: number;
}

/** Checks a run's `budget` option, at the call. */
export function validateBudget(agent: string, budget: unknown): void {
  if (budget === undefined) return;
  if (typeof budget !== 'object' || budget === null || Array.isArray(budget)) {
    throw new ConfigurationError(
      `Agent "${agent}": "budget" must be an object such as { maxTurns: 20, maxTokens: 50_000, maxCostUsd: 0.5 }; got ${budget === null ? 'null' : typeof budget}.`,
      { option: 'budget' },
    );
  }
  const known = ['maxTurns', 'maxTokens', 'maxCostUsd', 'onExceeded'];
  for (const [key, value] of Object.entries(budget)) {
    if (!known.includes(key)) {
      throw new ConfigurationError(
        `Agent "${agent}": "budget.${key}" is not an option; a budget has maxTurns, maxTokens, maxCostUsd and onExceeded.`,
        { option: `budget.${key}` },
      );
    }
    if (value === undefined) continue;
    if (key === 'onExceeded') {
      if (value !== 'throw' && value !== 'final-answer') {
        throw new ConfigurationError(
          `Agent "${agent}": "budget.onExceeded" must be 'throw' or 'final-answer'; got ${JSON.stringify(value)}.`,
          { option: 'budget.onExceeded' },
        );
      }
      continue;
    }
    const whole = key !== 'maxCostUsd';
    if (
      typeof value !== 'number' ||
      !(value > 0) ||
      !Number.isFinite(value) ||
      (whole && !Number.isInteger(value))
    ) {
      throw new ConfigurationError(
        `Agent "${agent}": "budget.${key}" must be a ${whole ? 'whole number' : 'number'} above 0; got ${typeof value === 'number' ? String(value) : typeof value}.`,
        { option: `budget.${key}` },
      );
    }
  }
}

/** The run at the top of the tree: it holds the tree's totals. */
export function rootOf(run: ActiveRun<unknown>): ActiveRun<unknown> {
  let root = run;
  while (root.parent) root = root.parent;
  return root;
}

const counters = new WeakMap<ActiveRun<unknown>, TokenCounter>();

/**
 * What the request about to be sent would exceed of the tree's budget, or `undefined`. Tokens
 * are counted only when the budget bounds tokens or cost, with one counter per run (it
 * remembers the messages it counted, so a turn costs what it added).
 */
export function budgetStop(
  run: ActiveRun<unknown>,
  messages: readonly ChatCompletionMessageParam[],
  tools: readonly ChatCompletionTool[] | undefined,
  model: string,
): BudgetStop | undefined {
  const budget = run.budget;
  if (!budget) return undefined;
  const root = rootOf(run);
  if (budget.maxTurns !== undefined && root.treeTurns + 1 > budget.maxTurns) {
    return { limit: 'maxTurns', budget: budget.maxTurns, spent: root.treeTurns, next: 1 };
  }
  if (budget.maxTokens === undefined && budget.maxCostUsd === undefined) return undefined;
  let counter = counters.get(run);
  if (!counter || counter.model !== model) {
    counter = new TokenCounter({ model });
    counters.set(run, counter);
  }
  const prompt = counter.countMessages(messages) + counter.countTools(tools);
  const spentTokens = root.usage.totalTokens;
  if (budget.maxTokens !== undefined && spentTokens + prompt > budget.maxTokens) {
    return { limit: 'maxTokens', budget: budget.maxTokens, spent: spentTokens, next: prompt };
  }
  if (budget.maxCostUsd !== undefined) {
    const next = costOf({ promptTokens: prompt, completionTokens: 0, cachedTokens: 0 }, model);
    const spent = root.usage.cost;
    if (next === undefined || spent === undefined) {
      throw new ConfigurationError(
        `Agent "${run.activeAgent}": budget.maxCostUsd needs the price of every model the run calls, and ${next === undefined ? `model "${model}" has none` : 'an earlier call has no known cost (its model has no price, or the provider reported no usage)'}. Add prices with definePrice(name, { input, output }), or bound the run with budget.maxTokens instead.`,
        { option: 'budget.maxCostUsd' },
      );
    }
    if (spent + next > budget.maxCostUsd) {
      return { limit: 'maxCostUsd', budget: budget.maxCostUsd, spent, next };
    }
  }
  return undefined;
}

/**
 * Before a model call of any run of the tree: checks the budget, then counts the call. Over the
 * budget it throws `BudgetExceededError` (carrying the run's partial result; the turn it began
 * is taken back, no call was made), or with `onExceeded: 'final-answer'` returns `true`: the call
 * is made without tools.
 *
 * @returns whether the call must be the run's last, without tools.
 */
export function enterModelCall(
  run: ActiveRun<unknown>,
  messages: readonly ChatCompletionMessageParam[],
  tools: readonly ChatCompletionTool[] | undefined,
  model: string,
): boolean {
  const over = run.budget ? budgetStop(run, messages, tools, model) : undefined;
  if (over && run.budget?.onExceeded !== 'final-answer') {
    run.turn -= 1;
    throw new BudgetExceededError({ ...over, agent: run.agent, result: partialResult(run) });
  }
  for (let r: ActiveRun<unknown> | undefined = run; r; r = r.parent) r.treeTurns += 1;
  return over !== undefined;
}
