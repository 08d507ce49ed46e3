#!/usr/bin/env node
/**
 * Writes a package's JavaScript as one bundle per entry point, run in the package's folder after
 * tsc has written the declarations (`dist/**\/*.d.ts`, one per source file, with their maps):
 *
 *   "build": "tsc -p tsconfig.build.json && node ../../scripts/bundle-package.mjs"
 *
 * Why: Node loads an ES module file by file (resolve, read, compile, link each one), and a
 * program that imports core, tools and memory compiled file by file loaded about 150 of ours;
 * that cost more than the code in them. Here each entry of the package's `exports` (its `source`
 * condition names the file) becomes the `default` file of that entry, and what two entries share
 * goes into one chunk under `dist/chunks/` that both import, so a class stays one class whichever
 * entry a program imports it through. Every package import stays an import (other @agentloop
 * packages, openai, zod, ...): nothing of another package is copied in. Source maps point into
 * `src/`, which the package ships.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const folder = process.cwd();
const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));

// Each entry is bundled from its source to the file its `default` condition names.
const entryPoints = Object.entries(manifest.exports).map(([entry, target]) => {
  if (!target.source?.startsWith('./src/') || !target.default?.startsWith('./dist/')) {
    throw new Error(
      `${manifest.name}: export "${entry}" needs a ./src source and a ./dist default`,
    );
  }
  return { in: target.source, out: target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '') };
});

// JavaScript from an earlier build (tsc compiled file by file before) would ship unused.
const dist = join(folder, 'dist');
for (const file of existsSync(dist)
  ? readdirSync(dist, { recursive: true, encoding: 'utf8' })
  : []) {
  if (/\.js(\.map)?$/.test(file)) rmSync(join(dist, file));
}

await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  packages: 'external',
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  sourcesContent: false,
  // Not `keepNames`: it wraps every function the code creates in a call that redefines its
  // `name` (about 0.5 us each, some 80 a ten-turn run, closures made per call included). What
  // it would keep: helpers two modules both name (`describe2`; the source maps name them right)
  // and a class that refers to itself in its body (`class _X`), which the check below refuses.
  keepNames: false,
  logLevel: 'warning',
});

// Every class keeps its name: errors show it (`this.name = new.target.name`). esbuild names a
// class that refers to itself in its body `_X` (`var X = class _X {`); refer to it from outside
// the class instead (a function beside it).
for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.js')) continue;
  const renamed = /\bclass (_[A-Za-z]\w*)/.exec(readFileSync(join(dist, file), 'utf8'));
  if (renamed) {
    throw new Error(
      `${manifest.name}: dist/${file} names a class ${renamed[1]}: the class refers to itself in its body, so the bundle renamed it; refer to it from a function outside the class instead`,
    );
  }
}
