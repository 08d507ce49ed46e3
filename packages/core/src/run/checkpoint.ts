import type { ToolOutcome } from '@agentloop/tools';
import type { ActiveRun } from './active-run.js';
import type { ToolCallRecord } from './run-result.js';
import {
  type PendingToolCall,
  RUN_SNAPSHOT_VERSION,
  type RunSnapshot,
  type SnapshotToolOutcome,
} from './run-snapshot.js';
import type { RunStore } from './run-store.js';

/**
 * The run's progress as a snapshot: plain JSON, sharing nothing the loop mutates later (the
 * message objects are never changed once in the conversation, so copying the arrays is enough).
 */
export function snapshotOf<TContext>(run: ActiveRun<TContext>): RunSnapshot {
  const pending = run.pending;
  // The calls of the turn in progress are in `pending`; `toolCalls` keeps the earlier turns'.
  const records = pending
    ? run.toolCalls.filter((r) => !pending.some((p) => p.toolCallId === r.id))
    : run.toolCalls;
  return {
    version: RUN_SNAPSHOT_VERSION,
    runId: run.runId,
    agent: run.agent,
    status: run.status,
    ...(run.sessionId !== undefined ? { sessionId: run.sessionId } : {}),
    turn: run.turn,
    messages: run.messages.slice(),
    firstNew: run.firstNew,
    saved: run.saved,
    usage: { ...run.usage },
    toolCalls: records.map(snapshotRecord),
    finishReason: run.finishReason,
    text: run.text,
    repairs: run.repairs,
    ...(run.summary ? { summary: run.summary } : {}),
    ...(pending ? { pending: pending.map(snapshotPending) } : {}),
    interruptions: run.interruptions.map((i) => ({ ...i })),
    ...metadataOf(run.metadata),
    savedAt: new Date().toISOString(),
  };
}

/** The run's metadata as a snapshot field: a copy, or nothing when none was written. */
function metadataOf(metadata: Record<string, string>): { metadata?: Record<string, string> } {
  for (const _ in metadata) return { metadata: { ...metadata } };
  return {};
}

/** The outcomes of the turn's finished calls, converted to JSON only when a snapshot is taken. */
const liveOutcomes = new WeakMap<PendingToolCall, ToolOutcome>();

/** Keeps a finished call's outcome for the next snapshot. */
export function keepOutcome(entry: PendingToolCall, outcome: ToolOutcome): void {
  liveOutcomes.set(entry, outcome);
}

function snapshotPending(entry: PendingToolCall): PendingToolCall {
  const live = liveOutcomes.get(entry);
  return live ? { ...entry, outcome: snapshotOutcome(live) } : { ...entry };
}

const recordCache = new WeakMap<ToolCallRecord, RunSnapshot['toolCalls'][number]>();

function snapshotRecord(record: ToolCallRecord): RunSnapshot['toolCalls'][number] {
  let saved = recordCache.get(record);
  if (!saved) {
    saved = {
      id: record.id,
      name: record.name,
      arguments: jsonOrUndefined(record.arguments),
      turn: record.turn,
      outcome: snapshotOutcome(record.outcome),
    };
    recordCache.set(record, saved);
  }
  return saved;
}

const outcomeCache = new WeakMap<ToolOutcome, SnapshotToolOutcome>();

/** A tool outcome as JSON: the value and validated arguments only when they are plain JSON. */
function snapshotOutcome(outcome: ToolOutcome): SnapshotToolOutcome {
  let saved = outcomeCache.get(outcome);
  if (!saved) {
    saved = toJsonOutcome(outcome);
    outcomeCache.set(outcome, saved);
  }
  return saved;
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
  };
}

/** A tool outcome back from its JSON form (a tool's `cause` is not kept across processes). */
export function restoreOutcome(
  toolCallId: string,
  name: string,
  saved: SnapshotToolOutcome,
): ToolOutcome {
  const base = { toolCallId, name, output: saved.output, durationMs: saved.durationMs };
  if (saved.ok) return { ...base, ok: true, value: saved.value, args: saved.args };
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

/**
 * The run's `checkpoint` function: saves `take()` with the store, one write at a time and in
 * order. A checkpoint asked for while a write is under way shares the next write, which takes
 * its snapshot when it starts, so it holds every change made before it was asked for. Without a
 * store it does nothing and returns `undefined` (no tick is spent).
 */
export function checkpointer(
  store: RunStore | undefined,
  take: () => RunSnapshot,
): () => Promise<void> | undefined {
  if (!store) return () => undefined;
  let writing: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const write = (): Promise<void> => {
    const saving = store.save(take()).finally(() => {
      if (writing === saving) writing = undefined;
    });
    writing = saving;
    return saving;
  };
  return () => {
    if (queued) return queued;
    if (!writing) return write();
    const next = writing
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return write();
      });
    queued = next;
    return next;
  };
}
