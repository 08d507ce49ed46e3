/**
 * The kill -9 harness: runs the scripted order run in a child process, kills it at a planned
 * point, resumes it in fresh processes until it completes, and checks what the tools did, what
 * the session holds and the final transcript against an uninterrupted run.
 *
 * The parent imports no agentloop package (the children do), so it runs without a build, from
 * `bench/crash/run.ts` (the long form) and from `test/crash/kill-resume.test.ts` (the short one).
 *
 * @module
 */

import { mkdtemp, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChildCommand, type ChildExit, prepareChild, runChild } from './child-launcher.js';
import type { ChildConfig, ChildDecision, ChildReport } from './child-protocol.js';
import { type CutOffCall, checkKill, type KillCheck, parseExecutions } from './crash-checks.js';
import { CALLS, SESSION_ID } from './crash-scenario.js';
import {
  type ChildKillPlan,
  describePlan,
  KILL_POINT_NAMES,
  KILL_POINTS,
  type KillPlan,
  type KillPoint,
  planKill,
  random,
  seedOf,
} from './kill-points.js';

/** Options of {@link runCrashHarness}. */
export interface CrashHarnessOptions {
  /** Kills per point. */
  killsPerPoint: number;
  /** Draws every kill's occurrence, tool durations and decisions. @default 1 */
  seed?: number;
  /** Children running at once. @default 2 */
  concurrency?: number;
  /** The points to kill at. @default all of them */
  points?: readonly KillPoint[];
  /** Run every child through tsx instead of a bundle of the sources. @default false */
  tsx?: boolean;
  /** Called as each point's last kill is checked. */
  onPoint?: (summary: PointSummary) => void;
}

/** What became of one kill. */
export interface KillRecord {
  point: KillPoint;
  index: number;
  plan: string;
  resumePlan?: string;
  /** The first process died of the kill (an `external-*` kill can come too late, 3 times). */
  killed: boolean;
  /** Kills that landed in resuming processes (`resume-killed`). */
  resumeKills: number;
  /** Session locks left held by a killed process, aged past their stale time before resuming. */
  staleLocks: number;
  /** Resumes refused with `run_in_progress` (a claim torn by a kill, while it was fresh). */
  refusedResumes: number;
  outcome?: ChildReport['outcome'];
  check?: KillCheck;
  /** Session lines the final load skipped as torn. */
  tornLines: number;
  /** Complete keyed lines written twice in the session file (a load keeps the first). */
  repeatedKeyLines: number;
  /** Set when the kill could not be checked, or failed a check. */
  error?: string;
}

/** The figures of one kill point. */
export interface PointSummary {
  point: KillPoint;
  description: string;
  /** Runs killed at the point (the first process died of the kill). */
  kills: number;
  /** `external-*` runs that finished before the kill landed 3 times (checked all the same). */
  missed: number;
  completed: number;
  /** Kills whose resume stopped at one or more `unknown_outcome` interruptions. */
  unknownStops: number;
  approved: number;
  rejected: number;
  approvedReruns: number;
  duplicates: number;
  lost: number;
  duplicateTurns: number;
  transcriptsEqual: number;
  idempotentReruns: number;
  badKeys: number;
  unhandledCutOffs: number;
  wrongInterruptions: number;
  tornLines: number;
  repeatedKeyLines: number;
  staleLocks: number;
  refusedResumes: number;
  restarted: number;
  alreadyCompleted: number;
  resumeKills: number;
  errors: string[];
}

/** Everything the harness found. */
export interface CrashHarnessResult {
  /** The uninterrupted run every kill is compared with. */
  baseline: ChildReport;
  records: KillRecord[];
  points: PointSummary[];
  /** Kill runs, in wall-clock ms (the baseline and the bundling excluded). */
  wallMs: number;
}

/**
 * Kills the scripted run `killsPerPoint` times at each point and checks each resumed run.
 *
 * @param options - The number of kills, the seed, the concurrency, the points.
 * @returns The records and the figures per point.
 */
export async function runCrashHarness({
  killsPerPoint,
  seed = 1,
  concurrency = 2,
  points = KILL_POINT_NAMES,
  tsx = false,
  onPoint,
}: CrashHarnessOptions): Promise<CrashHarnessResult> {
  const child = await prepareChild({ tsx });
  try {
    const baseline = await runBaseline(child.command, seed);
    const tasks = points.flatMap((point) =>
      Array.from({ length: killsPerPoint }, (_, index) => ({ point, index })),
    );
    const records: KillRecord[] = [];
    const left = new Map(points.map((p) => [p, killsPerPoint]));
    const started = performance.now();
    await pool(tasks, concurrency, async ({ point, index }) => {
      const record = await runKill(child.command, baseline, point, index, seed);
      records.push(record);
      const remaining = (left.get(point) ?? 1) - 1;
      left.set(point, remaining);
      if (remaining === 0) onPoint?.(summarise(point, records));
    });
    const wallMs = performance.now() - started;
    records.sort((a, b) => points.indexOf(a.point) - points.indexOf(b.point) || a.index - b.index);
    return { baseline, records, points: points.map((p) => summarise(p, records)), wallMs };
  } finally {
    await child.dispose();
  }
}

/** Runs the scenario twice without a kill: both must agree, each call must have run once. */
async function runBaseline(command: ChildCommand, seed: number): Promise<ChildReport> {
  const reports: ChildReport[] = [];
  for (const n of [0, 1]) {
    const dir = await mkdtemp(join(tmpdir(), 'agentloop-crash-'));
    try {
      const exit = await runChild(command, { mode: 'run', dir, seed: seedOf(seed, 'baseline', n) });
      const report = reportOf(exit);
      if (!report) throw new Error(`the uninterrupted run failed: ${describeExit(exit)}`);
      const { lines } = parseExecutions(await readText(join(dir, 'executions.log')));
      const once = CALLS.every((c) => lines.filter((l) => l.toolCallId === c.id).length === 1);
      if (!once || lines.length !== CALLS.length) {
        throw new Error(
          `the uninterrupted run should execute each of its ${CALLS.length} calls once; the log has ${lines.length} executions`,
        );
      }
      reports.push(report);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const [first, second] = reports as [ChildReport, ChildReport];
  const check = checkKill({
    baseline: first,
    report: second,
    executions: [],
    decisions: [],
    cutOff: [],
  });
  if (!check.transcriptEqual) {
    throw new Error(
      `two uninterrupted runs disagree, so no kill can be compared: ${check.mismatch}`,
    );
  }
  return first;
}

/** Kills the run once at `point`, resumes it to its end, and checks it. */
async function runKill(
  command: ChildCommand,
  baseline: ChildReport,
  point: KillPoint,
  index: number,
  seed: number,
): Promise<KillRecord> {
  const next = random(seedOf(seed, point, index));
  const { first: planned, resume } = planKill(point, next, baseline.runMs);
  let first = planned;
  const childSeed = Math.floor(next() * 2 ** 32);
  let dir = await mkdtemp(join(tmpdir(), 'agentloop-crash-'));
  const record: KillRecord = {
    point,
    index,
    plan: describePlan(first),
    ...(resume ? { resumePlan: describePlan(resume) } : {}),
    killed: false,
    resumeKills: 0,
    staleLocks: 0,
    refusedResumes: 0,
    tornLines: 0,
    repeatedKeyLines: 0,
  };
  let runId: string | undefined;
  const decisions: ChildDecision[] = [];
  const cutOff: CutOffCall[] = [];
  const watch = (plan: KillPlan | undefined) => {
    let timer: NodeJS.Timeout | undefined;
    const onLine = (line: string, kill: () => void) => {
      if (line.startsWith('mark run ')) {
        runId ??= line.slice('mark run '.length);
        if (plan?.point === 'external-timed') timer = setTimeout(kill, plan.delayMs);
      } else if (line.startsWith('mark decision ')) {
        decisions.push(JSON.parse(line.slice('mark decision '.length)) as ChildDecision);
      } else if (
        plan?.point === 'external-tool-start' &&
        line === `mark tool:start ${plan.toolCallId}`
      ) {
        kill();
      }
    };
    return { onLine, stop: () => clearTimeout(timer) };
  };

  try {
    let firstExit: ChildExit;
    for (let attempt = 1; ; attempt++) {
      const firstWatch = watch(first);
      firstExit = await runChild(
        command,
        { mode: 'run', dir, plan: childPlan(first), seed: childSeed },
        { onLine: firstWatch.onLine },
      );
      firstWatch.stop();
      record.killed = firstExit.signal === 'SIGKILL' && !firstExit.timedOut;
      if (record.killed || !isExternal(first) || attempt === 3) break;
      // The run finished before the parent's kill landed (on a busy machine the child can
      // outrun the parent): try again from scratch, with half the delay for a timed kill.
      if (reportOf(firstExit) === undefined) break;
      await rm(dir, { recursive: true, force: true });
      dir = await mkdtemp(join(tmpdir(), 'agentloop-crash-'));
      runId = undefined;
      if (first.point === 'external-timed') first = { ...first, delayMs: first.delayMs / 2 };
      record.plan = describePlan(first);
    }
    let report = record.killed ? undefined : reportOf(firstExit);
    if (!record.killed) {
      if (!report) return fail(record, dir, `the first process failed: ${describeExit(firstExit)}`);
      if (!isExternal(first)) {
        return fail(record, dir, 'the first process completed without reaching its kill point');
      }
    }

    let resumePlan = resume;
    for (let attempt = 0; !report; attempt++) {
      if (attempt === 4) return fail(record, dir, 'the run did not complete after 4 resumes');
      if (runId === undefined) {
        return fail(record, dir, 'the killed process never announced its run id');
      }
      record.staleLocks += await age(join(dir, 'sessions', `${SESSION_ID}.jsonl.lock`));
      cutOff.push(...(await cutOffCalls(dir, runId)));
      const config: ChildConfig = {
        mode: 'resume',
        dir,
        runId,
        seed: childSeed,
        plan: resumePlan && childPlan(resumePlan),
      };
      resumePlan = undefined;
      const exit = await runChild(command, config, { onLine: watch(undefined).onLine });
      if (exit.signal === 'SIGKILL' && !exit.timedOut) {
        record.resumeKills += 1;
        continue;
      }
      if (exit.code === 3 && exit.lines.includes('refused run_in_progress')) {
        // Only a claim torn by a kill may stop a resume, and only while it is fresh: its holder
        // cannot be told from one still writing it. Age it past its grace, as the lock.
        record.refusedResumes += 1;
        if (point !== 'claim-torn' || record.refusedResumes > 1) {
          return fail(
            record,
            dir,
            'a resume was refused with run_in_progress, and no live process holds the run',
          );
        }
        await age(join(dir, 'runs', `${runId}.claim`));
        continue;
      }
      report = reportOf(exit);
      if (!report) return fail(record, dir, `a resume failed: ${describeExit(exit)}`);
    }

    const { lines, unreadable } = parseExecutions(await readText(join(dir, 'executions.log')));
    record.outcome = report.outcome;
    record.check = checkKill({ baseline, report, executions: lines, decisions, cutOff });
    record.tornLines = report.corruptLines;
    record.repeatedKeyLines = repeatedKeys(
      await readText(join(dir, 'sessions', `${SESSION_ID}.jsonl`)),
    );
    const { check } = record;
    const faults = [
      unreadable > 0 ? `${unreadable} unreadable execution log lines` : '',
      check.completed ? '' : 'the run did not complete',
      check.duplicates > 0 ? `${check.duplicates} duplicate non-idempotent executions` : '',
      check.lost > 0 ? `${check.lost} calls answered without running` : '',
      check.badKeys > 0 ? `${check.badKeys} executions with a wrong idempotency key` : '',
      check.unhandledCutOffs > 0
        ? `${check.unhandledCutOffs} calls left started by a kill were neither asked about nor run again`
        : '',
      check.wrongInterruptions > 0
        ? `${check.wrongInterruptions} unknown_outcome interruptions for calls no kill left started, or idempotent ones`
        : '',
      check.duplicateTurns > 0 ? `${check.duplicateTurns} duplicate session messages` : '',
      check.mismatch ?? '',
    ].filter(Boolean);
    if (faults.length > 0) return fail(record, dir, faults.join('; '));
    await rm(dir, { recursive: true, force: true });
    return record;
  } catch (error) {
    return fail(record, dir, `the harness failed: ${(error as Error).stack ?? error}`);
  }
}

/** Records a failure; the kill's folder is kept for a look. */
function fail(record: KillRecord, dir: string, error: string): KillRecord {
  record.error = `${record.point} #${record.index} (${record.plan}${record.resumePlan ? `, resume ${record.resumePlan}` : ''}): ${error} [kept: ${dir}]`;
  return record;
}

/** Whether the parent carries out the kill (the `external-*` points), not the child. */
function isExternal(plan: KillPlan): plan is Exclude<KillPlan, ChildKillPlan> {
  return plan.point === 'external-tool-start' || plan.point === 'external-timed';
}

/** The plan a child carries out itself. */
function childPlan(plan: KillPlan): ChildKillPlan | undefined {
  return isExternal(plan) ? undefined : plan;
}

/**
 * A session lock, or an unreadable run claim, left by a killed process is taken over once it is
 * 10 s old. Rather than wait, the harness ages it, as if the restart came that much later.
 *
 * @returns 1 when the file was there, else 0.
 */
async function age(file: string): Promise<number> {
  try {
    await stat(file);
  } catch {
    return 0;
  }
  const past = new Date(Date.now() - 60_000);
  await utimes(file, past, past);
  return 1;
}

/** The calls the run's checkpoint holds as `started` (cut off by the kill), with their executions so far. */
async function cutOffCalls(dir: string, runId: string): Promise<CutOffCall[]> {
  const text = await readText(join(dir, 'runs', `${runId}.json`));
  if (text === '') return [];
  const snapshot = JSON.parse(text) as {
    pending?: { toolCallId: string; status: string }[];
  };
  const { lines } = parseExecutions(await readText(join(dir, 'executions.log')));
  return (snapshot.pending ?? [])
    .filter((p) => p.status === 'started')
    .map((p) => ({
      toolCallId: p.toolCallId,
      executionsBefore: lines.filter((l) => l.toolCallId === p.toolCallId).length,
    }));
}

function reportOf(exit: ChildExit): ChildReport | undefined {
  const line = exit.lines.find((l) => l.startsWith('report '));
  return exit.code === 0 && line
    ? (JSON.parse(line.slice('report '.length)) as ChildReport)
    : undefined;
}

function describeExit(exit: ChildExit): string {
  const how = exit.timedOut
    ? 'timed out'
    : exit.signal
      ? `killed by ${exit.signal}`
      : `exit ${exit.code}`;
  return `${how}; stderr: ${exit.stderr.trim().slice(-1500) || '(none)'}`;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Complete keyed lines of a session file whose key an earlier complete line already has. */
function repeatedKeys(text: string): number {
  const keys = new Set<string>();
  let repeated = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"key":')) continue;
    let key: unknown;
    try {
      key = (JSON.parse(line) as { key?: unknown }).key;
    } catch {
      continue;
    }
    if (typeof key !== 'string') continue;
    if (keys.has(key)) repeated += 1;
    keys.add(key);
  }
  return repeated;
}

function summarise(point: KillPoint, records: readonly KillRecord[]): PointSummary {
  const mine = records.filter((r) => r.point === point);
  const count = (test: (r: KillRecord) => boolean) => mine.filter(test).length;
  const sum = (value: (r: KillRecord) => number) => mine.reduce((s, r) => s + value(r), 0);
  return {
    point,
    description: KILL_POINTS[point],
    kills: count((r) => r.killed),
    missed: count((r) => !r.killed && r.error === undefined),
    completed: count((r) => r.check?.completed === true),
    unknownStops: count((r) => (r.check?.unknownOutcomes ?? 0) > 0),
    approved: sum((r) => r.check?.approved ?? 0),
    rejected: sum((r) => r.check?.rejected ?? 0),
    approvedReruns: sum((r) => r.check?.approvedReruns ?? 0),
    duplicates: sum((r) => r.check?.duplicates ?? 0),
    lost: sum((r) => r.check?.lost ?? 0),
    duplicateTurns: sum((r) => r.check?.duplicateTurns ?? 0),
    transcriptsEqual: count((r) => r.check?.transcriptEqual === true),
    idempotentReruns: sum((r) => r.check?.idempotentReruns ?? 0),
    badKeys: sum((r) => r.check?.badKeys ?? 0),
    unhandledCutOffs: sum((r) => r.check?.unhandledCutOffs ?? 0),
    wrongInterruptions: sum((r) => r.check?.wrongInterruptions ?? 0),
    tornLines: sum((r) => r.tornLines),
    repeatedKeyLines: sum((r) => r.repeatedKeyLines),
    staleLocks: sum((r) => r.staleLocks),
    refusedResumes: sum((r) => r.refusedResumes),
    restarted: count((r) => r.outcome === 'restarted'),
    alreadyCompleted: count((r) => r.outcome === 'already-completed'),
    resumeKills: sum((r) => r.resumeKills),
    errors: mine.flatMap((r) => (r.error ? [r.error] : [])),
  };
}

/** Runs `work` over `items`, at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}
