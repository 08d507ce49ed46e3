#!/usr/bin/env node
/**
 * Builds installable tarballs of every published package, with the `workspace:*` dependencies
 * between them rewritten to their versions (pnpm pack does that), so that installing them
 * together with npm into any project works without a registry that holds @agentloop/*.
 *
 *   npx -y pnpm@10 pack:all                 # build, then write packed/*.tgz
 *   node scripts/pack-packages.mjs --out DIR --skip-build
 *
 * It prints the npm command that installs the tarballs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const usage = `Usage: node scripts/pack-packages.mjs [--out <folder>] [--skip-build]

Builds the packages (unless --skip-build) and packs each one into <folder> (default: packed/).
`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      out: { type: 'string', default: 'packed' },
      'skip-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  process.stderr.write(`error: ${error.message}\n\n${usage}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

/** pnpm as the running `pnpm run` started it, else pnpm 10 through npx (a fresh machine has no pnpm). */
function pnpm(args, cwd) {
  const execPath = process.env.npm_execpath;
  const [command, prefix] =
    execPath && /pnpm\.[cm]?js$/.test(basename(execPath))
      ? [process.execPath, [execPath]]
      : ['npx', ['-y', 'pnpm@10']];
  execFileSync(command, [...prefix, ...args], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

const out = resolve(root, values.out);
mkdirSync(out, { recursive: true });
for (const file of readdirSync(out)) if (file.endsWith('.tgz')) rmSync(join(out, file));

if (!values['skip-build']) pnpm(['build'], root);

const tarballs = [];
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const folder = join(root, 'packages', dir);
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  if (manifest.private) continue;
  const before = new Set(readdirSync(out));
  pnpm(['pack', '--pack-destination', out], folder);
  const created = readdirSync(out).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (created.length !== 1) {
    process.stderr.write(`error: pnpm pack in ${folder} wrote ${created.length} tarballs, not 1\n`);
    process.exit(1);
  }
  tarballs.push(join(out, created[0]));
  process.stdout.write(
    `${manifest.name}@${manifest.version}  ${relative(root, tarballs.at(-1))}\n`,
  );
}

process.stdout.write(
  `\nInstall them together (and zod, for your tools' schemas) from your project's folder:\n  npm install ${tarballs.join(' ')} zod\n`,
);
