/**
 * The crash harness's figures as a markdown section, and the splicing of that section into
 * `bench/RESULTS.md` (which `bench/run.ts` rewrites whole, keeping this section).
 *
 * @module
 */

import type { CrashHarnessResult } from './crash-harness.js';
import { CALLS, TOOLS, TURNS } from './crash-scenario.js';

/** The title of the section in RESULTS.md. */
export const CRASH_SECTION_TITLE = 'Crash recovery: kill -9 and resume';

/** How the figures were produced, for the section's notes. */
export interface CrashRunInfo {
  command: string;
  killsPerPoint: number;
  seed: number;
  concurrency: number;
  /** The whole command's wall time, bundling and baseline included. */
  totalMs: number;
  /** Whether the children ran through tsx rather than a bundle of the sources. */
  tsx: boolean;
}

/**
 * The section: one row per kill point, totals, and notes on what the columns mean.
 *
 * @param result - What the harness found.
 * @param info - How it ran.
 */
export function crashSection(result: CrashHarnessResult, info: CrashRunInfo): string {
  const header = [
    'kill point',
    'kills',
    'completed',
    'unknown_outcome stops (approved / rejected)',
    'approved re-runs',
    'duplicate non-idempotent executions',
    'duplicate session turns',
    'transcripts equal',
    'idempotent re-runs',
    'torn session lines',
  ];
  const rows = result.points.map((p) => [
    `\`${p.point}\`: ${p.description}`,
    `${p.kills}${p.missed ? ` (+${p.missed} finished first)` : ''}`,
    String(p.completed),
    `${p.unknownStops} (${p.approved} / ${p.rejected})`,
    String(p.approvedReruns),
    bold(p.duplicates),
    bold(p.duplicateTurns),
    `${p.transcriptsEqual} / ${p.kills + p.missed}`,
    String(p.idempotentReruns),
    String(p.tornLines),
  ]);
  const total = (pick: (p: CrashHarnessResult['points'][number]) => number) =>
    result.points.reduce((s, p) => s + pick(p), 0);
  rows.push([
    '**all points**',
    String(total((p) => p.kills)),
    String(total((p) => p.completed)),
    `${total((p) => p.unknownStops)} (${total((p) => p.approved)} / ${total((p) => p.rejected)})`,
    String(total((p) => p.approvedReruns)),
    bold(total((p) => p.duplicates)),
    bold(total((p) => p.duplicateTurns)),
    `${total((p) => p.transcriptsEqual)} / ${total((p) => p.kills + p.missed)}`,
    String(total((p) => p.idempotentReruns)),
    String(total((p) => p.tornLines)),
  ]);
  const errors = result.points.flatMap((p) => p.errors);
  const idempotent = Object.entries(TOOLS)
    .filter(([, t]) => t.idempotent)
    .map(([n]) => `\`${n}\``);
  const effects = Object.entries(TOOLS)
    .filter(([, t]) => !t.idempotent)
    .map(([n]) => `\`${n}\``);
  const lines = [
    `## ${CRASH_SECTION_TITLE}`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Command: \`${info.command}\` (${info.killsPerPoint} kills per point, seed ${info.seed}, ${info.concurrency} children at once); wall time ${formatDuration(info.totalMs)}, of which the kills took ${formatDuration(result.wallMs)}. Children ran ${info.tsx ? 'the sources through tsx' : 'one esbuild bundle of the sources (the `source` condition), which starts in a quarter of the time tsx takes'}.`,
    '',
    `Each kill runs a scripted run of ${TURNS - 1} turns of 3 parallel calls (${CALLS.length} calls: ${idempotent.join(', ')} idempotent, ${effects.join(' and ')} not), then an answer, in a child process with a \`FileRunStore\` and a \`FileStore\` session, and kills it (SIGKILL) at the point; which turn, call or checkpoint is drawn from the seed, as are the tools' durations (0-3 ms, so calls finish in other orders and checkpoints merge differently). Fresh processes then \`agent.resume(runId)\` until the run completes. A call cut off mid-flight whose tool is not idempotent stops the resume at an \`unknown_outcome\` interruption; the harness approves or rejects it by a seeded rule and continues from \`RunState.parse(state.toString())\`.`,
    '',
    "- **duplicate non-idempotent executions**: executions in the tools' own fsync'd log beyond one per call, not counting re-runs a person approved after `unknown_outcome` (those are the **approved re-runs** column: the call had run before the crash and ran again because it was approved).",
    '- **duplicate session turns**: messages the session (loaded by a fresh `FileStore`) holds more than once.',
    "- **transcripts equal**: the run's final checkpoint, `result.messages` (when the last process ran the run) and the session each equal an uninterrupted run's exactly, except that a rejected call's result is its rejection message.",
    `- Also checked on every kill: calls answered as if they ran but never executed (${total((p) => p.lost)} in all), executions whose \`ctx.idempotencyKey\` is not \`\${runId}:\${toolCallId}\` (${total((p) => p.badKeys)}), calls a kill left \`started\` in the checkpoint that the resume neither asked about (not idempotent) nor ran again (idempotent) (${total((p) => p.unhandledCutOffs)}), and \`unknown_outcome\` interruptions for a call no kill left \`started\` or for an idempotent tool (${total((p) => p.wrongInterruptions)}).`,
    `- Torn session lines are lines cut by a kill mid-append; a load skips them and the resumed run appends the turn again. A kill that cut only the newline off a turn's line (a complete batch the store never acknowledged) makes the resumed run write the line again: ${total((p) => p.repeatedKeyLines)} such lines, each read back once (a load keeps the first line of a key). Session locks left held by a kill (${total((p) => p.staleLocks)}) were aged past their 10 s stale time before resuming instead of waiting.`,
    `- Runs killed after the final checkpoint resume as \`run_completed\` (${total((p) => p.alreadyCompleted)}); runs killed before their first checkpoint landed have nothing to resume and start again (${total((p) => p.restarted)}); kills landed in resuming processes (\`resume-killed\`, \`claim-torn\`) ${total((p) => p.resumeKills)} times. A resume right after a kill mid claim write was refused with \`run_in_progress\` ${total((p) => p.refusedResumes)} times (a claim that cannot be read may still be being written, so it counts as held for 10 s); the harness then aged the claim and the next resume took it over.`,
    ...(errors.length > 0
      ? ['', `**Failures (${errors.length})**:`, '', ...errors.map((e) => `- ${e}`)]
      : []),
  ];
  return lines.join('\n');
}

function bold(n: number): string {
  return n === 0 ? '0' : `**${n}**`;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * `markdown` with the section titled `title` replaced by `section` (or `section` appended).
 *
 * @param markdown - A RESULTS.md.
 * @param title - The section's title, without `## `.
 * @param section - The new section, its heading included.
 */
export function replaceSection(markdown: string, title: string, section: string): string {
  const found = findSection(markdown, title);
  if (!found) return `${markdown.trimEnd()}\n\n${section}\n`;
  return `${markdown.slice(0, found.start)}${section}\n${found.end < markdown.length ? `\n${markdown.slice(found.end)}` : ''}`;
}

/** The section titled `title` (heading included, trimmed), or `undefined`. */
export function extractSection(markdown: string, title: string): string | undefined {
  const found = findSection(markdown, title);
  return found ? markdown.slice(found.start, found.end).trim() : undefined;
}

function findSection(markdown: string, title: string): { start: number; end: number } | undefined {
  const heading = `## ${title}\n`;
  const at = markdown.startsWith(heading) ? -1 : markdown.indexOf(`\n${heading}`);
  if (at < 0 && !markdown.startsWith(heading)) return undefined;
  const start = at + 1;
  const next = markdown.indexOf('\n## ', start + heading.length);
  return { start, end: next < 0 ? markdown.length : next + 1 };
}
