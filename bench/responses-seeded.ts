/**
 * The long form of the seeded Responses runs (the CI test runs 120): 1,000 agent runs in
 * multi-turn sessions with reasoning items, tool faults, approvals resumed from JSON and tight
 * memory budgets, against the strict `/v1/responses` of the test server. The figure that
 * matters is the number of requests it refused: the target is 0.
 *
 * Usage: `node --import tsx bench/responses-seeded.ts [runs] [seed]` (after `pnpm build`), or
 * with `--conditions=source` to run the sources. Exits with 1 when a request was refused.
 *
 * @module
 */

import { runSeededSessions, type SeededOptions } from '../test/conformance/seeded-sessions.js';
import { type BenchResult, type BenchRow, rowsTable } from './stats.js';

/** Runs the seeded sessions and reports them as a benchmark section. */
export async function runResponsesSeededBenchmark(
  options: SeededOptions = {},
): Promise<BenchResult> {
  const report = await runSeededSessions({ runs: 1000, ...options });
  const rows: BenchRow[] = [
    { name: 'agent runs', value: report.runs, unit: '' },
    { name: 'sessions', value: report.sessions, unit: '' },
    { name: 'requests', value: report.requests, unit: '' },
    { name: 'reasoning items sent back', value: report.reasoningReplayed, unit: '' },
    { name: 'model calls with a trimmed conversation', value: report.trims, unit: '' },
    { name: 'runs resumed after approval (from JSON)', value: report.resumed, unit: '' },
    { name: 'runs whose newest turn overflowed the budget', value: report.overflowed, unit: '' },
    { name: 'runs that failed otherwise', value: report.failed.length, unit: '' },
    {
      name: 'requests refused by the strict endpoint',
      value: report.refused,
      unit: '',
      target: '0',
      pass: report.refused === 0,
    },
    { name: 'wall time', value: report.durationMs / 1000, unit: 's' },
  ];
  const title = 'Seeded multi-turn runs over the Responses API (strict endpoint)';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `Seed ${options.seed ?? 18}. Each session asks 1 to 5 questions of one agent (\`openaiResponses('gpt-5-mini')\`, memory budget 900 to 1,500 tokens with a two-tool schema); each question gets 0 to 3+ rounds of 1 to 3 parallel calls before its answer, replies carry no reasoning, one reasoning item, or one before every item, and some calls are faulty (unknown tool, broken JSON) or need approval (decided on a state read back from JSON). ${report.refusals.length > 0 ? `First refusals: ${report.refusals.join(' / ')}` : 'No request was refused.'}`,
  ].join('\n');
  return { title, rows, markdown };
}

if (process.argv[1]?.endsWith('responses-seeded.ts')) {
  const [runs, seed] = process.argv.slice(2).map(Number);
  const result = await runResponsesSeededBenchmark({
    ...(runs ? { runs } : {}),
    ...(seed !== undefined && !Number.isNaN(seed) ? { seed } : {}),
  });
  console.log(result.markdown);
  const refused = result.rows.find((row) => row.name.startsWith('requests refused'));
  process.exitCode = refused?.value === 0 ? 0 : 1;
}
