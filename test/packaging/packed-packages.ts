/**
 * Helpers for the packaging tests: the published packages, whether `pnpm build` has run, how to
 * call pnpm, and packing a package into a tarball and reading it back.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A conditional export target as the packages write it. */
export type ExportTarget = Record<string, string>;

/** The fields of a package manifest these tests read. */
export interface Manifest {
  name: string;
  version: string;
  type?: string;
  sideEffects?: boolean;
  license?: string;
  engines?: Record<string, string>;
  files?: string[];
  exports: Record<string, ExportTarget>;
  publishConfig?: { exports?: Record<string, ExportTarget> };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  scripts?: Record<string, string>;
}

/** The published packages: folder under `packages/` and name. */
export const PACKAGES = [
  { dir: 'protocol', name: '@agentloop/protocol' },
  { dir: 'tools', name: '@agentloop/tools' },
  { dir: 'memory', name: '@agentloop/memory' },
  { dir: 'core', name: '@agentloop/core' },
  { dir: 'mcp', name: '@agentloop/mcp' },
  { dir: 'otel', name: '@agentloop/otel' },
  { dir: 'redis', name: '@agentloop/redis' },
] as const;

/** Reads `packages/<dir>/package.json`. */
export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every file under `dir`, relative to it, with `/` separators. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(join(dir, file)).isFile())
    .map((file) => file.split(sep).join('/'));
}

/**
 * Whether a package's build bundles its JavaScript (`scripts/bundle-package.mjs`: one file per
 * entry point and the chunks they share) rather than compiling it file by file with tsc.
 */
export function isBundled(manifest: Manifest): boolean {
  return /bundle-package\.mjs/.test(manifest.scripts?.build ?? '');
}

/**
 * What is missing for the built packages to be complete: every `.ts` file of `src/` must have
 * its `.d.ts` in `dist/` (and its `.js`, in a package compiled file by file), and every entry
 * point its JavaScript, so a build older than the sources is caught too.
 * Returns an empty list when `pnpm build` has run on the current sources.
 */
export function missingBuildOutputs(): string[] {
  const missing: string[] = [];
  for (const { dir } of PACKAGES) {
    const pkg = join('packages', dir);
    const manifest = readManifest(dir);
    const dist = new Set(listFiles(join(root, pkg, 'dist')));
    const expected = Object.values(manifest.exports).flatMap((target) =>
      target.default === undefined ? [] : [target.default.replace(/^\.\/dist\//, '')],
    );
    for (const file of listFiles(join(root, pkg, 'src'))) {
      if (!file.endsWith('.ts')) continue;
      expected.push(file.replace(/\.ts$/, '.d.ts'));
      if (!isBundled(manifest)) expected.push(file.replace(/\.ts$/, '.js'));
    }
    for (const out of new Set(expected)) {
      if (!dist.has(out)) missing.push(`${pkg}/dist/${out}`);
    }
  }
  return missing;
}

/** True when the environment says this is CI (`CI=true`, as GitHub Actions and most CIs set). */
export const isCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

/**
 * How to run pnpm: the pnpm running this test (`npm_execpath`, set by `pnpm test`), else a
 * `pnpm` on the PATH. Undefined when there is none.
 */
export function findPnpm(): { command: string; args: string[] } | undefined {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm\.[cm]?js$/.test(basename(execPath))) {
    return { command: process.execPath, args: [execPath] };
  }
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && /^\d+\./.test(probe.stdout.trim()))
    return { command: 'pnpm', args: [] };
  return undefined;
}

/** A packed package: its tarball, the files in it (without `package/`) and its manifest. */
export interface PackedPackage {
  name: string;
  tarball: string;
  files: string[];
  manifest: Manifest;
}

/** Packs `packages/<dir>` with `pnpm pack` into `destination` and reads the tarball back. */
export function pack(
  pnpm: { command: string; args: string[] },
  dir: string,
  destination: string,
): PackedPackage {
  const cwd = join(root, 'packages', dir);
  const before = new Set(readdirSync(destination));
  execFileSync(pnpm.command, [...pnpm.args, 'pack', '--pack-destination', destination], {
    cwd,
    stdio: 'pipe',
  });
  const created = readdirSync(destination).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (created.length !== 1) {
    throw new Error(`expected pnpm pack in ${cwd} to write one .tgz, got ${created.join(', ')}`);
  }
  const tarball = join(destination, created[0] ?? '');
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  ) as Manifest;
  return { name: manifest.name, tarball, files, manifest };
}

/**
 * Where the workspace's install put a dependency: `packages/<dir>/node_modules/<name>` or the
 * root's `node_modules/<name>`. Used to give the scratch consumer the same third-party packages
 * without the network.
 */
export function workspaceDependency(name: string): string {
  for (const { dir } of PACKAGES) {
    const candidate = join(root, 'packages', dir, 'node_modules', name);
    if (existsSync(candidate)) return candidate;
  }
  const candidate = join(root, 'node_modules', name);
  if (existsSync(candidate)) return candidate;
  throw new Error(`${name} is not installed in the workspace; run pnpm install`);
}
