/**
 * One browser for a file of inspector page tests: Chromium launched before them, an inspector
 * started per test on a log (`open`), and after each test the checks every page test makes (no
 * error thrown in the page, no request outside 127.0.0.1) before the inspector is closed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Inspector, startInspector } from '@agentloop/inspector';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { LoggedEvent } from '../../packages/inspector/src/model/logged-event.js';
import { launchChromium, type TestBrowser } from './chromium.js';

/** The browser, the folder and the inspector of the tests in a `describe`. */
export interface PageSession {
  /** A temporary folder for the test's logs, removed after the file. */
  readonly dir: string;
  /** The running inspector's URL (after `open`). */
  readonly url: string;
  /** Serves `path` with a fresh inspector and returns the page showing its runs list. */
  open(path: string): Promise<Page>;
  /** Closes the running inspector, if any (`open` may start another). */
  closeInspector(): Promise<void>;
}

/**
 * Registers the hooks of a page test file in the current `describe` and returns its session.
 *
 * @param label - names the temporary folder.
 */
export function usePageSession(label: string): PageSession {
  let browser: TestBrowser | undefined;
  let dir = '';
  let inspector: Inspector | undefined;
  const closeInspector = async () => {
    await inspector?.close();
    inspector = undefined;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `agentloop-${label}-`));
    browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    expect(browser?.pageErrors).toEqual([]);
    expect(browser?.blocked).toEqual([]);
    await closeInspector();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get url() {
      return inspector?.url ?? '';
    },
    async open(path) {
      inspector = await startInspector({ path, port: 0, pollMs: 50 });
      const page = (browser as TestBrowser).page;
      await page.goto(inspector.url);
      await page.waitForSelector('[data-testid=runs]');
      return page;
    },
    closeInspector,
  };
}

/** The events of a run log, one per line. */
export const readEvents = (file: string): LoggedEvent[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LoggedEvent);
