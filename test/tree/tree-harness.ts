import type { Agent, AgentEvent, RunResult, Usage } from '@agentloop/core';
import type { ScriptedModel } from '@agentloop/core/testing';
import { expect } from 'vitest';
import { validateChatRequest } from '../support/index.js';
import { type Ledger, MODEL } from './tree-agents.js';

export {
  type Chain,
  chain,
  type Ledger,
  MODEL,
  type Role,
  roleModel,
  workTool,
} from './tree-agents.js';

/** Every event the root's listeners get, in order. */
export function listen(agent: Agent): AgentEvent[] {
  const events: AgentEvent[] = [];
  agent.on('*', (event) => {
    events.push(event);
  });
  return events;
}

/** Every request each model got is one the real API accepts. */
export function expectValidRequests(models: readonly ScriptedModel[]): number {
  let count = 0;
  for (const model of models) {
    for (const request of model.requests) {
      const verdict = validateChatRequest({ model: MODEL, ...request });
      expect(verdict, JSON.stringify(request.messages)).toMatchObject({ ok: true });
      count++;
    }
  }
  return count;
}

/** No tool ran twice. */
export function expectNoDuplicates(ledger: Ledger): void {
  expect(new Set(ledger).size).toBe(ledger.length);
}

/**
 * The merged stream's shape: each run's events share its agent and path; a child's carry the
 * parent's run id and the id of the call that started it, and sit between its parent's `tool:start` of the call and the parent's
 * terminal event; each run (and each resumption of it) ends with exactly one terminal event.
 */
export function expectTreeOrder(events: readonly AgentEvent[]): void {
  const runs = new Map<
    string,
    {
      path: string;
      parent: string | undefined;
      call: string | undefined;
      first: number;
      last: number;
    }
  >();
  const starts = new Map<string, number>();
  const terminals = new Map<string, number>();
  events.forEach((event, index) => {
    const known = runs.get(event.runId);
    const path = event.path.join('/');
    expect(event.path.at(-1)).toBe(event.agent);
    if (!known) {
      runs.set(event.runId, {
        path,
        parent: event.parentRunId,
        call: event.parentToolCallId,
        first: index,
        last: index,
      });
    } else {
      expect(path).toBe(known.path);
      expect(event.parentRunId).toBe(known.parent);
      expect(event.parentToolCallId).toBe(known.call);
      known.last = index;
    }
    if (event.type === 'run:start') starts.set(event.runId, (starts.get(event.runId) ?? 0) + 1);
    if (event.type === 'run:end' || event.type === 'run:error') {
      terminals.set(event.runId, (terminals.get(event.runId) ?? 0) + 1);
    }
  });
  for (const [runId, run] of runs) {
    expect(terminals.get(runId), `terminal events of ${run.path}`).toBe(starts.get(runId));
    if (run.parent === undefined) {
      expect(run.path.split('/')).toHaveLength(1);
      expect(run.call).toBeUndefined();
      continue;
    }
    // A child names the parent's call that started it.
    expect(run.call, `calling tool call of ${run.path}`).toEqual(expect.any(String));
    const parent = runs.get(run.parent);
    expect(parent, `parent of ${run.path}`).toBeDefined();
    if (!parent) continue;
    expect(run.path.startsWith(`${parent.path}/`)).toBe(true);
    expect(run.first).toBeGreaterThan(parent.first);
    expect(run.last).toBeLessThan(parent.last);
  }
}

/** Usage per agent adds up to the total, and each agent's is what its model calls reported. */
export function expectUsage(
  result: Pick<RunResult, 'usage' | 'usageByAgent'>,
  events: readonly AgentEvent[],
): void {
  const byAgent = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'model:end') {
      byAgent.set(event.agent, (byAgent.get(event.agent) ?? 0) + event.usage.totalTokens);
    }
  }
  const parts = Object.values(result.usageByAgent) as Usage[];
  expect(parts.reduce((sum, u) => sum + u.totalTokens, 0)).toBe(result.usage.totalTokens);
  for (const [agent, tokens] of byAgent) {
    expect(result.usageByAgent[agent]?.totalTokens, `tokens of ${agent}`).toBe(tokens);
  }
  expect(result.usage.totalTokens).toBeGreaterThan(0);
}

/** Runs of each agent in the events, by agent name. */
export function runsOf(events: readonly AgentEvent[], type: AgentEvent['type']): string[] {
  return events.filter((e) => e.type === type).map((e) => e.agent);
}
