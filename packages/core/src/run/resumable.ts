import type { ToolRegistry } from '@agentloop/tools';
import { RunStateError } from '../errors/run-state-error.js';
import type { RunSnapshot } from './run-snapshot.js';

/**
 * Checks that this agent can continue a run from its snapshot: the run is this agent's, has not
 * ended, and every call that was on its way to run (started, approved or awaiting a decision)
 * names a tool the agent has.
 *
 * @throws RunStateError `run_state_agent_mismatch` or `run_completed`.
 */
export function checkResumable<TContext>(
  agent: { name: string; registry: ToolRegistry<TContext> },
  snapshot: RunSnapshot,
): void {
  const { runId } = snapshot;
  if (snapshot.agent !== agent.name) {
    throw new RunStateError(
      `Run "${runId}" belongs to agent "${snapshot.agent}", not to agent "${agent.name}": continue it with the agent that started it (agents are matched by name).`,
      { code: 'run_state_agent_mismatch', runId, field: 'agent' },
    );
  }
  if (snapshot.status === 'completed') {
    throw new RunStateError(
      `Run "${runId}" has already completed (after ${snapshot.turn} turns): there is nothing to continue. Start a new run, with the same sessionId to keep the conversation.`,
      { code: 'run_completed', runId, field: 'status' },
    );
  }
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
