import type { ToolOutcome } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Usage } from '../models/usage.js';
import type { ActiveRun } from './active-run.js';
import { frozenCopy } from './frozen-copy.js';
import type { ToolCallRecord } from './run-result.js';
import {
  type PendingToolCall,
  RUN_SNAPSHOT_VERSION,
  type RunSnapshot,
  type SnapshotToolOutcome,
} from './run-snapshot.js';

/**
 * The run's progress as a snapshot: plain JSON, sharing nothing the loop or the user can change
 * later, so that a store may keep it as it is (`RunStore.saveNow`). The conversation and the
 * finished calls are frozen copies made once per run (see {@link SnapshotParts}), shared by the
 * run's snapshots; everything else is new in each snapshot, or frozen (the arguments of a call or
 * an interruption, which the user may hold too).
 */
export function snapshotOf<TContext>(run: ActiveRun<TContext>): RunSnapshot {
  const parts = partsOf(run);
  const pending = run.pending;
  // One literal, then the optional fields that hold something: spreading them in would cost
  // more than the rest of the snapshot.
  const snapshot: RunSnapshot = {
    version: RUN_SNAPSHOT_VERSION,
    runId: run.runId,
    agent: run.agent,
    status: run.status,
    turn: run.turn,
    messages: parts.conversation(run.messages),
    firstNew: run.firstNew,
    saved: run.saved,
    usage: { ...run.usage },
    usageByAgent: copyUsages(run.usageByAgent),
    treeTurns: run.treeTurns,
    toolCalls: parts.toolCalls(run.toolCalls, pending),
    finishReason: run.finishReason,
    text: run.text,
    repairs: run.repairs,
    interruptions: run.interruptions.map((i) => frozenCopy(i)),
    savedAt: isoNow(),
  };
  if (run.activeAgent !== run.agent) snapshot.activeAgent = run.activeAgent;
  if (run.handoffs > 0) snapshot.handoffs = run.handoffs;
  if (run.handoff) snapshot.handoff = { ...run.handoff };
  if (run.sessionId !== undefined) snapshot.sessionId = run.sessionId;
  if (run.summary) snapshot.summary = { ...run.summary };
  if (pending) {
    snapshot.pending = pending.map((entry) =>
      parts.pending(entry, run.children.get(entry.toolCallId)?.live),
    );
  }
  for (const _ in run.metadata) {
    snapshot.metadata = { ...run.metadata };
    break;
  }
  return snapshot;
}

function copyUsages(usages: Record<string, Usage>): Record<string, Usage> {
  const copy: Record<string, Usage> = {};
  for (const agent in usages) copy[agent] = { ...(usages[agent] as Usage) };
  return copy;
}

/** Keeps a finished call's outcome for the next snapshot, which converts it to JSON. */
export function keepOutcome<TContext>(
  run: ActiveRun<TContext>,
  entry: PendingToolCall,
  outcome: ToolOutcome,
): void {
  partsOf(run).outcomes.set(entry, outcome);
}

/**
 * What one run's snapshots share, copied and frozen once: the conversation, the finished calls'
 * records and outcomes. Kept per run in plain maps that go with it: an entry in a weak map costs
 * more than a whole small copy, and there would be several per turn.
 */
class SnapshotParts {
  /** The outcomes of the turn's finished calls, converted to JSON when a snapshot is taken. */
  readonly outcomes = new Map<PendingToolCall, ToolOutcome>();
  readonly #json = new Map<ToolOutcome, SnapshotToolOutcome>();
  readonly #records = new Map<ToolCallRecord, RunSnapshot['toolCalls'][number]>();
  #savedFrom: readonly ToolCallRecord[] = [];
  #savedRecords: readonly RunSnapshot['toolCalls'][number][] = [];
  #messages: ChatCompletionMessageParam[] | undefined;
  #frozen: readonly ChatCompletionMessageParam[] = [];

  /**
   * The conversation as a frozen array of frozen messages. The loop only ever appends to
   * `run.messages` and never changes a message once it is there, so each message is copied once
   * (as it was at the first snapshot that held it) and the array again only when it grew.
   */
  conversation(messages: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
    if (messages !== this.#messages || messages.length < this.#frozen.length) {
      this.#messages = messages;
      this.#frozen = [];
    }
    const known = this.#frozen.length;
    if (known !== messages.length) {
      const added = messages.slice(known).map((message) => frozenCopy(message));
      this.#frozen = Object.freeze([...this.#frozen, ...added]);
    }
    return this.#frozen as ChatCompletionMessageParam[];
  }

  /**
   * The finished calls of earlier turns: `records` without those of the calls in `pending` (the
   * turn in progress, saved with its calls), as a frozen array of frozen records. Only the last
   * array is kept: a checkpoint that finds the same records reuses it.
   */
  toolCalls(
    records: ToolCallRecord[],
    pending: PendingToolCall[] | undefined,
  ): RunSnapshot['toolCalls'] {
    let count = 0;
    let same = true;
    const last = this.#savedFrom;
    for (const record of records) {
      if (pending?.some((p) => p.toolCallId === record.id)) continue;
      if (last[count] !== record) same = false;
      count += 1;
    }
    if (!same || count !== last.length) {
      const kept = pending
        ? records.filter((r) => !pending.some((p) => p.toolCallId === r.id))
        : records.slice();
      this.#savedFrom = kept;
      this.#savedRecords = Object.freeze(kept.map((r) => this.record(r)));
    }
    return this.#savedRecords as RunSnapshot['toolCalls'];
  }

  record(record: ToolCallRecord): RunSnapshot['toolCalls'][number] {
    let saved = this.#records.get(record);
    if (!saved) {
      saved = frozenCopy({
        id: record.id,
        name: record.name,
        arguments: jsonOrUndefined(record.arguments),
        turn: record.turn,
        outcome: this.#outcome(record.outcome),
      });
      this.#records.set(record, saved);
    }
    return saved;
  }

  /** A call of the turn in progress; `child`, the run of an agent tool it has going on. */
  pending(entry: PendingToolCall, child: ActiveRun<unknown> | undefined): PendingToolCall {
    const saved = { ...entry };
    const outcome = this.outcomes.get(entry);
    if (outcome) saved.outcome = this.#outcome(outcome);
    // What a user may hold too: the arguments they gave, frozen; a paused child's snapshot, a
    // copy (a state's decisions change it).
    if (entry.args !== undefined) saved.args = frozenCopy(entry.args);
    // A child still running: its progress now, taken from its own record.
    if (child) saved.child = snapshotOf(child);
    else if (entry.child) saved.child = structuredClone(entry.child);
    return saved;
  }

  /** A tool outcome as JSON: the value and validated arguments only when they are plain JSON. */
  #outcome(outcome: ToolOutcome): SnapshotToolOutcome {
    let saved = this.#json.get(outcome);
    if (!saved) {
      saved = frozenCopy(toJsonOutcome(outcome));
      this.#json.set(outcome, saved);
    }
    return saved;
  }
}

/** One `SnapshotParts` per run, made at its first snapshot (or first finished call). */
const runParts = new WeakMap<ActiveRun<unknown>, SnapshotParts>();

function partsOf<TContext>(run: ActiveRun<TContext>): SnapshotParts {
  let parts = runParts.get(run as ActiveRun<unknown>);
  if (!parts) {
    parts = new SnapshotParts();
    runParts.set(run as ActiveRun<unknown>, parts);
  }
  return parts;
}

let lastMs = Number.NaN;
let lastIso = '';

/** The time as an ISO string; checkpoints within one millisecond share it (formatting is slow). */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

function toJsonOutcome(outcome: ToolOutcome): SnapshotToolOutcome {
  const value = jsonOrUndefined(outcome.value);
  const args = jsonOrUndefined(outcome.args);
  return {
    ok: outcome.ok,
    output: outcome.output,
    ...(outcome.error
      ? { error: { code: outcome.error.code, message: outcome.error.message } }
      : {}),
    durationMs: outcome.durationMs,
    ...(value !== undefined ? { value } : {}),
    ...(args !== undefined ? { args } : {}),
    ...(outcome.images && outcome.images.length > 0
      ? { images: outcome.images.map((image) => ({ ...image, image_url: { ...image.image_url } })) }
      : {}),
  };
}

/** A tool outcome back from its JSON form (a tool's `cause` is not kept across processes). */
export function restoreOutcome(
  toolCallId: string,
  name: string,
  saved: SnapshotToolOutcome,
): ToolOutcome {
  const base = { toolCallId, name, output: saved.output, durationMs: saved.durationMs };
  if (saved.ok) {
    return {
      ...base,
      ok: true,
      value: saved.value,
      args: saved.args,
      ...(saved.images && saved.images.length > 0 ? { images: saved.images } : {}),
    };
  }
  return {
    ...base,
    ok: false,
    value: undefined,
    ...(saved.args !== undefined ? { args: saved.args } : {}),
    error: {
      code: (saved.error?.code ?? 'tool_error') as NonNullable<ToolOutcome['error']>['code'],
      message: saved.error?.message ?? saved.output,
    },
  };
}

/** `value` when it survives JSON unchanged in meaning (plain data), else `undefined`. */
function jsonOrUndefined(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'object' || depth > 32) return undefined;
  if (Array.isArray(value)) {
    return value.every((v) => jsonOrUndefined(v, depth + 1) !== undefined) ? value : undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const v of Object.values(value)) {
    if (v !== undefined && jsonOrUndefined(v, depth + 1) === undefined) return undefined;
  }
  return value;
}
