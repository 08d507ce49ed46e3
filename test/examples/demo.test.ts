/**
 * The demo (`pnpm demo`, the README's first command) run as a user runs it, offline: it must
 * finish quickly with exit code 0, nothing on stderr, nothing that looks like an error, and
 * show what it promises: parallel tool calls, events, a trim, usage and cited files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunIndex } from '../../packages/inspector/src/model/run-index.js';
import { type ExampleRun, lineIndex, spawnExample } from './spawn-example.js';

let run: ExampleRun;
let lines: string[];
const scratch = mkdtempSync(join(tmpdir(), 'agentloop-demo-'));
const logFile = join(scratch, 'runs.jsonl');

beforeAll(async () => {
  run = await spawnExample('examples/demo/src/main.ts', ['--log', logFile]);
  lines = run.stdout.split('\n');
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm demo, offline', () => {
  it('exits 0 in seconds with an empty stderr and says in one line that it runs offline', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(20_000);
    expect(lines.filter((l) => /offline/i.test(l) && /OPENAI_API_KEY/.test(l))).toHaveLength(1);
  });

  it('prints nothing that looks like an error, a warning or a stack trace', () => {
    expect(run.stdout).not.toMatch(/\bError\b|\bwarning\b|^\s+at .+:\d+/im);
    expect(run.stdout).not.toMatch(/✗/);
  });

  it('is compact', () => {
    expect(lines.length).toBeGreaterThanOrEqual(25);
    expect(lines.length).toBeLessThanOrEqual(70);
  });

  it('runs the weather calls in parallel: all three start before the first ends', () => {
    const starts = lines.flatMap((l, i) => (/→ get_weather /.test(l) ? [i] : []));
    const firstEnd = lineIndex(lines, /✓ get_weather /);
    expect(starts.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...starts.slice(0, 3))).toBeLessThan(firstEnd);
    expect(run.stdout).toMatch(/⇉ 3 tool calls ran in parallel/);
  });

  it("answers from the weather tool's real output on the fixtures", () => {
    // The fixture says 23.4 °C in Paris and 14.2 °C in Oslo; the scripted model only knows
    // what the tool returned.
    expect(run.stdout).toMatch(/Paris, France: 23\.4 °C/);
    expect(run.stdout).toMatch(/coolest Oslo \(14\.2 °C\)/);
  });

  it('shows the lifecycle events of the streamed run, in order', () => {
    const events = run.stdout.slice(run.stdout.indexOf('events ('));
    const order = [
      'run:start',
      'model:start',
      'tool:start ×3',
      'tool:end ×3',
      'text:delta',
      'run:end',
    ];
    const positions = order.map((type) => events.indexOf(type));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('trims the session to its budget and says so with memory:trim', () => {
    const trims = lines.filter((l) => /✂ memory:trim dropped \d+ older messages/.test(l));
    expect(trims.length).toBeGreaterThan(0);
    for (const trim of trims) {
      const [, tokens, reserved, budget] =
        /: ([\d,]+) tokens \+ (\d+) for the reply ≤ ([\d,]+)/.exec(trim) ?? [];
      const n = (s: string | undefined) => Number(s?.replaceAll(',', ''));
      expect(n(tokens) + n(reserved)).toBeLessThanOrEqual(n(budget));
    }
    expect(run.stdout).toMatch(/the store keeps all \d+ messages/);
  });

  it('reports usage in tokens and cost, per run and in total', () => {
    const usage = lines.filter((l) =>
      /\d+ model calls? · [\d,]+ tokens \([\d,]+ in, [\d,]+ out\) · \$\d+\.\d+/.test(l),
    );
    expect(usage.length).toBeGreaterThanOrEqual(4);
    expect(lineIndex(lines, /── total · \d+ runs · \d+ model calls/)).toBeGreaterThan(0);
  });

  it('answers the search question by quoting the docs and citing the files it used', () => {
    expect(run.stdout).toMatch(/→ search_documents \{"query":/);
    expect(run.stdout).toMatch(/• \S+\.md:\d+/);
    const cited = lines.find((l) => l.includes('cited files:')) ?? '';
    expect(cited).toMatch(/README\.md/);
  });

  it('records every run in a run log and says how to open it in the inspector', () => {
    const index = new RunIndex();
    const text = readFileSync(logFile, 'utf8');
    text.split('\n').forEach((line, i) => {
      index.addLine(line, 'runs.jsonl', i + 1);
    });
    expect(index.problemCount).toBe(0);
    const runs = index.runs();
    expect(runs.map((r) => r.agent).sort()).toEqual([
      'search-bot',
      'weather-bot',
      'weather-bot',
      'weather-bot',
      'weather-bot',
      'weather-bot',
    ]);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    expect(runs.reduce((sum, r) => sum + r.trims, 0)).toBeGreaterThan(0);
    expect(
      lineIndex(lines, /run log: .*runs\.jsonl · see the runs: npx -y pnpm@10 inspect /),
    ).toBeGreaterThan(0);
  });
});
