import {
  type AgentEvent,
  type RunHooks,
  type RunSnapshot,
  RunStateError,
  type RunStore,
} from '@agentloop/core';
import type { ServiceLog } from './run-error.js';
import type { ChatContext } from './service-options.js';

/** A chat run being watched by the {@link RunBook}: pass `hooks` to the run, call `finish` after. */
export interface WatchedRun {
  /** Notes the run's id at `run:start` and how it ended at `run:end`. */
  readonly hooks: RunHooks<ChatContext>;
  /** Frees the run's id; forgets its checkpoint unless it paused. Never rejects. */
  finish(): Promise<void>;
}

// What a run id looks like to this service: the loop's `run_<uuid>`, or anything a run store can
// hold as a file name. Anything else names no run.
const RUN_ID = /^[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,127}$/;

/**
 * The runs of the service: the run store their checkpoints go to (every agent of the service
 * saves there), and which runs are going on in this process right now.
 *
 * - A run going on is never continued by a second request (`run_in_progress`), whether it is a
 *   chat run before it paused or a run being continued: the second request would race the first
 *   and could run an approved tool twice.
 * - A chat run that ends without pausing has its checkpoint deleted: nobody can approve anything
 *   in it, and the store would otherwise keep every conversation. A paused run stays, and so does
 *   one that completed after its approvals, so that a late approval is told `run_completed`.
 */
export class RunBook {
  /** Where the agents checkpoint their runs. */
  readonly store: RunStore;
  readonly #log: ServiceLog;
  readonly #active = new Set<string>();
  // Checkpoints being deleted: a request for one of these runs waits, then finds none.
  readonly #forgetting = new Map<string, Promise<void>>();

  /**
   * @param store - the service's run store.
   * @param log - where a failed cleanup is reported.
   */
  constructor(store: RunStore, log: ServiceLog) {
    this.store = store;
    this.#log = log;
  }

  /**
   * Watches a new chat run: its id is known at `run:start`, and from then on it counts as going on.
   * @returns the hooks for the run and the function to call once it ended.
   */
  watch(): WatchedRun {
    let runId: string | undefined;
    let paused = false;
    const hooks: RunHooks<ChatContext> = {
      'run:start': (event) => {
        runId = event.runId;
        this.#active.add(runId);
      },
      'run:end': (event: Extract<AgentEvent, { type: 'run:end' }>) => {
        paused = event.status === 'interrupted';
      },
    };
    return {
      hooks,
      finish: async () => {
        if (runId === undefined) return;
        this.#active.delete(runId);
        if (paused) return;
        const forgetting = this.#forget(runId);
        this.#forgetting.set(runId, forgetting);
        await forgetting;
        this.#forgetting.delete(runId);
      },
    };
  }

  /**
   * Holds a run for one request that will continue it, then loads its latest checkpoint.
   *
   * @param runId - the id from the request's path.
   * @returns the checkpoint and the function that lets the run go (call it once the request is done).
   * @throws RunStateError `run_in_progress` (another request is running or continuing it),
   * `run_not_found` (no such run, or it ended without ever pausing), or whatever the store
   * throws for a checkpoint it cannot read.
   */
  async hold(runId: string): Promise<{ snapshot: RunSnapshot; release: () => void }> {
    if (this.#active.has(runId)) {
      throw new RunStateError(
        `Run "${runId}" is going on right now (another request is running or continuing it). Wait for that request's answer, then decide what the run still waits for.`,
        { code: 'run_in_progress', runId },
      );
    }
    this.#active.add(runId);
    const release = () => {
      this.#active.delete(runId);
    };
    try {
      await this.#forgetting.get(runId);
      const snapshot = RUN_ID.test(runId) ? await this.store.load(runId) : undefined;
      if (!snapshot) {
        throw new RunStateError(
          `There is no paused run "${runId}": check the id (the "runId" of an answer with "status": "interrupted"). A run that completed without pausing is not kept.`,
          { code: 'run_not_found', runId },
        );
      }
      return { snapshot, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  async #forget(runId: string): Promise<void> {
    try {
      await this.store.delete(runId);
    } catch (error) {
      this.#log.error(`Could not delete the checkpoint of run "${runId}".`, error);
    }
  }
}
