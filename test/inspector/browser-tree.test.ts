/**
 * Agents that call agents on the inspector page, in a real browser (Debian's Chromium through
 * playwright-core), from logs of real runs recorded with `runLog`: a handoff's marker and row,
 * the active agent of each turn after it; a child run under the tool call that started it,
 * opened to its own tool call and tokens; the runs list showing the root with its children.
 *
 * Without /usr/bin/chromium it is skipped with a message (browser.test.ts fails on CI instead).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Inspector, runLog, startInspector } from '@agentloop/inspector';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../packages/inspector/src/model/logged-event.js';
import { chromiumMissing, launchChromium, type TestBrowser } from './chromium.js';
import { recordHandoffRun } from './record-tree-runs.js';

const readEvents = (file: string): LoggedEvent[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LoggedEvent);

describe.skipIf(chromiumMissing !== undefined)('agents that call agents, in Chromium', () => {
  let browser: TestBrowser;
  let dir: string;
  let inspector: Inspector | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentloop-browser-tree-'));
    browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    expect(browser.pageErrors).toEqual([]);
    expect(browser.blocked).toEqual([]);
    await inspector?.close();
    inspector = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string) {
    inspector = await startInspector({ path, port: 0, pollMs: 50 });
    const { page } = browser;
    await page.goto(inspector.url);
    await page.waitForSelector('[data-testid=runs]');
    return page;
  }

  it('shows a handoff as a mark and a row in its turn, and the agent of each turn after it', async () => {
    const file = join(dir, 'handoff.jsonl');
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
});
