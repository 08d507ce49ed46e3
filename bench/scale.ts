/**
 * Benchmark 4: one process serving 1,000 concurrent runs against the test server: throughput,
 * latency percentiles and peak RSS. The runs execute in a fresh child process (the server stays
 * here), so the RSS figure is agentloop's alone.
 *
 * @module
 */

import { type RecordedRequest, type Step, startTestServer } from '../test/support/index.js';
import { lastJsonLine, runNode } from './child-process.js';
import { type BenchResult, type BenchRow, fmt, quantile, rowsTable } from './stats.js';

/** Options of {@link runScaleBenchmark}. */
export interface ScaleOptions {
  /** Concurrent runs. @default 1000 */
  runs?: number;
}

const TARGET_RSS_MB = 300;

/** What the child (`scale-child.mjs`) prints, as one JSON line on stdout. */
interface ScaleFigures {
  runs: number;
  ok: number;
  failed: number;
  failures: Record<string, number>;
  wallMs: number;
  latenciesMs: number[];
  baselineRssBytes: number;
  peakRssBytes: number;
  retries: number;
}
const MB = 1024 * 1024;

/** Each run: one `lookup` call, then the answer (two requests). */
function respond(request: RecordedRequest): Step {
  const { messages } = request.body;
  if (messages.some((m) => m.role === 'tool')) return { content: 'Found it.' };
  const last = messages.at(-1);
  const key = typeof last?.content === 'string' ? last.content.slice(0, 32) : 'k';
  return { toolCalls: [{ name: 'lookup', arguments: { key } }] };
}

/**
 * Starts the server, runs `runs` concurrent two-turn runs in a child process and reports runs per
 * second, p50 and p99 latency and peak RSS (target under 300 MB).
 */
export async function runScaleBenchmark({ runs = 1000 }: ScaleOptions = {}): Promise<BenchResult> {
  const server = await startTestServer({ responder: respond });
  let figures: ScaleFigures;
  try {
    // Plain node on the built packages, as a user's program: no tsx in the figures.
    const outcome = await runNode(['bench/scale-child.mjs', server.url, String(runs)]);
    figures = lastJsonLine<ScaleFigures>(outcome, 'the scale child process');
  } finally {
    await server.close();
  }
  const peakMb = figures.peakRssBytes / MB;
  const rows: BenchRow[] = [
    {
      name: `runs completed of ${runs}`,
      value: figures.ok,
      unit: '',
      target: `${runs}`,
      pass: figures.ok === runs,
    },
    { name: 'throughput', value: (figures.ok / figures.wallMs) * 1000, unit: 'runs/s' },
    { name: 'latency p50', value: quantile(figures.latenciesMs, 0.5), unit: 'ms' },
    { name: 'latency p99', value: quantile(figures.latenciesMs, 0.99), unit: 'ms' },
    {
      name: 'peak RSS',
      value: peakMb,
      unit: 'MB',
      target: `< ${TARGET_RSS_MB} MB`,
      pass: peakMb < TARGET_RSS_MB,
    },
    {
      name: 'RSS before the runs (node + imports + one run)',
      value: figures.baselineRssBytes / MB,
      unit: 'MB',
    },
    {
      name: 'RSS growth during the runs',
      value: (figures.peakRssBytes - figures.baselineRssBytes) / MB,
      unit: 'MB',
    },
  ];
  const failures = Object.entries(figures.failures)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
  const title = `Scale: ${runs} concurrent runs in one process`;
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `${runs} runs started at once on one \`Agent\` in a fresh child process (\`openai()\` over HTTP to the local test server in the parent process); each run is one \`lookup\` call, then the answer. Wall time for all: ${fmt(figures.wallMs)} ms; model retries: ${figures.retries}${failures ? `; failures: ${failures}` : ''}. RSS sampled every 5 ms and at each run's end.`,
  ].join('\n');
  return { title, rows, markdown };
}
