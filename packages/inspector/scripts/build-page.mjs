#!/usr/bin/env node
/**
 * Bundles the inspector's page (src/page, Preact) into dist/page/app.js and app.css: one
 * minified script and one stylesheet, with nothing fetched at run time, so the page works
 * offline and the published package needs neither esbuild nor Preact installed.
 *
 *   node scripts/build-page.mjs          # what `pnpm build` runs after tsc
 *
 * `bundlePage({ write: false })` is what the server uses when it runs on the sources (tests,
 * `pnpm inspect` in the repository) and there is no build.
 */
import { fileURLToPath } from 'node:url';

const here = new URL('..', import.meta.url);

/**
 * Bundles the page.
 * @param {{ write?: boolean }} [options] - write to dist/page (default) or return the files.
 * @returns {Promise<{ js: string, css: string }>}
 */
export async function bundlePage({ write = true } = {}) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('src/page/main.tsx', here))],
    outdir: fileURLToPath(new URL('dist/page', here)),
    entryNames: 'app',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'eof',
    conditions: ['source'],
    write,
    logLevel: 'warning',
  });
  const text = (ext) => result.outputFiles?.find((file) => file.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundlePage();
}
