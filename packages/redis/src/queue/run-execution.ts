import {
  type Agent,
  type RunOptions,
  type RunSnapshot,
  RunState,
  RunStateError,
  type RunStore,
  type WireRunEndEvent,
} from '@agentloop/core';
import { RunQueueError } from './errors.js';
import type { QueuedJob } from './queued-job.js';

/**
 * An agent the worker runs: any `Agent`, whatever its context, output and tools (the worker
 * gives each run the context the run was enqueued with).
 */
export interface QueueAgent {
  readonly name: string;
  run(input: never, options?: never): Promise<unknown>;
  resume(runId: string, options?: never): Promise<unknown>;
}

/**
 * Runs one job of a queued run where its checkpoints say it stands: a new run, a run taken over
 * from a dead worker (`agent.resume`, so calls recorded done are not run again and a call
 * started but not done runs again only when idempotent), or an interrupted run with its
 * decisions. A run that had completed before its worker died is not run again: its `run:end`
 * is rebuilt from the checkpoint.
 *
 * While the previous owner's claim on the run has not expired (`run_in_progress`), it waits and
 * tries again, up to `claimWaitMs`.
 */
export async function executeJob({
  agent,
  job,
  runStore,
  options,
  claimWaitMs,
}: {
  agent: QueueAgent;
  job: QueuedJob;
  runStore: RunStore;
  options: RunOptions;
  claimWaitMs: number;
}): Promise<WireRunEndEvent | undefined> {
  const deadline = Date.now() + claimWaitMs;
  for (;;) {
    try {
      return await attempt(agent, job, runStore, options);
    } catch (error) {
      const held = RunStateError.isInstance(error) && error.code === 'run_in_progress';
      if (!held || Date.now() >= deadline || options.signal?.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function attempt(
  queued: QueueAgent,
  job: QueuedJob,
  runStore: RunStore,
  options: RunOptions,
): Promise<WireRunEndEvent | undefined> {
  const { runId } = job;
  // Any agent's run and resume take these options; its context type is the user's business.
  const agent = queued as unknown as Agent;
  const snapshot = await runStore.load(runId);
  const base: RunOptions = {
    ...options,
    runStore,
    ...(job.context !== undefined ? { context: job.context } : {}),
  };
  if (!snapshot) {
    if (job.gen > 0 || job.input === undefined) {
      throw new RunQueueError(
        `Run "${runId}" has no checkpoint in the worker's run store, so its resumption cannot continue it: the store lost it (expired, or another store or prefix).`,
        { code: 'worker_lost', runId },
      );
    }
    await agent.run(job.input, {
      ...base,
      runId,
      ...(job.sessionId !== undefined ? { sessionId: job.sessionId } : {}),
    });
    return undefined;
  }
  if (snapshot.status === 'completed') return endOf(snapshot);
  if (snapshot.status === 'interrupted' && job.decisions) {
    const state = RunState.fromSnapshot(snapshot);
    for (const [id, decision] of Object.entries(job.decisions)) {
      if (!state.interruptions.some((i) => i.id === id)) continue;
      if (decision === 'approve') state.approve(id);
      else state.reject(id, typeof decision === 'object' ? { message: decision.reject } : {});
    }
    await agent.run(state, base);
    return undefined;
  }
  await agent.resume(runId, base);
  return undefined;
}

/** The `run:end` of a run that completed but whose worker died before it said so. */
function endOf(snapshot: RunSnapshot): WireRunEndEvent {
  return {
    type: 'run:end',
    runId: snapshot.runId,
    agent: snapshot.agent,
    path: [snapshot.agent],
    turn: snapshot.turn,
    status: 'completed',
    result: {
      status: 'completed',
      interruptions: [],
      output: snapshot.text,
      text: snapshot.text,
      turns: snapshot.turn,
      usage: snapshot.usage,
      finishReason: snapshot.finishReason,
    },
  };
}
