import type { ToolRegistry } from '@agentloop/tools';
import { RunStateError } from '../errors/run-state-error.js';
import { activeAgentOf } from './active-agent.js';
import type { ResolvedAgent } from './resolved-agent.js';
import type { RunSnapshot } from './run-snapshot.js';

/**
 * Checks that this agent can continue a run from its snapshot: the run is this agent's, has not
 * ended, the agent a handoff made active is one this agent reaches through its handoffs, and
 * every call that was on its way to run (started, approved or awaiting a decision) names a tool
 * the active agent has.
 *
 * @throws RunStateError `run_state_agent_mismatch` or `run_completed`.
 */
export function checkResumable<TContext>(
  root: ResolvedAgent<TContext>,
  snapshot: RunSnapshot,
): void {
  const { runId } = snapshot;
  if (snapshot.agent !== root.name) {
    throw new RunStateError(
      `Run "${runId}" belongs to agent "${snapshot.agent}", not to agent "${root.name}": continue it with the agent that started it (agents are matched by name).`,
      { code: 'run_state_agent_mismatch', runId, field: 'agent' },
    );
  }
  if (snapshot.status === 'completed') {
    throw new RunStateError(
      `Run "${runId}" has already completed (after ${snapshot.turn} turns): there is nothing to continue. Start a new run, with the same sessionId to keep the conversation.`,
      { code: 'run_completed', runId, field: 'status' },
    );
  }
  const agent = activeAgentOf(root, runId, snapshot.activeAgent ?? root.name);
  if (snapshot.handoff) activeAgentOf(root, runId, snapshot.handoff.to);
  snapshot.pending?.forEach((entry, i) => {
    // Only calls that got past validation (so their tool existed) are checked: a waiting call may
    // name a tool the model invented, which is the model's fault and answered as unknown_tool.
    if (
      entry.status !== 'interrupted' &&
      entry.status !== 'approved' &&
      entry.status !== 'started'
    ) {
      return;
    }
    if (agent.registry.has(entry.name)) return;
    throw new RunStateError(
      `Run "${runId}" has a call to tool "${entry.name}" still to run, and agent "${agent.name}" has no tool of that name (it has ${describeTools(agent.registry)}). Continue the run with an agent that has the tool.`,
      { code: 'run_state_agent_mismatch', runId, field: `pending.${i}.name` },
    );
  });
}

function describeTools<TContext>(registry: ToolRegistry<TContext>): string {
  const names = registry.list().map((t) => `"${t.name}"`);
  return names.length === 0 ? 'no tools' : names.join(', ');
}
