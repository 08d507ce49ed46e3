/**
 * How the crash child kills itself at a planned point: a run store and a session store that
 * wrap the real ones and SIGKILL the process around the planned write, and patches of
 * `fs.promises.rename` and `FileHandle.appendFile` that stop the real `FileRunStore` and
 * `FileStore` half-way through a write.
 *
 * @module
 */

import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { RunClaim, RunSnapshot, RunStore } from '@agentloop/core';
import type { AppendOptions, MemoryStore } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChildKillPlan } from './kill-points.js';

/** Ends the process at once, as `kill -9` from outside would: no handler, no flush. */
export function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered before the kill call returns; this only keeps the type honest.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable');
}

/**
 * What a checkpoint records first, against the one before it: `start` (the run's first),
 * `reply:<turn>`, `started:<id>`, `done:<id>`, `turn-end:<turn>`, `final`. One write may record
 * several (the loop merges checkpoints asked for while one is being written).
 */
export function snapshotEvents(previous: RunSnapshot | undefined, next: RunSnapshot): string[] {
  const events: string[] = [];
  if (!previous && next.turn === 0) events.push('start');
  if (next.turn > (previous?.turn ?? 0)) events.push(`reply:${next.turn}`);
  const before = new Map(
    previous?.turn === next.turn ? (previous.pending ?? []).map((p) => [p.toolCallId, p]) : [],
  );
  for (const entry of next.pending ?? []) {
    const was = before.get(entry.toolCallId)?.status;
    if (entry.status === 'started' && was !== 'started') events.push(`started:${entry.toolCallId}`);
    if (entry.status === 'done' && was !== 'done') events.push(`done:${entry.toolCallId}`);
  }
  if (previous?.pending && !next.pending && previous.turn === next.turn) {
    events.push(`turn-end:${next.turn}`);
  }
  if (next.status === 'completed') events.push('final');
  if (next.status === 'interrupted') events.push('interrupted');
  return events;
}

const fsp = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
let renameArmed = false;
let appendCut: number | undefined;
let claimArmed = false;

/** Kills the process half-way through writing the next claim file. */
export function armClaimKill(): void {
  claimArmed = true;
}

/**
 * Patches the file functions the stores write through, so a planned kill can land inside a
 * write: `rename` (a checkpoint's temp file is written and flushed, then renamed over the last
 * one), `FileHandle.appendFile` (a session's line) and `FileHandle.writeFile` of a claim file.
 * Unarmed, they pass straight through.
 */
export async function patchFileWrites(): Promise<void> {
  const { rename, open } = fsp;
  const paths = new WeakMap<object, string>();
  fsp.rename = async (from, to) => {
    if (renameArmed && String(from).endsWith('.tmp')) die();
    return rename(from, to);
  };
  fsp.open = async (...args: Parameters<typeof open>) => {
    const handle = await open(...args);
    paths.set(handle, String(args[0]));
    return handle;
  };
  // `import { rename } from 'node:fs/promises'` in the stores sees the patched functions.
  syncBuiltinESMExports();
  const handle = await open(process.execPath, 'r');
  type Write = (data: string | Uint8Array, options?: unknown) => Promise<void>;
  const proto = Object.getPrototypeOf(handle) as { appendFile: Write; writeFile: Write };
  await handle.close();
  const writeFile = proto.writeFile;
  proto.writeFile = async function (this: object, data, options) {
    if (claimArmed && paths.get(this)?.endsWith('.claim') && typeof data === 'string') {
      await writeFile.call(this, data.slice(0, Math.floor(data.length / 2)), options);
      die();
    }
    return writeFile.call(this, data, options);
  };
  const appendFile = proto.appendFile;
  proto.appendFile = async function (this: unknown, data, options) {
    if (appendCut === undefined || typeof data !== 'string') {
      return appendFile.call(this, data, options);
    }
    // 1 leaves out only the newline: a complete batch the store never acknowledged.
    const length =
      appendCut >= 1
        ? data.length - 1
        : Math.min(data.length - 1, Math.max(1, Math.floor(data.length * appendCut)));
    await appendFile.call(this, data.slice(0, length), options);
    die();
  };
}

/**
 * A {@link RunStore} that passes every call to `inner` and kills the process before or after
 * the planned checkpoint.
 */
export class KillingRunStore implements RunStore {
  readonly #inner: RunStore;
  readonly #plan: ChildKillPlan | undefined;
  #previous: RunSnapshot | undefined;
  #saves = 0;

  constructor(inner: RunStore, plan: ChildKillPlan | undefined) {
    this.#inner = inner;
    this.#plan = plan;
  }

  async save(snapshot: RunSnapshot): Promise<void> {
    const events = snapshotEvents(this.#previous, snapshot);
    this.#previous = snapshot;
    this.#saves += 1;
    const plan = this.#plan;
    const at = (event: string) => events.includes(event);
    if (plan) {
      const before =
        (plan.point === 'reply-unsaved' && at(`reply:${plan.turn}`)) ||
        (plan.point === 'tool-returned' && at(`done:${plan.toolCallId}`)) ||
        (plan.point === 'save-index' && plan.when === 'before' && plan.index === this.#saves);
      if (before) die();
      if (plan.point === 'checkpoint-rename' && at(plan.event)) renameArmed = true;
    }
    await this.#inner.save(snapshot);
    if (plan) {
      const after =
        (plan.point === 'start' && at('start')) ||
        (plan.point === 'reply-saved' && at(`reply:${plan.turn}`)) ||
        (plan.point === 'tool-started' && at(`started:${plan.toolCallId}`)) ||
        (plan.point === 'tool-done' && at(`done:${plan.toolCallId}`)) ||
        (plan.point === 'turn-end-saved' && at(`turn-end:${plan.turn}`)) ||
        (plan.point === 'final-saved' && at('final')) ||
        (plan.point === 'save-index' && plan.when === 'after' && plan.index === this.#saves);
      if (after) die();
    }
  }

  async load(runId: string): Promise<RunSnapshot | undefined> {
    const snapshot = await this.#inner.load(runId);
    // A resumed run's first checkpoint is told apart from the one it was resumed from.
    this.#previous = snapshot;
    return snapshot;
  }

  delete(runId: string): Promise<void> {
    return this.#inner.delete(runId);
  }

  claim(runId: string): Promise<RunClaim> {
    return this.#inner.claim(runId);
  }
}

/**
 * A {@link MemoryStore} that passes every call to `inner` and kills the process in the middle
 * of the planned turn's append (through the `appendFile` patch) or right after it.
 */
export class KillingMemoryStore implements MemoryStore {
  readonly #inner: MemoryStore;
  readonly #plan: ChildKillPlan | undefined;

  constructor(inner: MemoryStore, plan: ChildKillPlan | undefined) {
    this.#inner = inner;
    this.#plan = plan;
  }

  load(sessionId: string): Promise<ChatCompletionMessageParam[]> {
    return this.#inner.load(sessionId);
  }

  async append(
    sessionId: string,
    messages: readonly ChatCompletionMessageParam[],
    options?: AppendOptions,
  ): Promise<void> {
    const plan = this.#plan;
    // The loop keys a turn's append `${runId}:${turn}`.
    const turn = Number(options?.key?.split(':').at(-1));
    if (plan?.point === 'session-torn' && plan.turn === turn) appendCut = plan.cut;
    await this.#inner.append(sessionId, messages, options);
    if (plan?.point === 'session-appended' && plan.turn === turn) die();
  }

  clear(sessionId: string): Promise<void> {
    return this.#inner.clear(sessionId);
  }
}
