import { Agent, type AgentEvent, type RunResult, type Usage } from '@agentloop/core';
import { ScriptedModel, type ScriptedReplyObject } from '@agentloop/core/testing';
import { type AnyTool, tool } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { expect } from 'vitest';
import { z } from 'zod';
import { validateChatRequest } from '../support/index.js';

/** The model every agent of these trees uses: priced, so costs are known. */
export const MODEL = 'gpt-4o-mini';

/** Every tool that ran, in order, as `name:args`. */
export type Ledger = string[];

/** How one agent of a tree behaves, stateless so a fresh instance (or process) continues it. */
export interface Role {
  /** The calls the agent makes when it has just been asked (the last message is the user's). */
  calls: readonly { name: string; arguments: object }[];
  /** The answer once its calls are answered (or a structured answer's JSON). */
  answer?: string;
}

/**
 * A scripted model that plays a role: the calls when the last message is the user's, the
 * answer once the last message is a tool result. Ids are fixed (`<agent>_<i>`), so a
 * continued run in a fresh process sees the same ones.
 */
export function roleModel(agent: string, role: Role): ScriptedModel {
  return new ScriptedModel(
    (request): ScriptedReplyObject | string => {
      const last = request.messages.at(-1) as ChatCompletionMessageParam | undefined;
      const toolsAllowed = request.tools !== undefined && request.tool_choice !== 'none';
      if (last?.role === 'user' && role.calls.length > 0 && toolsAllowed) {
        return {
          toolCalls: role.calls.map((call, i) => ({ id: `${agent}_${i}`, ...call })),
        };
      }
      return role.answer ?? `${agent} answered`;
    },
    { name: MODEL },
  );
}

/** A tool that records each run in the ledger; optional approval, latch or failure. */
export function workTool(
  ledger: Ledger,
  name = 'work',
  options: {
    needsApproval?: boolean;
    idempotent?: boolean;
    /** Awaited before the tool answers (a latch, or a wait for its signal). */
    gate?: (signal: AbortSignal) => Promise<unknown>;
    signals?: AbortSignal[];
  } = {},
): AnyTool {
  return tool({
    name,
    description: `Does ${name}`,
    parameters: z.object({ n: z.number() }),
    ...(options.needsApproval ? { needsApproval: true } : {}),
    ...(options.idempotent ? { idempotent: true } : {}),
    execute: async ({ n }, ctx) => {
      ledger.push(`${name}:${n}`);
      options.signals?.push(ctx.signal);
      if (options.gate) await options.gate(ctx.signal);
      return `${name} ${n} done`;
    },
  }) as unknown as AnyTool;
}

export interface Chain {
  agents: Agent[];
  models: ScriptedModel[];
  root: Agent;
}

/**
 * A chain of `depth + 1` agents, `a0` (the root) calling `a1` as a tool, ..., `a<depth>` calling
 * the leaf tool. Built again from scratch for a continued run: nothing is shared but the ledger.
 */
export function chain(
  depth: number,
  leafTool: AnyTool,
  options: { extraRootTools?: AnyTool[]; output?: z.ZodType } = {},
): Chain {
  const agents: Agent[] = [];
  const models: ScriptedModel[] = [];
  let below: Agent | undefined;
  for (let level = depth; level >= 0; level--) {
    const name = `a${level}`;
    const calls = below
      ? [{ name: below.name, arguments: { input: `task for ${below.name}` } }]
      : [{ name: leafTool.name, arguments: { n: level } }];
    const model = roleModel(name, { calls });
    const tools: AnyTool[] = below
      ? [below.asTool({ description: `Asks ${below.name}` }) as AnyTool]
      : [leafTool];
    if (level === 0) tools.push(...(options.extraRootTools ?? []));
    const agent = new Agent({ name, model, tools });
    agents.unshift(agent);
    models.unshift(model);
    below = agent;
  }
  return { agents, models, root: agents[0] as Agent };
}

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
 * parent's run id and sit between its parent's `tool:start` of the call and the parent's
 * terminal event; each run (and each resumption of it) ends with exactly one terminal event.
 */
export function expectTreeOrder(events: readonly AgentEvent[]): void {
  const runs = new Map<
    string,
    { path: string; parent: string | undefined; first: number; last: number }
  >();
  const starts = new Map<string, number>();
  const terminals = new Map<string, number>();
  events.forEach((event, index) => {
    const known = runs.get(event.runId);
    const path = event.path.join('/');
    expect(event.path.at(-1)).toBe(event.agent);
    if (!known) {
      runs.set(event.runId, { path, parent: event.parentRunId, first: index, last: index });
    } else {
      expect(path).toBe(known.path);
      expect(event.parentRunId).toBe(known.parent);
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
      continue;
    }
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
