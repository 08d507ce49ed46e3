/**
 * Renders the inspector's run view to a PNG for the README: `docs/inspector-run-view.png`.
 *
 *   node --conditions=source --import tsx scripts/inspector-screenshot.ts <log> [runId] [out.png]
 *
 * The README's: `... scripts/inspector-screenshot.ts test/fixtures/inspector/demo-runs.jsonl`, from
 * the repository's root (the page shows the path as given).
 *
 * Without a run id it shows the run with the most tool calls. A run that called agents as tools
 * is shown with its first child run opened, two levels deep, down to the end of that child
 * (`docs/inspector-tree-view.png`: `... scripts/inspector-screenshot.ts
 * test/fixtures/inspector/tree-runs.jsonl '' docs/inspector-tree-view.png`). Needs /usr/bin/chromium.
 *
 * @module
 */
import { join } from 'node:path';
import { startInspector } from '@agentloop/inspector';
import { launchChromium } from '../test/inspector/chromium.js';

const [log, wanted, out = join(import.meta.dirname, '..', 'docs', 'inspector-run-view.png')] =
  process.argv.slice(2);
if (!log) {
  process.stderr.write('usage: scripts/inspector-screenshot.ts <log> [runId] [out.png]\n');
  process.exit(2);
}
const inspector = await startInspector({ path: log, port: 0 });
const runs = inspector.source.index.rootRuns();
const runId = wanted || [...runs].sort((a, b) => b.toolCalls - a.toolCalls)[0]?.runId;
const browser = await launchChromium({ width: 1200, height: 2400 });
try {
  const { page } = browser;
  await page.goto(`${inspector.url}#/run/${encodeURIComponent(runId ?? '')}`);
  await page.waitForSelector('[data-testid=run-view] .bar');
  // A tree: its first child opened, and that child's first child.
  const child = page.locator('[data-testid=child-run]').first();
  if ((await child.count()) > 0) {
    await child.locator('[data-testid=child-toggle]').first().click();
    const grandchild = child.locator('[data-testid=child-run]').first();
    if ((await grandchild.count()) > 0) {
      await grandchild.locator('[data-testid=child-toggle]').first().click();
    }
  }
  // Down to the end of the first tool call (with its child run, when open): the figures, the
  // timeline, the answer, one of each call.
  const height = await page.evaluate(() => {
    const call = globalThis.document.querySelector('[data-testid=tool-call]');
    return Math.ceil((call?.getBoundingClientRect().bottom ?? 900) + 12);
  });
  await page.screenshot({
    path: out,
    clip: { x: 0, y: 0, width: 1200, height: Math.min(height, 2400) },
  });
  process.stdout.write(`${out}: run ${runId}\n`);
} finally {
  await browser.close();
  await inspector.close();
}
