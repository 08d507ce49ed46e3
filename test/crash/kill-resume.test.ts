import { describe, expect, it } from 'vitest';
import type { ChildReport } from '../../bench/crash/child-protocol.js';
import { checkKill, type KillEvidence } from '../../bench/crash/crash-checks.js';
import { runCrashHarness } from '../../bench/crash/crash-harness.js';
import {
  CALLS,
  type ExecutionLine,
  rejectionMessage,
  toolOutput,
} from '../../bench/crash/crash-scenario.js';
import { KILL_POINT_NAMES } from '../../bench/crash/kill-points.js';

// The short form of `bench/crash/run.ts` (the long form kills 100 times per point): the run is
// killed (SIGKILL) twice at every kill point, in a child process, and resumed in fresh
// ones until it completes.
const KILLS_PER_POINT = 2;

describe('kill -9 and resume (bench/crash)', () => {
  it('at every kill point the resumed run completes with each effect once, each session turn once and the transcript of an uninterrupted run', async () => {
    const result = await runCrashHarness({ killsPerPoint: KILLS_PER_POINT, seed: 12 });

    expect(result.points.flatMap((p) => p.errors)).toEqual([]);
    expect(result.points.map((p) => p.point)).toEqual(KILL_POINT_NAMES);
    for (const p of result.points) {
      const runs = p.kills + p.missed;
      expect({ point: p.point, runs, completed: p.completed, equal: p.transcriptsEqual }).toEqual({
        point: p.point,
        runs: KILLS_PER_POINT,
        completed: KILLS_PER_POINT,
        equal: KILLS_PER_POINT,
      });
      expect(p.kills, p.point).toBeGreaterThan(0);
      expect(
        [
          p.duplicates,
          p.duplicateTurns,
          p.lost,
          p.badKeys,
          p.unhandledCutOffs,
          p.wrongInterruptions,
        ],
        p.point,
      ).toEqual([0, 0, 0, 0, 0, 0]);
    }
    const byPoint = Object.fromEntries(result.points.map((p) => [p.point, p]));
    // The kills land where they are meant to: a tool killed mid-flight leaves a call whose
    // outcome nobody knows, an append killed half-way a torn line and a held lock, a kill after
    // the final checkpoint a completed run.
    expect(byPoint['tool-mid']?.unknownStops).toBeGreaterThan(0);
    const torn = byPoint['session-torn'];
    // A cut that leaves the whole line but its newline is not torn: the line is written again.
    expect((torn?.tornLines ?? 0) + (torn?.repeatedKeyLines ?? 0)).toBe(KILLS_PER_POINT);
    expect(byPoint['session-torn']?.staleLocks).toBe(KILLS_PER_POINT);
    expect(byPoint['final-saved']?.alreadyCompleted).toBe(KILLS_PER_POINT);
    // A resume killed mid claim leaves a claim nobody can read: the next resume is refused
    // (never run alongside a holder that may be alive) until the claim is past its grace.
    expect(byPoint['claim-torn']?.refusedResumes).toBe(KILLS_PER_POINT);
  }, 180_000);
});

describe('the crash checks', () => {
  const message = (role: string, extra: object = {}) => ({ role, ...extra });
  const toolMessages = CALLS.map((c) =>
    message('tool', { tool_call_id: c.id, content: toolOutput(c.name, c.args) }),
  );
  const transcript = [message('user', { content: 'go' }), ...toolMessages];
  const report = (over: Partial<ChildReport> = {}): ChildReport => ({
    outcome: 'completed',
    runId: 'run_1',
    runMs: 1,
    decisions: [],
    checkpointStatus: 'completed',
    transcript,
    resultMessages: transcript,
    session: transcript,
    corruptLines: 0,
    ...over,
  });
  const once: ExecutionLine[] = CALLS.map((c) => ({
    tool: c.name,
    toolCallId: c.id,
    idempotencyKey: `run_1:${c.id}`,
    runId: 'run_1',
    pid: 1,
  }));
  const evidence = (over: Partial<KillEvidence> = {}): KillEvidence => ({
    baseline: report(),
    report: report(),
    executions: once,
    decisions: [],
    cutOff: [],
    ...over,
  });
  const charge = CALLS.find((c) => c.name === 'charge')!;
  const lookup = CALLS.find((c) => c.name === 'lookup')!;
  const chargeLine = once.find((e) => e.toolCallId === charge.id)!;
  const unknown = (decision: 'approve' | 'reject') => ({
    kind: 'unknown_outcome' as const,
    toolCallId: charge.id,
    name: charge.name,
    decision,
  });

  it('passes a run that matches the uninterrupted one', () => {
    expect(checkKill(evidence())).toMatchObject({
      completed: true,
      duplicates: 0,
      lost: 0,
      duplicateTurns: 0,
      transcriptEqual: true,
    });
  });

  it('counts a second execution of a non-idempotent call as a duplicate unless a person approved it', () => {
    const twice = [...once, chargeLine];
    expect(checkKill(evidence({ executions: twice }))).toMatchObject({
      duplicates: 1,
      approvedReruns: 0,
    });
    const approved = checkKill(
      evidence({
        executions: twice,
        decisions: [unknown('approve')],
        cutOff: [{ toolCallId: charge.id, executionsBefore: 1 }],
      }),
    );
    expect(approved).toMatchObject({ duplicates: 0, approvedReruns: 1, wrongInterruptions: 0 });
  });

  it('lets an idempotent call run again, and requires it when a kill left it started', () => {
    const lookupLine = once.find((e) => e.toolCallId === lookup.id)!;
    const cutOff = [{ toolCallId: lookup.id, executionsBefore: 1 }];
    expect(checkKill(evidence({ executions: [...once, lookupLine], cutOff }))).toMatchObject({
      duplicates: 0,
      idempotentReruns: 1,
      unhandledCutOffs: 0,
    });
    expect(checkKill(evidence({ cutOff })).unhandledCutOffs).toBe(1);
  });

  it('flags a non-idempotent call left started that was never asked about, and a question nobody needed', () => {
    const cutOff = [{ toolCallId: charge.id, executionsBefore: 1 }];
    expect(checkKill(evidence({ cutOff })).unhandledCutOffs).toBe(1);
    expect(checkKill(evidence({ decisions: [unknown('approve')] })).wrongInterruptions).toBe(1);
  });

  it('compares transcripts exactly, with a rejected call answered by its rejection', () => {
    const rejected = transcript.map((m) =>
      'tool_call_id' in m && m.tool_call_id === charge.id
        ? { ...m, content: rejectionMessage(charge.name, charge.id) }
        : m,
    );
    const after = report({ transcript: rejected, resultMessages: rejected, session: rejected });
    const cutOff = [{ toolCallId: charge.id, executionsBefore: 1 }];
    expect(
      checkKill(evidence({ report: after, decisions: [unknown('reject')], cutOff })),
    ).toMatchObject({ transcriptEqual: true, rejected: 1, lost: 0 });
    const unexplained = checkKill(evidence({ report: after }));
    expect(unexplained.transcriptEqual).toBe(false);
    expect(unexplained.mismatch).toMatch(/^checkpoint transcript: message \d+/);
  });

  it('flags a lost execution, a turn stored twice and a run that did not complete', () => {
    expect(checkKill(evidence({ executions: once.slice(1) })).lost).toBe(1);
    const doubled = report({ session: [...transcript, transcript[1]!] });
    const twice = checkKill(evidence({ report: doubled }));
    expect(twice).toMatchObject({ duplicateTurns: 1, transcriptEqual: false });
    expect(twice.mismatch).toMatch(/^session:/);
    expect(checkKill(evidence({ report: report({ checkpointStatus: 'running' }) })).completed).toBe(
      false,
    );
  });
});
