/**
 * The inspector page in a real browser (Debian's Chromium through playwright-core), served by
 * `startInspector` on 127.0.0.1, with every request elsewhere aborted and counted: the recorded
 * demo (runs list, a run's timeline, tokens and cost against the log, a tool's arguments and
 * result), a failing run and a paused one, live updates as the log grows, and bad input.
 *
 * Without /usr/bin/chromium it is skipped with a message; on CI (`CI=true`, where .ci/run
 * installs it) it fails instead.
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLog } from '@agentloop/inspector';
import { describe, expect, it } from 'vitest';
import { formatCost, formatCount } from '../../packages/inspector/src/page/format.js';
import { chromiumMissing } from './chromium.js';
import { readEvents, usePageSession } from './page-session.js';
import { FAILURE_MESSAGE, FAKE_KEY, recordApprovedRun, recordFailingRun } from './record-runs.js';

const isCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
if (chromiumMissing && !isCI)
  console.warn(`test/inspector/browser.test.ts skipped: ${chromiumMissing}`);

describe.runIf(chromiumMissing !== undefined && isCI)('the inspector in a browser, on CI', () => {
  it('has Chromium', () => {
    expect.fail(`CI=true, so the browser tests must run, but ${chromiumMissing}.`);
  });
});

const DEMO = join(import.meta.dirname, '..', 'fixtures', 'inspector', 'demo-runs.jsonl');
describe.skipIf(chromiumMissing !== undefined)('the inspector page in Chromium', () => {
  const session = usePageSession('browser');
  const { open } = session;

  it('shows the recorded demo: runs with the log’s figures, a run’s timeline, calls and tool values', async () => {
    const events = readEvents(DEMO);
    const page = await open(DEMO);
    const rows = page.locator('tr[data-run-id]');
    await expect.poll(() => rows.count()).toBe(6);

    // Every row's tokens and cost are the sums of its model:end lines.
    for (const runId of await rows.evaluateAll((trs) =>
      trs.map((tr) => tr.getAttribute('data-run-id') ?? ''),
    )) {
      const ends = events.filter((e) => e.runId === runId && e.type === 'model:end');
      const tokens = ends.reduce(
        (sum, e) => sum + (e.type === 'model:end' ? e.usage.totalTokens : 0),
        0,
      );
      const cost = ends.reduce(
        (sum, e) => sum + (e.type === 'model:end' ? (e.usage.cost ?? 0) : 0),
        0,
      );
      const row = page.locator(`tr[data-run-id="${runId}"]`);
      expect(await row.locator('[data-col=tokens]').textContent()).toBe(formatCount(tokens));
      expect(Number(await row.locator('[data-col=cost]').getAttribute('data-value'))).toBeCloseTo(
        cost,
        12,
      );
      expect(await row.locator('[data-col=cost]').textContent()).toBe(
        formatCost(Math.round(cost * 1e10) / 1e10),
      );
      expect(await row.locator('[data-status]').textContent()).toBe('completed');
    }

    // The filter narrows the list.
    await page.fill('[data-testid=filter-text]', 'search');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.locator('[data-col=agent] a').textContent()).toBe('search-bot');
    await page.fill('[data-testid=filter-text]', '');
    await expect.poll(() => rows.count()).toBe(6);

    // Into the weather run: three cities, three parallel tool calls.
    const start = events.find(
      (e) => e.type === 'run:start' && e.input?.includes('Paris, Oslo and Tokyo'),
    );
    const runId = start?.runId ?? '';
    await page.click(`tr[data-run-id="${runId}"] [data-col=agent] a`);
    await page.waitForSelector(`[data-testid=run-view][data-run-id="${runId}"]`);
    const ends = events.filter((e) => e.runId === runId && e.type === 'model:end');
    const total = ends.reduce(
      (sum, e) => sum + (e.type === 'model:end' ? e.usage.totalTokens : 0),
      0,
    );
    expect(await page.getAttribute('[data-field=tokens]', 'data-value')).toBe(String(total));

    // Timeline: two model bars, three tool bars that overlap in time on three rows, after the first reply.
    const box = async (selector: string) => {
      const boxes = await page.locator(selector).evaluateAll((els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top };
        }),
      );
      return boxes;
    };
    const models = await box('.bar[data-kind=model]');
    const tools = await box('.bar[data-kind=tool]');
    expect(models).toHaveLength(2);
    expect(tools).toHaveLength(3);
    const latestStart = Math.max(...tools.map((t) => t.left));
    const earliestEnd = Math.min(...tools.map((t) => t.right));
    expect(latestStart).toBeLessThan(earliestEnd);
    expect(new Set(tools.map((t) => t.top)).size).toBe(3);
    expect(Math.min(...tools.map((t) => t.left))).toBeGreaterThanOrEqual(
      (models[0]?.right ?? 0) - 1,
    );
    expect(models[1]?.left ?? 0).toBeGreaterThanOrEqual(Math.max(...tools.map((t) => t.right)) - 1);

    // Each model call's figures are its model:end line's.
    const cards = page.locator('[data-testid=model-call]');
    expect(await cards.count()).toBe(ends.length);
    for (const [i, end] of ends.entries()) {
      if (end.type !== 'model:end') continue;
      const card = cards.nth(i);
      expect(await card.locator('[data-field="total tokens"]').getAttribute('data-value')).toBe(
        String(end.usage.totalTokens),
      );
      expect(await card.locator('[data-field="prompt tokens"]').textContent()).toBe(
        formatCount(end.usage.promptTokens),
      );
      expect(await card.locator('[data-field=cost]').textContent()).toBe(
        formatCost(end.usage.cost),
      );
      expect(await card.locator('[data-field="finish reason"]').textContent()).toBe(
        end.finishReason,
      );
      expect(await card.locator('[data-field=latency]').getAttribute('data-value')).toBe(
        String(end.durationMs),
      );
    }

    // A tool's arguments and result, as logged.
    const paris = page.locator('[data-testid=tool-call]', { hasText: '"city": "Paris"' });
    expect(await paris.getAttribute('data-outcome')).toBe('ok');
    expect(await paris.locator('[data-field=result]').textContent()).toContain(
      '"temperature": 23.4',
    );
    // A click on a bar selects its call.
    const key = await page.locator('.bar[data-kind=tool]').first().getAttribute('data-key');
    await page.locator('.bar[data-kind=tool]').first().click();
    await expect
      .poll(() => page.locator(`[data-call="${key}"]`).getAttribute('class'))
      .toMatch(/selected/);
    expect(await page.textContent('[data-testid=run-answer]')).toContain('coolest Oslo (14.2 °C)');
  });

  it('shows a failing run’s error and every tool outcome, and a run paused for an approval', async () => {
    const file = join(session.dir, 'failing.jsonl');
    const log = runLog({ file });
    await recordFailingRun(log);
    await recordApprovedRun(log);
    // The same approval run, as a log that ends at its pause.
    const approved = readEvents(file).filter((e) => e.runId === readEvents(file).at(-1)?.runId);
    const pause = approved.findIndex((e) => e.type === 'run:end');
    appendFileSync(
      file,
      approved
        .slice(0, pause + 1)
        .map((e) => `${JSON.stringify({ ...e, runId: 'run_paused', ts: e.ts + 60_000 })}\n`)
        .join(''),
    );

    const page = await open(file);
    const rows = page.locator('tr[data-run-id]');
    await expect.poll(() => rows.count()).toBe(3);
    const statuses = await rows.locator('[data-status]').allTextContents();
    expect(statuses.sort()).toEqual(['completed', 'failed', 'interrupted']);
    await page.selectOption('[data-testid=filter-status]', 'failed');
    await expect.poll(() => rows.count()).toBe(1);
    const error = await rows.locator('[data-col=error]').textContent();
    expect(error).toContain('model_error');
    expect(error).toContain(FAILURE_MESSAGE);

    await rows.locator('[data-col=agent] a').click();
    await page.waitForSelector('[data-testid=run-error]');
    expect(await page.textContent('[data-testid=run-error]')).toContain(FAILURE_MESSAGE);
    const outcomes = await page
      .locator('[data-testid=tool-call]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-outcome')));
    expect(outcomes.sort()).toEqual(['denied', 'fault', 'ok', 'timeout']);
    const states = await page
      .locator('.bar[data-kind=tool]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    expect(states.sort()).toEqual(['denied', 'fault', 'ok', 'timeout']);
    expect(await page.locator('.bar[data-kind=model].failed').count()).toBe(1);
    expect(await page.locator('[data-mark=error]').count()).toBe(1);
    expect(await page.textContent('[data-testid=retries]')).toMatch(
      /retry 1 after model_error \(HTTP 503\)/,
    );
    const denied = page.locator('[data-testid=tool-call][data-outcome=denied]');
    expect(await denied.textContent()).toContain('Order 7 belongs to another customer.');
    const body = await page.textContent('body');
    expect(body).toContain('[redacted]');
    expect(body).not.toContain(FAKE_KEY);

    await page.goto(`${session.url}#/run/run_paused`);
    await page.waitForSelector('[data-testid=run-interruptions]');
    expect(await page.textContent('[data-testid=run-interruptions]')).toMatch(
      /refund.*needs approval/,
    );
    expect(await page.locator('[data-testid=tool-call][data-outcome=interrupted]').count()).toBe(1);
    expect(await page.locator('[data-mark=pause]').count()).toBe(1);
  });

  it('updates the runs list and an open run as the log grows', async () => {
    const file = join(session.dir, 'live.jsonl');
    copyFileSync(DEMO, file);
    const page = await open(file);
    const rows = page.locator('tr[data-run-id]');
    await expect.poll(() => rows.count()).toBe(6);
    await expect.poll(() => page.textContent('[data-testid=live]')).toContain('live');

    const now = Date.now();
    const write = (type: string, turn: number, extra: Record<string, unknown> = {}) =>
      appendFileSync(
        file,
        `${JSON.stringify({ ts: now + turn * 10, type, runId: 'run_live', turn, ...extra })}\n`,
      );
    write('run:start', 0, { agent: 'live-bot', input: 'Are you there?' });
    write('turn:start', 1);
    write('model:start', 1, { model: 'gpt-4o-mini', messages: 1, tools: 0 });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(7);
    expect(await rows.first().getAttribute('data-run-id')).toBe('run_live');
    expect(await rows.first().locator('[data-status]').textContent()).toBe('running');

    await rows.first().locator('[data-col=agent] a').click();
    await page.waitForSelector('[data-testid=run-view][data-run-id=run_live]');
    expect(await page.locator('.bar[data-kind=model].running').count()).toBe(1);
    const usage = {
      promptTokens: 12,
      completionTokens: 3,
      totalTokens: 15,
      cachedTokens: 0,
      reasoningTokens: 0,
      cost: 0.0000036,
    };
    write('model:end', 2, { turn: 1, finishReason: 'stop', usage, durationMs: 20, text: 'Yes.' });
    write('turn:end', 3, { turn: 1, finishReason: 'stop', toolCalls: 0 });
    write('run:end', 4, {
      turn: 1,
      status: 'completed',
      result: {
        status: 'completed',
        interruptions: [],
        output: 'Yes.',
        text: 'Yes.',
        turns: 1,
        usage,
        finishReason: 'stop',
      },
    });
    await expect
      .poll(() => page.textContent('[data-testid=run-view] h1 [data-status]'), { timeout: 10_000 })
      .toBe('completed');
    expect(await page.getAttribute('[data-field=tokens]', 'data-value')).toBe('15');
    expect(await page.textContent('[data-testid=run-answer]')).toContain('Yes.');
  });

  it('shows the readable rest of a log with torn and non-JSON lines, and an empty log', async () => {
    const lines = readFileSync(DEMO, 'utf8').split('\n').filter(Boolean);
    const file = join(session.dir, 'torn.jsonl');
    writeFileSync(
      file,
      [
        ...lines.slice(0, 10),
        '{"ts":1,"type":"tool:e',
        'garbage <html>',
        ...lines.slice(10),
        '{"ts":2,"ty',
      ].join('\n'),
    );
    let page = await open(file);
    await expect.poll(() => page.locator('tr[data-run-id]').count()).toBe(6);
    const problems = page.locator('[data-testid=problems]');
    expect(await problems.locator('summary').textContent()).toMatch(
      /2 lines of the log could not be read/,
    );
    await problems.locator('summary').click();
    expect(await problems.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^torn\.jsonl:11 not JSON/),
      expect.stringMatching(/^torn\.jsonl:12 not JSON .*garbage <html>/),
    ]);
    expect(await page.textContent('[data-testid=log-note]')).toMatch(
      new RegExp(
        `last line of torn\\.jsonl \\(line ${lines.length + 3}, 11 bytes\\) has no end yet`,
      ),
    );
    await session.closeInspector();

    const empty = join(session.dir, 'empty.jsonl');
    writeFileSync(empty, '');
    page = await open(empty);
    expect(await page.textContent('[data-testid=empty-log]')).toMatch(
      /is empty\. Runs appear here as soon as/,
    );
    expect(await page.locator('tr[data-run-id]').count()).toBe(0);
    appendFileSync(empty, `${lines[0]}\n`);
    await expect.poll(() => page.locator('tr[data-run-id]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-testid=empty-log]').count()).toBe(0);
  });

  it('folds the turns of a long run, and a click on a bar opens its turn at the call', async () => {
    const file = join(session.dir, 'long.jsonl');
    // 60 turns: 181 rows, more than a timeline builds at once.
    const TURNS = 60;
    const out: string[] = [];
    let ts = Date.now();
    const push = (event: Record<string, unknown>) =>
      out.push(JSON.stringify({ ts: ts++, runId: 'run_long', ...event }));
    push({ type: 'run:start', turn: 0, agent: 'long-bot' });
    for (let turn = 1; turn <= TURNS; turn++) {
      push({ type: 'model:start', turn, model: 'gpt-4o-mini', messages: turn, tools: 1 });
      push({
        type: 'model:end',
        turn,
        finishReason: 'tool_calls',
        usage: {
          promptTokens: 1,
          completionTokens: 1,
          totalTokens: 2,
          cachedTokens: 0,
          reasoningTokens: 0,
        },
        durationMs: 1,
      });
      push({ type: 'tool:start', turn, toolCallId: `call_${turn}`, name: 'step', args: { turn } });
      push({
        type: 'tool:end',
        turn,
        toolCallId: `call_${turn}`,
        name: 'step',
        outcome: { ok: true, output: `step ${turn} done`, durationMs: 1 },
      });
    }
    writeFileSync(file, `${out.join('\n')}\n`);
    const page = await open(file);
    await page.click('tr[data-run-id=run_long] [data-col=agent] a');
    await page.waitForSelector('[data-testid=turns-folded]');
    // The cost is unknown (no price in the log): never a wrong number.
    expect(await page.textContent('[data-field=cost]')).toBe('—');
    expect(await page.locator('[data-testid=tool-call]').count()).toBe(0);
    expect(await page.getAttribute('.tl-body', 'data-rows')).toBe('181');
    expect(await page.locator('.bar[data-kind=tool]').count()).toBeLessThan(TURNS);
    expect(await page.locator('.bar[data-key=call_60]').count()).toBe(0);
    await page.locator('.tl-body').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.click('.bar[data-key=call_60]');
    await page.waitForSelector('[data-call=call_60].selected');
    expect(await page.textContent('[data-call=call_60] [data-field=result]')).toBe('step 60 done');
    expect(await page.locator('[data-testid=tool-call]').count()).toBe(1);
  });
});
