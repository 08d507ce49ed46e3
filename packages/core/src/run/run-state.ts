import { RunStateError } from '../errors/run-state-error.js';
import { checkRunSnapshot, parseRunSnapshot } from './parse-run-snapshot.js';
import type {
  PendingToolCall,
  RunSnapshot,
  RunStatus,
  SnapshotInterruption,
} from './run-snapshot.js';

/**
 * Why a run paused, for a person or a program to decide (`state.approve(i)` or
 * `state.reject(i, { message })`):
 * - `approval`: the call needs a yes or no (`needsApproval`, or `beforeTool` answered
 *   `{ action: 'interrupt' }`);
 * - `unknown_outcome`: the run's process died while the call ran, and its tool is not
 *   `idempotent`, so nobody knows whether it took effect. Approving runs it again; rejecting
 *   tells the model it was not run again.
 */
export type Interruption = SnapshotInterruption;

/** Options of {@link RunState.reject}. */
export interface RejectOptions {
  /** What the model is told instead of the tool's result. @default a sentence saying the call was rejected */
  message?: string;
}

const snapshots = new WeakMap<RunState, RunSnapshot>();

/**
 * A run as data: where it stands (its conversation, turn, usage, the calls of the turn in
 * progress and what it waits for), serialisable with `toString()` and read back with
 * `RunState.parse`. An interrupted run's `result.state` holds its `interruptions`; decide each
 * with `approve` or `reject` (one by one, across as many resumptions as you like), then pass the
 * state to `agent.run(state)` or `agent.stream(state)`, in this process or another.
 *
 * @example
 * ```ts
 * const result = await agent.run('Refund order 42');
 * if (result.status === 'interrupted') {
 *   const saved = result.state.toString(); // store it anywhere
 *   // ... later, maybe in another process:
 *   const state = RunState.parse(saved);
 *   for (const i of state.interruptions) state.approve(i);
 *   const done = await agent.run(state);
 * }
 * ```
 */
export class RunState {
  /** @internal Use `RunState.parse` or a run's `result.state`. */
  constructor(snapshot: RunSnapshot) {
    snapshots.set(this, snapshot);
  }

  /**
   * Reads a state from the text `state.toString()` gave, checking every field.
   *
   * @throws RunStateError `invalid_run_state` (not JSON, cut off, a field missing or edited; the
   *   message and `field` name it) or `unsupported_run_state_version` (written by a newer
   *   agentloop).
   */
  static parse(text: string): RunState {
    return stateOf(parseRunSnapshot(text));
  }

  /**
   * A state from a snapshot object (as a run store or `state.toJSON()` gave it), checked like
   * {@link RunState.parse}. The object is copied.
   */
  static fromSnapshot(snapshot: RunSnapshot): RunState {
    return stateOf(checkRunSnapshot(structuredClone(snapshot)));
  }

  /** The run's id, the same on every event of every resumption. */
  get runId(): string {
    return this.#snapshot.runId;
  }

  /** The agent whose run this is. */
  get agent(): string {
    return this.#snapshot.agent;
  }

  /**
   * The agent answering now: `agent`, or the agent a handoff made active. Continue the run with
   * `agent` (the one it was started with), which finds this one among its handoffs by name.
   */
  get activeAgent(): string {
    return this.#snapshot.activeAgent ?? this.#snapshot.agent;
  }

  /** `interrupted` while it waits for decisions, `completed` once it answered. */
  get status(): RunStatus {
    return this.#snapshot.status;
  }

  /** The turns (model calls) made so far. */
  get turn(): number {
    return this.#snapshot.turn;
  }

  /** What the run still waits for: every interruption not yet approved or rejected. */
  get interruptions(): readonly Interruption[] {
    return this.#snapshot.interruptions.map((i) => ({ ...i }));
  }

  /**
   * Allows an interrupted call: it runs when the run continues (an `unknown_outcome` call runs
   * again).
   *
   * @param interruption - one of `state.interruptions`, or its `id`.
   * @throws RunStateError `unknown_interruption` when the state holds no such undecided interruption.
   */
  approve(interruption: Interruption | string): this {
    this.#decide(interruption, 'approve', (pending) => {
      pending.status = 'approved';
    });
    return this;
  }

  /**
   * Refuses an interrupted call: it does not run, and the model sees `message` as its result.
   *
   * @param interruption - one of `state.interruptions`, or its `id`.
   * @param options - `message`: what the model is told.
   * @throws RunStateError `unknown_interruption` when the state holds no such undecided interruption.
   */
  reject(interruption: Interruption | string, options: RejectOptions = {}): this {
    const message = options.message;
    if (message !== undefined && (typeof message !== 'string' || message.trim() === '')) {
      throw new RunStateError(
        `state.reject(): "message" must be a non-empty string (it is what the model sees); got ${typeof message === 'string' ? 'an empty string' : typeof message}.`,
        { code: 'invalid_run_state', runId: this.runId, field: 'message' },
      );
    }
    this.#decide(interruption, 'reject', (pending, found) => {
      pending.status = 'rejected';
      pending.rejection =
        message ??
        (found.kind === 'approval'
          ? `The call to "${found.name}" was rejected, so it was not run. Do not call it again with the same arguments.`
          : `The call to "${found.name}" was cut short when the program running it stopped, and it may or may not have taken effect; it was not run again. Check before you call it again.`);
    });
    return this;
  }

  /** The snapshot as plain JSON data (a copy). */
  toJSON(): RunSnapshot {
    return structuredClone(this.#snapshot);
  }

  /** The snapshot as JSON text, for `RunState.parse`. */
  toString(): string {
    return JSON.stringify(this.#snapshot);
  }

  get #snapshot(): RunSnapshot {
    return snapshotOfState(this);
  }

  #decide(interruption: Interruption | string, verb: string, apply: Decision): void {
    const snapshot = this.#snapshot;
    const id = typeof interruption === 'string' ? interruption : interruption?.id;
    if (typeof id !== 'string' || !decideIn(snapshot, id, apply)) {
      const waiting = snapshot.interruptions.map((i) => JSON.stringify(i.id)).join(', ');
      throw new RunStateError(
        `state.${verb}(): run "${snapshot.runId}" has no undecided interruption ${JSON.stringify(id)}; ${waiting === '' ? 'it waits for none' : `it waits for ${waiting}`}. Pass one of state.interruptions (each can be decided once).`,
        { code: 'unknown_interruption', runId: snapshot.runId },
      );
    }
  }
}

type Decision = (pending: PendingToolCall, found: SnapshotInterruption) => void;

/**
 * Decides one interruption of a snapshot. An interruption of a child run (an agent called as a
 * tool) has the id of the parent's call as a prefix (`call_1/approve_call_7`): it is decided in
 * the child's snapshot kept on that call, and once the child waits for nothing more, the
 * parent's call is marked to continue it.
 *
 * @returns whether the snapshot held that undecided interruption.
 */
function decideIn(snapshot: RunSnapshot, id: string, apply: Decision): boolean {
  const index = snapshot.interruptions.findIndex((i) => i.id === id);
  const found = snapshot.interruptions[index];
  if (!found) return false;
  const holder = snapshot.pending?.find(
    (p) => p.child !== undefined && id.startsWith(`${p.toolCallId}/`),
  );
  if (holder?.child) {
    if (!decideIn(holder.child, id.slice(holder.toolCallId.length + 1), apply)) return false;
    snapshot.interruptions.splice(index, 1);
    if (holder.child.interruptions.length === 0) holder.status = 'approved';
    return true;
  }
  const pending = snapshot.pending?.find((p) => p.toolCallId === found.toolCallId);
  if (!pending) return false;
  snapshot.interruptions.splice(index, 1);
  apply(pending, found);
  return true;
}

/**
 * A state of a checked snapshot. Outside the class: a class that names itself in its body is
 * renamed by the bundler (see scripts/bundle-package.mjs).
 */
function stateOf(snapshot: RunSnapshot): RunState {
  return new RunState(snapshot);
}

/** @internal The snapshot a state wraps (not a copy): the loop continues from it. */
export function snapshotOfState(state: RunState): RunSnapshot {
  const snapshot = snapshots.get(state);
  if (!snapshot) {
    throw new RunStateError(
      "This object is not a RunState: get one from a run's result.state or RunState.parse(text).",
      { code: 'invalid_run_state' },
    );
  }
  return snapshot;
}
