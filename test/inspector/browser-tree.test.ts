/**
 * Agents that call agents on the inspector page, in a real browser (Debian's Chromium through
 * playwright-core), from logs of real runs recorded with `runLog`: a handoff's marker and row,
 * the active agent of each turn after it; a child run under the tool call that started it,
 * opened to its own tool call and tokens; the runs list showing the root with its children.
 *
 * Without /usr/bin/chromium it is skipped with a message (browser.test.ts fails on CI instead).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLog } from '@agentloop/inspector';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../packages/inspector/src/model/logged-event.js';
import { formatCount } from '../../packages/inspector/src/page/format.js';
import { chromiumMissing } from './chromium.js';
import { readEvents, usePageSession } from './page-session.js';
import { recordDeepApproval, recordHandoffRun, recordNestedRun } from './record-tree-runs.js';

const tokensOf = (events: LoggedEvent[], runIds: readonly string[]): number =>
  events.reduce(
    (sum, e) =>
      sum + (e.type === 'model:end' && runIds.includes(e.runId) ? e.usage.totalTokens : 0),
    0,
  );

describe.skipIf(chromiumMissing !== undefined)('agents that call agents, in Chromium', () => {
  const session = usePageSession('browser-tree');
  const { open } = session;

  it('shows a handoff as a mark and a row in its turn, and the agent of each turn after it', async () => {
    const file = join(session.dir, 'handoff.jsonl');
    await recordHandoffRun(runLog({ file }));
    const events = readEvents(file);
    const page = await open(file);
    const rows = page.locator('tr[data-run-id]');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.locator('[data-col=agent] a').textContent()).toBe('triage');
    expect(await rows.locator('[data-testid=run-handoff]').textContent()).toContain('weather');

    await rows.locator('[data-col=agent] a').click();
    await page.waitForSelector('[data-testid=run-view]');
    // On the timeline: a mark on the run's row, and a row of its own after turn 1's calls.
    expect(await page.locator('[data-mark=handoff]').count()).toBe(2);
    const labels = await page.locator('.tl-row .tl-label').allTextContents();
    const handoffRow = labels.indexOf('⇄ triage → weather');
    expect(handoffRow).toBeGreaterThan(labels.indexOf('turn 1 · triage'));
    expect(handoffRow).toBeLessThan(labels.indexOf('turn 2 · weather'));
    // Below: the handoff as a row with its turn, and each turn named after its agent.
    const handoff = page.locator('[data-testid=handoff]');
    expect(await handoff.textContent()).toMatch(/triage → weather.*in turn 1/);
    const turnOf = events.find((e) => e.type === 'agent:handoff');
    expect(await handoff.textContent()).toContain(
      turnOf?.type === 'agent:handoff' ? turnOf.toolCallId : '?',
    );
    expect(await page.locator('[data-testid=turn-agent]').allTextContents()).toEqual([
      ' · triage',
      ' · weather',
      ' · weather',
    ]);
    expect(await page.textContent('[data-testid=active-agent]')).toContain('weather');
    const forecast = page.locator('section.turn[data-turn="2"] [data-testid=tool-call]');
    expect(await forecast.locator('[data-field=result]').textContent()).toContain('"sky": "rain"');
  });

  it('lists a root with the runs it called, and opens a child under its call to its tool calls and tokens', async () => {
    const file = join(session.dir, 'tree.jsonl');
    const log = runLog({ file });
    await recordHandoffRun(log);
    await recordNestedRun(log);
    await recordDeepApproval(log, { resume: false });
    const events = readEvents(file);
    const startOf = (agent: string) =>
      events.filter((e) => e.type === 'run:start' && e.agent === agent).map((e) => e.runId);
    const [planner = ''] = startOf('planner');
    const researchers = startOf('researcher');
    // The planner's tree: itself, the two researchers and their geo runs.
    const plannerTree = [planner, ...researchers, ...startOf('geo')];

    const page = await open(file);
    const rows = page.locator('tr[data-run-id]');
    // Three roots: the children are on their root's row, not rows of their own.
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.textContent('[data-testid=run-count]')).toMatch(
      /3 runs \(and 5 they called\)/,
    );
    const row = page.locator(`tr[data-run-id="${planner}"]`);
    expect(await row.locator('[data-testid=child-count]').getAttribute('data-value')).toBe('4');
    expect(await row.locator('[data-testid=child-count]').textContent()).toContain(
      'researcher, geo',
    );
    const tokens = row.locator('[data-col=tokens]');
    expect(Number(await tokens.getAttribute('data-value'))).toBe(tokensOf(events, plannerTree));
    expect(Number(await tokens.getAttribute('data-own'))).toBe(tokensOf(events, [planner]));
    // The filter finds a root by the agents it called.
    await page.fill('[data-testid=filter-text]', 'geo');
    await expect.poll(() => rows.count()).toBe(1);
    await page.fill('[data-testid=filter-text]', '');

    await row.locator('[data-col=agent] a').click();
    await page.waitForSelector(`[data-testid=run-view][data-run-id="${planner}"]`);
    expect(await page.getAttribute('[data-field="tree tokens"]', 'data-value')).toBe(
      String(tokensOf(events, plannerTree)),
    );
    // On the timeline: a closed row per researcher run, under the calls that started them.
    const childRows = page.locator('[data-testid=timeline-child-toggle]');
    expect(await childRows.count()).toBe(2);
    expect(await page.locator('.tl-row[data-depth="1"]').count()).toBe(2);
    // Below: under the first researcher call, its run, closed; a click opens it.
    const oslo = page.locator('[data-call=call_oslo]');
    const child = oslo.locator('[data-testid=child-run]').first();
    const childId = await child.getAttribute('data-run-id');
    expect(childId).toBe(researchers[0]);
    expect(await child.getAttribute('data-status')).toBe('completed');
    expect(await child.locator('[data-testid=tool-call]').count()).toBe(0);
    await child.locator('[data-testid=child-toggle]').first().click();
    const calls = child.locator(':scope > .child-body > .child-turn [data-testid=tool-call]');
    await expect.poll(() => calls.count()).toBe(2);
    const forecast = calls.filter({ hasText: 'forecast' });
    expect(await forecast.getAttribute('data-outcome')).toBe('ok');
    expect(await forecast.locator('[data-field=args]').textContent()).toContain('"city": "Oslo"');
    expect(await forecast.locator('[data-field=result]').textContent()).toContain('"sky": "rain"');
    const own = tokensOf(events, [childId ?? '']);
    const fact = child.locator(':scope > .child-body > .facts [data-field=tokens]');
    expect(await fact.getAttribute('data-value')).toBe(String(own));
    expect(await fact.textContent()).toBe(formatCount(own));
    expect(await child.locator('[data-testid=child-path]').first().textContent()).toBe(
      'planner › researcher',
    );
    // The timeline opened it too: its rows, one level deeper, with its geo run still closed.
    await expect.poll(() => page.locator('.tl-row[data-depth="1"]').count()).toBeGreaterThan(2);
    const childTools = page.locator(`.tl-row[data-row^="${childId}/"] .bar[data-kind=tool]`);
    expect(await childTools.count()).toBe(2);
    expect(
      await page.locator('[data-testid=timeline-child-toggle][aria-expanded=true]').count(),
    ).toBe(1);
    // One level deeper: the geo run under the researcher's geo call, opened to its geocode call.
    const geo = child.locator('[data-testid=child-run][data-agent=geo]');
    await geo.locator('[data-testid=child-toggle]').click();
    const geocode = geo.locator('[data-testid=tool-call]');
    await expect.poll(() => geocode.count()).toBe(1);
    expect(await geocode.locator('[data-field=args]').textContent()).toContain('"place": "Oslo"');
    expect(await geo.locator('[data-testid=child-path]').textContent()).toBe(
      'planner › researcher › geo',
    );
    await expect.poll(() => page.locator('.tl-row[data-depth="2"]').count()).toBeGreaterThan(0);
    // The geo run on its own page: the runs above it link back.
    await geo.locator('.child-body .ids a').first().click();
    await page.waitForSelector('[data-testid=run-view] h1');
    expect(await page.locator('[data-testid=ancestor]').allTextContents()).toEqual([
      'planner',
      'researcher',
    ]);

    // A pause deep in the tree: the call waiting, with its path.
    const [desk = ''] = startOf('desk');
    await page.goto(`${session.url}#/run/${encodeURIComponent(desk)}`);
    await page.waitForSelector('[data-testid=run-interruptions]');
    expect(await page.textContent('[data-testid=interruption-path]')).toContain('desk › refunds');
    const refunds = page.locator('[data-testid=child-run][data-agent=refunds]');
    expect(await refunds.getAttribute('data-status')).toBe('interrupted');
  });

  it('shows child runs as they arrive while the log grows', async () => {
    const source = join(session.dir, 'nested-source.jsonl');
    await recordNestedRun(runLog({ file: source }));
    const lines = readFileSync(source, 'utf8').split('\n').filter(Boolean);
    const events = lines.map((line) => JSON.parse(line) as LoggedEvent);
    const planner = events[0]?.runId ?? '';
    // Up to the first researcher's first model reply: both researchers are running.
    const cut = events.findIndex((e) => e.agent === 'researcher' && e.type === 'model:end');
    const file = join(session.dir, 'growing.jsonl');
    writeFileSync(file, `${lines.slice(0, cut + 1).join('\n')}\n`);
    const page = await open(file);
    await page.goto(`${session.url}#/run/${encodeURIComponent(planner)}`);
    await page.waitForSelector('[data-testid=child-run]');
    const statuses = () =>
      page
        .locator('[data-testid=child-run]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
    expect(await statuses()).toEqual(['running', 'running']);
    expect(await page.locator('[data-testid=run-view] h1 [data-status]').textContent()).toBe(
      'running',
    );
    appendFileSync(file, `${lines.slice(cut + 1).join('\n')}\n`);
    await expect.poll(statuses, { timeout: 10_000 }).toEqual(['completed', 'completed']);
    await expect
      .poll(() => page.textContent('[data-testid=run-view] h1 [data-status]'))
      .toBe('completed');
    const all = [...new Set(events.map((e) => e.runId))];
    expect(await page.getAttribute('[data-field="tree tokens"]', 'data-value')).toBe(
      String(tokensOf(events, all)),
    );
  });
});
