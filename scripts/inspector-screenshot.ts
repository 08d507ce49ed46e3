/**
 * Renders the inspector's run view to a PNG for the README: `docs/inspector-run-view.png`.
 *
 *   node --conditions=source --import tsx scripts/inspector-screenshot.ts <log> [runId] [out.png]
 *
 * The README's: `... scripts/inspector-screenshot.ts test/fixtures/inspector/demo-runs.jsonl`, from
 * the repository's root (the page shows the path as given).
 *
 * Without a run id it shows the run with the most tool calls. Needs /usr/bin/chromium.
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
const runs = inspector.source.index.runs();
const runId = wanted || [...runs].sort((a, b) => b.toolCalls - a.toolCalls)[0]?.runId;
const browser = await launchChromium({ width: 1200, height: 1400 });
try {
  const { page } = browser;
  await page.goto(`${inspector.url}#/run/${encodeURIComponent(runId ?? '')}`);
  await page.waitForSelector('[data-testid=run-view] .bar');
  // Down to the end of the first tool call: the figures, the timeline, the answer, one of each call.
  const height = await page.evaluate(() => {
    const call = globalThis.document.querySelector('[data-testid=tool-call]');
    return Math.ceil((call?.getBoundingClientRect().bottom ?? 900) + 12);
  });
  await page.screenshot({
    path: out,
    clip: { x: 0, y: 0, width: 1200, height: Math.min(height, 1400) },
  });
  process.stdout.write(`${out}: run ${runId}\n`);
} finally {
  await browser.close();
  await inspector.close();
}
