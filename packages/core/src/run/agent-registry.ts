import { ConfigurationError } from '../errors/errors.js';
import type { ResolvedAgent } from './resolved-agent.js';

/**
 * Every `Agent`'s resolved configuration, by the agent object: how a handoff (which holds the
 * public agent) reaches the configuration the loop runs. Weak, so agents are collected as usual.
 */
const configs = new WeakMap<object, ResolvedAgent<unknown>>();

/** Files an agent's resolved configuration under the agent (at its construction). */
export function registerAgentConfig<TContext>(
  agent: object,
  config: ResolvedAgent<TContext>,
): void {
  configs.set(agent, config as ResolvedAgent<unknown>);
}

/** Whether `value` is an `Agent` (of this copy of core). */
export function isAgentConfig(value: unknown): value is { readonly name: string } {
  return typeof value === 'object' && value !== null && configs.has(value);
}

/** The resolved configuration of an agent. */
export function agentConfigOf<TContext>(agent: object): ResolvedAgent<TContext> {
  const config = configs.get(agent);
  if (!config) throw new Error('agentConfigOf: not an Agent');
  return config as ResolvedAgent<TContext>;
}

/**
 * The agents a run of `root` can reach by handoffs, by name: root first, then breadth first.
 * Two different agents of one name cannot both be reached: a run's state names its active agent
 * by name, and could not tell them apart.
 *
 * @throws ConfigurationError naming the two agents' handoffs.
 */
export function handoffGraph<TContext>(
  root: ResolvedAgent<TContext>,
): Map<string, ResolvedAgent<TContext>> {
  const byName = new Map<string, ResolvedAgent<TContext>>([[root.name, root]]);
  const queue: ResolvedAgent<TContext>[] = [root];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const h of next.handoffs) {
      const target = agentConfigOf<TContext>(h.agent);
      const known = byName.get(target.name);
      if (known === target) continue;
      if (known) {
        throw new ConfigurationError(
          `Agent "${root.name}" reaches two different agents named "${target.name}" through its handoffs (one of them from agent "${next.name}"): a run's state names its active agent by name, so names must be unique among the agents a run can hand over to. Rename one of them.`,
          { option: 'handoffs' },
        );
      }
      byName.set(target.name, target);
      queue.push(target);
    }
  }
  return byName;
}
