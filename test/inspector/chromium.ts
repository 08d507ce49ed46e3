/**
 * Debian's Chromium driven by `playwright-core`, for the inspector's browser tests and its
 * benchmark: headless, a fresh profile each time, and no request leaving 127.0.0.1 (any other is
 * aborted and recorded, so a test can assert there was none).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser (`.ci/run` installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or `undefined` when they can. */
export const chromiumMissing = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does)`;

/** A browser with one page, and the requests it tried to send elsewhere than 127.0.0.1. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** URLs the page tried to reach outside 127.0.0.1 (aborted). */
  blocked: string[];
  /** Errors thrown in the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile and opens a page.
 *
 * @param viewport - the page size. @default 1280 × 900
 */
export async function launchChromium(
  viewport = { width: 1280, height: 900 },
): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'agentloop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('http://127.0.0.1:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    blocked,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
