/**
 * The page's script and stylesheet: built into `dist/page` by the package build (so the
 * published package needs no bundler), or, when the server runs on the sources in the
 * repository (tests, `pnpm inspect`), bundled in memory by the same build script.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';

/** The page's files. */
export interface PageAssets {
  js: string;
  css: string;
}

let assets: Promise<PageAssets> | undefined;

/** The page's script and stylesheet, loaded (or bundled) once per process. */
export function loadPageAssets(): Promise<PageAssets> {
  assets ??= load().catch((error: unknown) => {
    assets = undefined;
    throw error;
  });
  return assets;
}

async function load(): Promise<PageAssets> {
  // Built: this file is dist/server/page-assets.js and the page is in dist/page.
  const built = new URL('../page/', import.meta.url);
  try {
    const [js, css] = await Promise.all([
      readFile(new URL('app.js', built), 'utf8'),
      readFile(new URL('app.css', built), 'utf8'),
    ]);
    return { js, css };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // On the sources (src/server/page-assets.ts): the package's build script, which needs esbuild.
  const script = new URL('../../scripts/build-page.mjs', import.meta.url).href;
  const { bundlePage } = (await import(script)) as {
    bundlePage(options: { write: boolean }): Promise<PageAssets>;
  };
  return bundlePage({ write: false });
}
