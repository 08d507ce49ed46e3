/**
 * What the crash harness checks after a killed run was resumed to its end: pure functions of
 * the uninterrupted run's report, the resumed run's report, the tools' execution log and the
 * decisions taken about interruptions.
 *
 * @module
 */

import type { ChildDecision, ChildReport, TranscriptMessage } from './child-protocol.js';
import { CALLS, type ExecutionLine, rejectionMessage, TOOLS } from './crash-scenario.js';

/** The checks of one kill. */
export interface KillCheck {
  /** The run's last checkpoint says `completed`. */
  completed: boolean;
  /** `unknown_outcome` interruptions met on the way (one per call cut off mid-flight). */
  unknownOutcomes: number;
  /** How many of them a person approved (the call runs again) and rejected. */
  approved: number;
  rejected: number;
  /** Executions of approved non-idempotent calls beyond their first: re-runs a person allowed. */
  approvedReruns: number;
  /** Executions of non-idempotent calls beyond 1 plus the re-runs approved for them. */
  duplicates: number;
  /** Calls answered in the transcript as if they ran (not rejected), with no execution logged. */
  lost: number;
  /** Executions of idempotent calls beyond their first (allowed: same idempotency key). */
  idempotentReruns: number;
  /** Executions whose `ctx.idempotencyKey` was not `${runId}:${toolCallId}`. */
  badKeys: number;
  /**
   * Calls left `started` by a kill that were not handled as such: a non-idempotent one never
   * asked about (`unknown_outcome`), an idempotent one not run again.
   */
  unhandledCutOffs: number;
  /** `unknown_outcome` interruptions for a call no kill left `started`, or for an idempotent tool. */
  wrongInterruptions: number;
  /** Messages the session holds more than once. */
  duplicateTurns: number;
  /**
   * The checkpoint's transcript, `result.messages` (when the last process ran the run) and the
   * session each equal the uninterrupted run's, with the rejected calls' results replaced by
   * their rejection.
   */
  transcriptEqual: boolean;
  /** The first difference, when `transcriptEqual` is false. */
  mismatch?: string;
}

/** JSON with object keys sorted, so equal values compare equal whatever order keys were set in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The execution log's lines (a line that does not parse counts in `unreadable`). */
export function parseExecutions(text: string): { lines: ExecutionLine[]; unreadable: number } {
  const lines: ExecutionLine[] = [];
  let unreadable = 0;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      lines.push(JSON.parse(raw) as ExecutionLine);
    } catch {
      unreadable += 1;
    }
  }
  return { lines, unreadable };
}

/**
 * The conversation an uninterrupted run would have ended with, given the decisions: the same,
 * except that a rejected call is answered with its rejection (the model's later replies do not
 * depend on tool results, so nothing else changes).
 */
export function expectedMessages(
  messages: readonly TranscriptMessage[],
  rejected: ReadonlySet<string>,
): TranscriptMessage[] {
  return messages.map((message) => {
    const m = message as { role?: string; tool_call_id?: string };
    if (m.role !== 'tool' || m.tool_call_id === undefined || !rejected.has(m.tool_call_id)) {
      return message;
    }
    const call = CALLS.find((c) => c.id === m.tool_call_id);
    return { ...m, content: rejectionMessage(call?.name ?? '', m.tool_call_id) };
  });
}

/** The first difference between two conversations, in a few words; `undefined` when equal. */
export function firstDifference(
  what: string,
  actual: readonly TranscriptMessage[],
  expected: readonly TranscriptMessage[],
): string | undefined {
  const length = Math.max(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    const a = canonical(actual[i]);
    const e = canonical(expected[i]);
    if (a !== e) {
      return `${what}: message ${i} of ${actual.length} (expected ${expected.length}) is ${a?.slice(0, 160)}, expected ${e?.slice(0, 160)}`;
    }
  }
  return undefined;
}

/** A call a kill left `started` in the run's checkpoint. */
export interface CutOffCall {
  toolCallId: string;
  /** Its executions in the log when the kill landed. */
  executionsBefore: number;
}

/** What {@link checkKill} compares. */
export interface KillEvidence {
  /** The report of an uninterrupted run. */
  baseline: ChildReport;
  /** The report of the process that saw the killed run complete. */
  report: ChildReport;
  /** Every execution the tools logged, across all the kill's processes. */
  executions: readonly ExecutionLine[];
  /** Every decision taken about an interruption, across all the processes. */
  decisions: readonly ChildDecision[];
  /** The calls each kill left `started` in the checkpoint the next process resumed from. */
  cutOff: readonly CutOffCall[];
}

/** Checks one kill. */
export function checkKill({
  baseline,
  report,
  executions,
  decisions,
  cutOff,
}: KillEvidence): KillCheck {
  const unknown = decisions.filter((d) => d.kind === 'unknown_outcome');
  const approvals = new Map<string, number>();
  const rejected = new Set<string>();
  for (const d of unknown) {
    if (d.decision === 'approve')
      approvals.set(d.toolCallId, (approvals.get(d.toolCallId) ?? 0) + 1);
    else rejected.add(d.toolCallId);
  }

  let approvedReruns = 0;
  let duplicates = 0;
  let lost = 0;
  let idempotentReruns = 0;
  for (const call of CALLS) {
    const runs = executions.filter((e) => e.toolCallId === call.id).length;
    if (TOOLS[call.name].idempotent) {
      idempotentReruns += Math.max(0, runs - 1);
    } else {
      const allowed = 1 + (approvals.get(call.id) ?? 0);
      approvedReruns += Math.max(0, Math.min(runs, allowed) - 1);
      duplicates += Math.max(0, runs - allowed);
    }
    if (runs === 0 && !rejected.has(call.id)) lost += 1;
  }
  const badKeys = executions.filter(
    (e) => e.idempotencyKey !== `${e.runId}:${e.toolCallId}` || e.runId !== report.runId,
  ).length;

  let unhandledCutOffs = 0;
  for (const { toolCallId, executionsBefore } of cutOff) {
    const call = CALLS.find((c) => c.id === toolCallId);
    const runs = executions.filter((e) => e.toolCallId === toolCallId).length;
    const asked = unknown.some((d) => d.toolCallId === toolCallId);
    const handled = call && TOOLS[call.name].idempotent ? runs > executionsBefore : asked;
    if (!handled) unhandledCutOffs += 1;
  }
  const wrongInterruptions = unknown.filter((d) => {
    const call = CALLS.find((c) => c.id === d.toolCallId);
    return (
      !call || TOOLS[call.name].idempotent || !cutOff.some((c) => c.toolCallId === d.toolCallId)
    );
  }).length;

  const seen = new Map<string, number>();
  for (const message of report.session) {
    const key = canonical(message);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicateTurns = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);

  const transcript = expectedMessages(baseline.transcript, rejected);
  const session = expectedMessages(baseline.session, rejected);
  const mismatch =
    firstDifference('checkpoint transcript', report.transcript, transcript) ??
    (report.resultMessages
      ? firstDifference(
          'result.messages',
          report.resultMessages,
          expectedMessages(baseline.resultMessages ?? [], rejected),
        )
      : undefined) ??
    firstDifference('session', report.session, session);

  return {
    completed: report.checkpointStatus === 'completed',
    unknownOutcomes: unknown.length,
    approved: unknown.filter((d) => d.decision === 'approve').length,
    rejected: unknown.filter((d) => d.decision === 'reject').length,
    approvedReruns,
    duplicates,
    lost,
    idempotentReruns,
    badKeys,
    unhandledCutOffs,
    wrongInterruptions,
    duplicateTurns,
    transcriptEqual: mismatch === undefined,
    ...(mismatch !== undefined ? { mismatch } : {}),
  };
}
