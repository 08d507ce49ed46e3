/**
 * Small statistics and timing helpers shared by the benchmarks: medians and percentiles over
 * repeated samples, so one slow run on a busy machine does not move the figure.
 *
 * @module
 */

/** One row of a benchmark's results: a label, a measured value, its unit and an optional target. */
export interface BenchRow {
  /** What was measured, e.g. `agentloop run (5 turns x 3 tools)`. */
  name: string;
  /** The measured figure (a median unless the name says otherwise). */
  value: number;
  /** The unit of `value`, e.g. `ms`, `us/turn`, `MB`, `x`. */
  unit: string;
  /** The target, written as it is checked, e.g. `<= 1.15`. */
  target?: string | undefined;
  /** Whether the target is met; `undefined` when there is no target. */
  pass?: boolean | undefined;
}

/** What every benchmark module returns: its rows and a markdown section for `RESULTS.md`. */
export interface BenchResult {
  /** The section title. */
  title: string;
  /** The figures, for programs. */
  rows: BenchRow[];
  /** The section of `RESULTS.md`: a `## title` heading, a table and notes. */
  markdown: string;
}

/**
 * The value below which `p` (0..1) of the samples fall, by linear interpolation between the
 * nearest ranks.
 *
 * @param samples - the measurements (not modified).
 * @param p - the quantile, e.g. 0.5 for the median, 0.99 for p99.
 * @returns the quantile, or `NaN` for no samples.
 */
export function quantile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (rank - low);
}

/** The median of the samples (`NaN` for none). */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export function now(): number {
  return performance.now();
}

/**
 * Times `fn` `iterations` times after `warmup` untimed calls, one sample per call.
 *
 * @returns the samples in milliseconds, in call order.
 */
export async function sample(
  fn: () => Promise<unknown>,
  { iterations, warmup = 0 }: { iterations: number; warmup?: number },
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = now();
    await fn();
    samples.push(now() - started);
  }
  return samples;
}

/** Formats a number for a table: 3 significant digits, thousands kept whole. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

/**
 * Renders rows as a markdown table with the columns measure, median, target and met.
 *
 * @param rows - the rows to render.
 * @returns the table, without a trailing newline.
 */
export function rowsTable(rows: readonly BenchRow[]): string {
  const lines = ['| measure | value | target | met |', '| --- | ---: | --- | :---: |'];
  for (const row of rows) {
    const met = row.pass === undefined ? '' : row.pass ? 'yes' : '**no**';
    lines.push(`| ${row.name} | ${fmt(row.value)} ${row.unit} | ${row.target ?? ''} | ${met} |`);
  }
  return lines.join('\n');
}
