import {
  Agent,
  BudgetExceededError,
  ConfigurationError,
  type RunBudget,
  RunState,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { describe, expect, it } from 'vitest';
import {
  chain,
  expectTreeOrder,
  expectValidRequests,
  type Ledger,
  listen,
  workTool,
} from './tree-harness.js';

async function failure(promise: Promise<unknown>): Promise<BudgetExceededError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(BudgetExceededError.isInstance(error), String(error)).toBe(true);
  return error as BudgetExceededError;
}

const calls = (models: readonly ScriptedModel[]) =>
  models.reduce((sum, m) => sum + m.requests.length, 0);

describe.each([1, 2, 3])('budget.maxTurns stopping the tree at depth %i', (depth) => {
  it('refuses the model call of the agent at that depth and ends the whole tree, not as a tool fault', async () => {
    const ledger: Ledger = [];
    const { root, models } = chain(3, workTool(ledger));
    const events = listen(root);
    const error = await failure(root.run('start', { budget: { maxTurns: depth } }));

    expect(error).toMatchObject({
      code: 'budget_exceeded',
      limit: 'maxTurns',
      budget: depth,
      spent: depth,
      next: 1,
      agent: `a${depth}`,
    });
    // The partial result is the root's, with the usage of the tree so far.
    expect(error.result.runId).toBe(events[0]?.runId);
    expect(Object.keys(error.result.usageByAgent)).toHaveLength(depth);
    expect(calls(models)).toBe(depth);
    expect(models[depth]?.requests).toHaveLength(0);
    expect(ledger).toEqual([]);
    // Every run of the tree that started ended with one run:error carrying the budget stop.
    const errors = events.filter((e) => e.type === 'run:error');
    expect(errors.map((e) => e.agent)).toEqual(
      Array.from({ length: depth + 1 }, (_, i) => `a${depth - i}`),
    );
    expect(
      errors.every((e) => e.type === 'run:error' && BudgetExceededError.isInstance(e.error)),
    ).toBe(true);
    expectTreeOrder(events);
    expectValidRequests(models);
  });
});

it('budget.maxTokens counts the next prompt exactly (the count the provider reports for it)', async () => {
  const ledger: Ledger = [];
  const free = chain(2, workTool(ledger));
  const freeEvents = listen(free.root);
  await free.root.run('start');
  const ends = freeEvents.filter((e) => e.type === 'model:end');
  // Allow everything up to and including the leaf's first call, then one token short of a2's second prompt.
  const spent = ends
    .slice(0, 3)
    .reduce((s, e) => s + (e.type === 'model:end' ? e.usage.totalTokens : 0), 0);
  const nextPrompt = ends[3]?.type === 'model:end' ? ends[3].usage.promptTokens : 0;
  expect(nextPrompt).toBeGreaterThan(0);

  const { root, models } = chain(2, workTool(ledger));
  const events = listen(root);
  const error = await failure(root.run('start', { budget: { maxTokens: spent + nextPrompt - 1 } }));
  expect(error).toMatchObject({ limit: 'maxTokens', spent, next: nextPrompt, agent: 'a2' });
  expect(calls(models)).toBe(3);
  expectTreeOrder(events);

  // With exactly enough for that prompt, the call is made.
  const enough = chain(2, workTool(ledger));
  const later = await failure(
    enough.root.run('start', { budget: { maxTokens: spent + nextPrompt } }),
  );
  expect(calls(enough.models)).toBe(4);
  expect(later.agent).toBe('a1');
});

it('budget.maxCostUsd prices the tree with the price table', async () => {
  const ledger: Ledger = [];
  const { root, models } = chain(1, workTool(ledger));
  const error = await failure(root.run('start', { budget: { maxCostUsd: 0.00003 } }));
  expect(error.limit).toBe('maxCostUsd');
  expect(error.spent + error.next).toBeGreaterThan(0.00003);
  expect(error.spent).toBeLessThanOrEqual(0.00003);
  expect(error.result.usage.cost).toBe(error.spent);
  expect(calls(models)).toBeGreaterThan(0);
  expectValidRequests(models);
});

it('budget.maxCostUsd with a model that has no price fails clearly instead of guessing', async () => {
  const agent = new Agent({
    name: 'solo',
    model: new ScriptedModel(['hi'], { name: 'my-local-llm' }),
  });
  const error = await agent.run('x', { budget: { maxCostUsd: 1 } }).catch((e: unknown) => e);
  expect(ConfigurationError.isInstance(error)).toBe(true);
  expect(String((error as Error).message)).toMatch(/my-local-llm.*definePrice/);
});

it("onExceeded: 'final-answer' lets every agent still running answer without tools", async () => {
  const ledger: Ledger = [];
  const { root, models } = chain(2, workTool(ledger));
  const events = listen(root);
  const result = await root.run('start', { budget: { maxTurns: 2, onExceeded: 'final-answer' } });
  expect(result.status).toBe('completed');
  expect(result.text).toBe('a0 answered');
  expect(ledger).toEqual([]);
  // The leaf's only call went out without tools, so it could not call its tool.
  expect(models[2]?.requests[0]?.tool_choice).toBe('none');
  expect(events.filter((e) => e.type === 'run:end')).toHaveLength(3);
  expectTreeOrder(events);
  expectValidRequests(models);
});

describe('a single agent uses the same budget', () => {
  it('maxTurns', async () => {
    const ledger: Ledger = [];
    const { root, models } = chain(0, workTool(ledger));
    const error = await failure(root.run('start', { budget: { maxTurns: 1 } }));
    expect(error).toMatchObject({ agent: 'a0', spent: 1 });
    expect(ledger).toEqual(['work:0']);
    expect(error.result.toolCalls).toHaveLength(1);
    expect(error.result.turns).toBe(1);
    expectValidRequests(models);
  });

  it('maxTokens below the first prompt refuses the first call', async () => {
    const { root, models } = chain(0, workTool([]));
    const error = await failure(root.run('start', { budget: { maxTokens: 10 } }));
    expect(error).toMatchObject({ limit: 'maxTokens', spent: 0 });
    expect(error.next).toBeGreaterThan(10);
    expect(calls(models)).toBe(0);
  });

  it.each<[string, unknown]>([
    ['a negative bound', { maxTurns: -1 }],
    ['a fraction of a turn', { maxTurns: 1.5 }],
    ['an unknown field', { maxTokenz: 10 }],
    ['a bad onExceeded', { onExceeded: 'stop' }],
  ])('refuses %s with a ConfigurationError naming the option', async (_, budget) => {
    const { root } = chain(0, workTool([]));
    const error = await root.run('x', { budget: budget as RunBudget }).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as ConfigurationError).option).toMatch(/^budget/);
  });
});

it('a continued run counts what the tree spent before the pause', async () => {
  const ledger: Ledger = [];
  const first = chain(1, workTool(ledger, 'work', { needsApproval: true }));
  const paused = await first.root.run('start');
  const state = RunState.parse(paused.state.toString());
  state.approve(state.interruptions[0] as never);
  const second = chain(1, workTool(ledger, 'work', { needsApproval: true }));
  // Two calls were made before the pause; a1's second is the third, a0's second the fourth.
  const error = await failure(second.root.run(state, { budget: { maxTurns: 3 } }));
  expect(error).toMatchObject({ agent: 'a0', spent: 3 });
  expect(ledger).toEqual(['work:1']);
  expectValidRequests([...first.models, ...second.models]);
});
