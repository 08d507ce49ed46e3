/**
 * The long form of the kill -9 harness: kills the scripted run at every kill point, resumes it,
 * prints the figures per point and writes them into `bench/RESULTS.md` (its own section).
 *
 * Usage: `node --import tsx bench/crash/run.ts [--kills 100] [--seed 1] [--concurrency 2]
 * [--points start,tool-mid] [--tsx] [--no-write]`; `pnpm bench:crash` runs the defaults.
 * Exits with 1 when any kill failed a check.
 *
 * @module
 */

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runCrashHarness } from './crash-harness.js';
import { CRASH_SECTION_TITLE, crashSection, replaceSection } from './crash-report.js';
import { KILL_POINT_NAMES, type KillPoint } from './kill-points.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '2' },
    points: { type: 'string' },
    tsx: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});

const killsPerPoint = Number(values.kills);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
const points = values.points ? (values.points.split(',') as KillPoint[]) : KILL_POINT_NAMES;
const unknown = points.filter((p) => !KILL_POINT_NAMES.includes(p));
if (unknown.length > 0 || !(killsPerPoint > 0) || !Number.isInteger(seed) || !(concurrency > 0)) {
  console.error(
    `Expected --kills and --concurrency above 0, an integer --seed and --points among ${KILL_POINT_NAMES.join(', ')}; got kills ${values.kills}, seed ${values.seed}, concurrency ${values.concurrency}${unknown.length ? `, unknown points ${unknown.join(', ')}` : ''}.`,
  );
  process.exit(2);
}

const started = performance.now();
console.log(
  `Killing the scripted run ${killsPerPoint} times at each of ${points.length} points (seed ${seed}, ${concurrency} at once)...`,
);
const result = await runCrashHarness({
  killsPerPoint,
  seed,
  concurrency,
  points,
  tsx: values.tsx,
  onPoint: (p) =>
    console.log(
      `${p.point}: ${p.kills} kills, ${p.completed} completed, ${p.unknownStops} unknown_outcome stops, ${p.duplicates} duplicates, ${p.duplicateTurns} duplicate turns, ${p.transcriptsEqual} transcripts equal${p.errors.length ? `, ${p.errors.length} FAILED` : ''} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    ),
});
const args = process.argv.slice(2).join(' ');
const markdown = crashSection(result, {
  command: `node --import tsx bench/crash/run.ts${args ? ` ${args}` : ''}`,
  killsPerPoint,
  seed,
  concurrency,
  totalMs: performance.now() - started,
  tsx: values.tsx,
});
console.log(`\n${markdown}\n`);

if (!values['no-write']) {
  const file = new URL('../RESULTS.md', import.meta.url);
  const current = await readFile(file, 'utf8');
  await writeFile(file, replaceSection(current, CRASH_SECTION_TITLE, markdown));
  console.log(`Wrote the "${CRASH_SECTION_TITLE}" section of ${file.pathname}`);
}
const failures = result.points.reduce((n, p) => n + p.errors.length, 0);
if (failures > 0) {
  console.error(`${failures} kills failed a check (see the Failures list).`);
  process.exitCode = 1;
}
