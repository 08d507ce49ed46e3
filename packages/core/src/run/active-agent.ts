import { ConfigurationError } from '../errors/errors.js';
import { RunStateError } from '../errors/run-state-error.js';
import { handoffGraph } from './agent-registry.js';
import type { ResolvedAgent } from './resolved-agent.js';

/**
 * The agent a run continues with: the agent it was started with, or the one a handoff made
 * active, found by name among the agents the first reaches through its handoffs.
 *
 * @throws RunStateError `run_state_agent_mismatch` when no agent of that name is reachable.
 */
export function activeAgentOf<TContext>(
  root: ResolvedAgent<TContext>,
  runId: string,
  name: string,
): ResolvedAgent<TContext> {
  if (name === root.name) return root;
  const graph = handoffGraph(root);
  const found = graph.get(name);
  if (found) return found;
  throw new RunStateError(
    `Run "${runId}" was handed over to agent "${name}", and agent "${root.name}" reaches no agent of that name through its handoffs (it reaches ${[...graph.keys()].map((n) => `"${n}"`).join(', ')}). Continue the run with an agent whose handoffs include "${name}", as when it ran.`,
    { code: 'run_state_agent_mismatch', runId, field: 'activeAgent' },
  );
}

/**
 * The configuration a run follows while `active` answers: the active agent's instructions, model,
 * tools, handoffs, settings, output schema and middleware; the run's first agent's session memory,
 * run store, listeners, stop conditions and limits, which belong to the run as a whole.
 */
export function runView<TContext>(
  root: ResolvedAgent<TContext>,
  active: ResolvedAgent<TContext>,
): ResolvedAgent<TContext> {
  if (active === root) return root;
  return {
    ...active,
    memory: root.memory,
    runStore: root.runStore,
    listeners: root.listeners,
    stopWhen: root.stopWhen,
    maxTurns: root.maxTurns,
    onMaxTurns: root.onMaxTurns,
    timeouts: root.timeouts,
    maxHandoffs: root.maxHandoffs,
    onMaxHandoffs: root.onMaxHandoffs,
  };
}

/**
 * Checks that no tool of the agent has the name of one of its handoffs: tools registered on
 * `agent.tools` after construction escape the check made there.
 *
 * @throws ConfigurationError naming the tool.
 */
export function checkHandoffNames<TContext>(agent: ResolvedAgent<TContext>): void {
  for (const h of agent.handoffs) {
    if (!agent.registry.has(h.toolName)) continue;
    throw new ConfigurationError(
      `Agent "${agent.name}" has a tool named "${h.toolName}" and a handoff to agent "${h.agent.name}" of the same name: the model could not tell them apart. Rename the tool, or give the handoff another toolName.`,
      { option: 'handoffs' },
    );
  }
}
