import { Agent, type RunStore } from '@agentloop/core';
import { ScriptedModel, type ScriptedReplyObject } from '@agentloop/core/testing';
import { type AnyTool, tool } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';

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
  options: { extraRootTools?: AnyTool[]; runStore?: RunStore } = {},
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
    const agent = new Agent({
      name,
      model,
      tools,
      ...(level === 0 && options.runStore ? { runStore: options.runStore } : {}),
    });
    agents.unshift(agent);
    models.unshift(model);
    below = agent;
  }
  return { agents, models, root: agents[0] as Agent };
}
