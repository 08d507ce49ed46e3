/**
 * The inspector page on a large log: a generated run log of 10,000 events (one long run of 125
 * turns with 8 parallel tool calls each, and 375 short runs, some failed, paused or retried),
 * served by `startInspector` and opened in headless Chromium (Debian's, through playwright-core).
 * Times, from the browser's navigation to the rows being on screen, the runs list; from the click
 * on the long run to its timeline being drawn, the run view; and a fresh load straight into it.
 * Targets: each under 1 s.
 *
 * Usage: `node --import tsx bench/inspector-page.ts` (alone), or as part of `pnpm bench`.
 * Needs /usr/bin/chromium (`apt-get install -y chromium`); skipped with a note without it.
 *
 * @module
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInspector } from '@agentloop/inspector';
import { chromiumMissing, launchChromium } from '../test/inspector/chromium.js';
import { type BenchResult, type BenchRow, fmt, median, rowsTable } from './stats.js';

/** Options of {@link runInspectorPageBenchmark}. */
export interface InspectorPageOptions {
  /** Timed loads of each view. @default 5 */
  repeats?: number;
}

/** Events in the generated log. */
export const LOG_EVENTS = 10_000;
const LONG_TURNS = 125;
const LONG_TOOLS = 8;

/**
 * A run log of exactly {@link LOG_EVENTS} events, as `runLog` writes them.
 *
 * @returns the log's text and the id of its long run.
 */
export function generateLog(): { text: string; longRunId: string; longRunTools: number } {
  const lines: string[] = [];
  let ts = Date.UTC(2026, 0, 1, 9, 0, 0);
  const usage = (prompt: number, completion: number) => ({
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: prompt + completion,
    cachedTokens: 0,
    reasoningTokens: 0,
    cost: Math.round((prompt * 0.15 + completion * 0.6) * 1e-6 * 1e10) / 1e10,
  });
  const push = (event: Record<string, unknown>) => {
    lines.push(JSON.stringify({ ts, ...event }));
  };

  // The long run (125 turns of 8 parallel calls, then the answer) is written last, so it is
  // the newest run and the first row of the list.
  const longRunId = 'run_long';
  const longRun = () => {
    const runId = longRunId;
    push({ type: 'run:start', runId, turn: 0, agent: 'research-bot', input: 'Survey everything.' });
    for (let turn = 1; turn <= LONG_TURNS; turn++) {
      push({ type: 'turn:start', runId, turn });
      push({
        type: 'model:start',
        runId,
        turn,
        model: 'gpt-4o-mini',
        messages: turn * 9,
        tools: 3,
      });
      ts += 400;
      push({
        type: 'model:end',
        runId,
        turn,
        finishReason: 'tool_calls',
        usage: usage(900 + turn * 40, 60),
        durationMs: 400,
        toolCalls: LONG_TOOLS,
      });
      for (let i = 0; i < LONG_TOOLS; i++) {
        push({
          type: 'tool:start',
          runId,
          turn,
          toolCallId: `call_${turn}_${i}`,
          name: `search_${i % 3}`,
          args: { query: `topic ${turn}.${i}`, limit: 5 },
        });
      }
      for (let i = 0; i < LONG_TOOLS; i++) {
        ts += 15;
        const ok = i !== 5;
        push({
          type: 'tool:end',
          runId,
          turn,
          toolCallId: `call_${turn}_${i}`,
          name: `search_${i % 3}`,
          outcome: ok
            ? {
                ok,
                output: JSON.stringify({ results: [`result ${turn}.${i}`, 'another result'] }),
                durationMs: 15 * (i + 1),
              }
            : {
                ok,
                output: 'Error: upstream timeout',
                error: { code: 'timeout', message: 'timed out' },
                durationMs: 120,
              },
        });
      }
      push({ type: 'turn:end', runId, turn, finishReason: 'tool_calls', toolCalls: LONG_TOOLS });
    }
    const longTurn = LONG_TURNS + 1;
    push({ type: 'turn:start', runId, turn: longTurn });
    push({
      type: 'model:start',
      runId,
      turn: longTurn,
      model: 'gpt-4o-mini',
      messages: 1200,
      tools: 3,
    });
    ts += 900;
    push({
      type: 'model:end',
      runId,
      turn: longTurn,
      finishReason: 'stop',
      usage: usage(9000, 400),
      durationMs: 900,
      text: 'The survey.',
    });
    push({ type: 'turn:end', runId, turn: longTurn, finishReason: 'stop', toolCalls: 0 });
    push({
      type: 'run:end',
      runId,
      turn: longTurn,
      status: 'completed',
      result: {
        status: 'completed',
        interruptions: [],
        output: 'The survey.',
        text: 'The survey.',
        turns: longTurn,
        usage: usage(150_000, 8000),
        finishReason: 'stop',
      },
    });
  };
  const [probe, probeTs] = [lines.length, ts];
  longRun();
  const longEvents = lines.length - probe;
  [lines.length, ts] = [probe, probeTs];

  // Short runs (up to 20 events each), then filler, leaving room for the long run.
  for (let n = 0; lines.length + 20 <= LOG_EVENTS - longEvents; n++) {
    const runId = `run_${String(n).padStart(4, '0')}`;
    ts += 1000;
    const fails = n % 10 === 3;
    const pauses = n % 10 === 7;
    push({
      type: 'run:start',
      runId,
      turn: 0,
      agent: n % 2 ? 'weather-bot' : 'search-bot',
      input: `Question ${n}?`,
      sessionId: `s${n % 17}`,
    });
    push({ type: 'turn:start', runId, turn: 1 });
    push({
      type: 'memory:trim',
      runId,
      turn: 1,
      dropped: 4,
      shrunk: 0,
      kept: 6,
      tokens: 800,
      maxTokens: 900,
    });
    push({ type: 'model:start', runId, turn: 1, model: 'gpt-4o-mini', messages: 6, tools: 2 });
    push({
      type: 'model:retry',
      runId,
      turn: 1,
      attempt: 1,
      delayMs: 20,
      error: { code: 'model_error', message: 'busy', status: 503 },
    });
    ts += 300;
    push({
      type: 'model:end',
      runId,
      turn: 1,
      finishReason: 'tool_calls',
      usage: usage(800, 40),
      durationMs: 300,
      toolCalls: 3,
    });
    for (let i = 0; i < 3; i++)
      push({
        type: 'tool:start',
        runId,
        turn: 1,
        toolCallId: `c${i}`,
        name: 'get_weather',
        args: { city: `City ${i}` },
      });
    for (let i = 0; i < 3; i++) {
      ts += 30;
      push({
        type: 'tool:end',
        runId,
        turn: 1,
        toolCallId: `c${i}`,
        name: 'get_weather',
        outcome: { ok: true, output: `{"temp":${20 + i}}`, durationMs: 30 * (i + 1) },
      });
    }
    push({ type: 'turn:end', runId, turn: 1, finishReason: 'tool_calls', toolCalls: 3 });
    push({ type: 'turn:start', runId, turn: 2 });
    push({ type: 'model:start', runId, turn: 2, model: 'gpt-4o-mini', messages: 10, tools: 2 });
    ts += 200;
    if (fails) {
      push({
        type: 'tool:interrupt',
        runId,
        turn: 2,
        toolCallId: 'x',
        name: 'noop',
        interruption: {
          id: 'i',
          kind: 'approval',
          agent: 'a',
          path: ['a'],
          toolCallId: 'x',
          name: 'noop',
          args: {},
        },
      });
      push({
        type: 'run:error',
        runId,
        turn: 2,
        error: {
          name: 'ModelError',
          code: 'model_error',
          message: 'The provider refused the request.',
        },
      });
    } else {
      push({
        type: 'model:end',
        runId,
        turn: 2,
        finishReason: 'stop',
        usage: usage(1000, 80),
        durationMs: 200,
        text: 'Sunny.',
      });
      push({ type: 'turn:end', runId, turn: 2, finishReason: 'stop', toolCalls: 0 });
    }
    const status = pauses ? 'interrupted' : 'completed';
    if (!fails) {
      push({
        type: 'run:end',
        runId,
        turn: 2,
        status,
        result: {
          status,
          interruptions: [],
          output: 'Sunny.',
          text: 'Sunny.',
          turns: 2,
          usage: usage(1800, 120),
          finishReason: 'stop',
        },
      });
    }
  }
  while (lines.length < LOG_EVENTS - longEvents) {
    push({ type: 'turn:start', runId: 'run_tail', turn: lines.length });
  }
  ts += 1000;
  longRun();
  return { text: `${lines.join('\n')}\n`, longRunId, longRunTools: LONG_TURNS * LONG_TOOLS };
}

/**
 * Opens the generated log's runs list and its long run in headless Chromium.
 *
 * @returns the medians (and the first, cold, load) against the 1 s targets.
 */
export async function runInspectorPageBenchmark({
  repeats = 5,
}: InspectorPageOptions = {}): Promise<BenchResult> {
  const title = 'Inspector page on a 10,000-event log (headless Chromium)';
  if (chromiumMissing) {
    return { title, rows: [], markdown: `## ${title}\n\nSkipped: ${chromiumMissing}.` };
  }
  const dir = mkdtempSync(join(tmpdir(), 'agentloop-inspector-bench-'));
  const file = join(dir, 'runs.jsonl');
  const { text, longRunId, longRunTools } = generateLog();
  writeFileSync(file, text);
  const serverStarted = performance.now();
  const inspector = await startInspector({ path: file, port: 0 });
  const serverMs = performance.now() - serverStarted;
  const browser = await launchChromium();
  const { page } = browser;
  const runs = inspector.source.index.runs().length;
  try {
    // The page's own clock, from the navigation's start to the moment the rows are there.
    const sinceNavigation = () => page.evaluate(() => performance.now());
    // The run view is there when its timeline has bars and its last turn is listed (a long
    // timeline builds only the rows in its scrolled view).
    const viewDrawn = async () => {
      await page.locator('.bar[data-kind=tool]').first().waitFor({ state: 'attached' });
      await page.locator(`[data-turn="${LONG_TURNS + 1}"]`).waitFor({ state: 'attached' });
    };
    const list: number[] = [];
    const view: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i <= repeats; i++) {
      // A fresh document each time: a change of the hash alone would not load the page again.
      await page.goto('about:blank');
      await page.goto(`${inspector.url}#/`);
      await page.waitForSelector('tr[data-run-id]');
      list.push(await sinceNavigation());

      const clicked = await page.evaluate(() => performance.now());
      await page.click(`tr[data-run-id="${longRunId}"] [data-col=agent] a`);
      await viewDrawn();
      view.push((await sinceNavigation()) - clicked);

      await page.goto('about:blank');
      await page.goto(`${inspector.url}#/run/${longRunId}`);
      await viewDrawn();
      direct.push(await sinceNavigation());
    }
    if (browser.blocked.length > 0)
      throw new Error(`requests left 127.0.0.1: ${browser.blocked.join(', ')}`);
    const row = (name: string, samples: number[]): BenchRow => {
      const value = median(samples.slice(1));
      return { name, value, unit: 'ms', target: '< 1000 ms', pass: value < 1000 };
    };
    const rows: BenchRow[] = [
      row(`runs list (${fmt(runs)} runs): navigation to rows shown`, list),
      row(
        `run view of the long run (${LONG_TURNS + 1} turns, ${fmt(longRunTools)} tool calls): click to view drawn`,
        view,
      ),
      row('run view, fresh load of its address: navigation to view drawn', direct),
    ];
    const markdown = [
      `## ${title}`,
      '',
      rowsTable(rows),
      '',
      `A generated log of ${fmt(LOG_EVENTS)} events (${fmt(text.length / 1024 / 1024, 2)} MiB): one run of ${LONG_TURNS} turns with ${LONG_TOOLS} parallel tool calls each, and ${fmt(runs - 2)} short runs (a trim, a retry, three parallel calls; some failed or paused). The server read and indexed it in ${fmt(serverMs)} ms. Each view was loaded ${repeats + 1} times in headless Chromium (Debian's, through playwright-core); the figures are medians after the first load, timed with the page's own clock (navigation start, or the click, to the rows being in the document, or the timeline's first bars and the last turn's heading). Load average during the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          ', ',
        )}. First loads: list ${fmt(list[0] ?? Number.NaN)} ms, run view ${fmt(view[0] ?? Number.NaN)} ms, fresh run view ${fmt(direct[0] ?? Number.NaN)} ms.`,
    ].join('\n');
    return { title, rows, markdown };
  } finally {
    await browser.close();
    await inspector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runInspectorPageBenchmark();
  console.log(result.markdown);
}
