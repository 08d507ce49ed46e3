import { raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import type { ResolvedAgent } from './resolved-agent.js';
import { saveTurn } from './session-memory.js';

/** Checkpoints the run, cut short by an abort; `undefined` (no tick to wait) without a store. */
export function saveCheckpoint<TContext>(run: ActiveRun<TContext>): Promise<void> | undefined {
  const saving = run.checkpoint();
  return saving && raceAbort(saving, run.signal);
}

/**
 * Ends a turn: its messages are appended to the session (keyed, so at most once), a checkpoint is
 * saved, and `turn:end` is emitted.
 */
export async function endTurn<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  toolCalls: number,
): Promise<void> {
  const saving = saveTurn(run, agent.memory);
  if (saving) await raceAbort(saving, run.signal);
  // The last check before the answer is returned: an abort during the turn (a listener, an
  // output check) must not end in run:end.
  run.signal.throwIfAborted();
  const checkpointing = saveCheckpoint(run);
  if (checkpointing) await checkpointing;
  if (run.bus.wants('turn:end')) {
    run.bus.emit({
      type: 'turn:end',
      runId: run.runId,
      turn: run.turn,
      finishReason: run.finishReason,
      toolCalls,
    });
  }
}
