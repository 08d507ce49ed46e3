import type { RunInput } from '../agent/agent-options.js';
import { ConfigurationError } from '../errors/errors.js';
import { RunStateError } from '../errors/run-state-error.js';
import type { ActiveRun } from './active-run.js';
import { resolveInstructions, toMessages } from './messages.js';
import type { ResolvedAgent, RunStart } from './resolved-agent.js';
import { checkResumable } from './resumable.js';
import type { RunSnapshot } from './run-snapshot.js';
import { snapshotOfState } from './run-state.js';
import { loadHistory } from './session-memory.js';

/** The snapshot a run continues from, checked against the agent (a copy: the loop changes it). */
export async function loadSnapshot<TContext>(
  agent: ResolvedAgent<TContext>,
  start: Exclude<RunStart, { input: RunInput }>,
): Promise<RunSnapshot> {
  let snapshot: RunSnapshot | undefined;
  if ('state' in start) {
    snapshot = structuredClone(snapshotOfState(start.state));
  } else if (agent.runStore) {
    snapshot = await agent.runStore.load(start.runId);
    if (!snapshot) {
      throw new RunStateError(
        `Run "${start.runId}" has no checkpoint in the run store of agent "${agent.name}": it never ran with this store, or was deleted. Check the run id and the store's location.`,
        { code: 'run_not_found', runId: start.runId },
      );
    }
  } else {
    throw new ConfigurationError(
      `agent.resume("${start.runId}") needs a run store to load the run from: create agent "${agent.name}" with { runStore } (InMemoryRunStore, or FileRunStore from @agentloop/core/node), or continue from a state with agent.run(state).`,
      { option: 'runStore' },
    );
  }
  checkResumable(agent, snapshot);
  return snapshot;
}

/** The conversation of a new run: instructions, the session's history, then the input. */
export async function openConversation<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  input: RunInput,
): Promise<void> {
  const instructions = await resolveInstructions(agent.instructions, run);
  const history = await loadHistory(run, agent.memory);
  run.messages = [...(instructions ? [instructions] : []), ...history];
  // Instructions are never stored and history is stored already: both count as saved.
  run.firstNew = run.saved = run.messages.length;
  run.messages.push(...toMessages(input));
  if (run.messages.length === 0) {
    // The API refuses a request without messages (400); say what to pass instead.
    throw new ConfigurationError(
      `Agent "${agent.name}" has no messages to send: the input is an empty array, there are no instructions${run.sessionId === undefined ? '' : `, and session "${run.sessionId}" has no history`}. Pass a user message, e.g. agent.run('...').`,
      { option: 'input' },
    );
  }
}
