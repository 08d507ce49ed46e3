/**
 * `@agentloop/inspector` as it is published: its manifest (without a build), then, after
 * `pnpm build`, its packed tarball: the `agentloop-inspect` command and the page bundled into
 * dist/ (so a consumer needs neither esbuild nor Preact), run from outside the workspace.
 * Without a build it is skipped with a message; with `CI=true` it fails instead.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findPnpm,
  isCI,
  listFiles,
  type PackedPackage,
  pack,
  readManifest,
  root,
} from './packed-packages.js';

const manifest = readManifest('inspector') as ReturnType<typeof readManifest> & {
  bin?: Record<string, string>;
};

/** What is missing for the inspector's build to be complete. */
function missingBuild(): string[] {
  const pkg = join(root, 'packages', 'inspector');
  const dist = new Set(listFiles(join(pkg, 'dist')));
  const missing = listFiles(join(pkg, 'src'))
    .filter((file) => file.endsWith('.ts') && !file.startsWith('page/'))
    .flatMap((file) => [file.replace(/\.ts$/, '.js'), file.replace(/\.ts$/, '.d.ts')])
    .filter((file) => !dist.has(file));
  for (const file of ['page/app.js', 'page/app.css']) if (!dist.has(file)) missing.push(file);
  return missing.map((file) => `packages/inspector/dist/${file}`);
}

describe('packages/inspector (@agentloop/inspector) manifest', () => {
  it('is ESM only, free of side effects, for Node 20 and later, with a license', () => {
    expect(manifest).toMatchObject({
      name: '@agentloop/inspector',
      type: 'module',
      sideEffects: false,
      engines: { node: '>=20.16' },
      license: 'MIT',
    });
  });

  it('publishes its entry without the source condition, and the command as a bin', () => {
    const { source, ...rest } = manifest.exports['.'] ?? {};
    expect(source).toBe('./src/index.ts');
    expect(manifest.publishConfig?.exports).toEqual({ '.': rest });
    expect(manifest.files).toEqual(['bin', 'dist', 'src']);
    const bin = manifest.bin?.['agentloop-inspect'] ?? '';
    const text = readFileSync(join(root, 'packages', 'inspector', bin), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).toContain("import '../dist/bin.js';");
  });

  it('depends on core only; the page libraries are bundled at build time, not installed', () => {
    expect(manifest.dependencies).toEqual({ '@agentloop/core': 'workspace:*' });
    expect(Object.keys(manifest.devDependencies ?? {}).sort()).toEqual(['esbuild', 'preact']);
  });
});

const missing = missingBuild();
const pnpm = findPnpm();
const reason =
  missing.length > 0
    ? `the inspector's dist/ is incomplete (${missing[0]}): run \`pnpm build\` first`
    : pnpm === undefined
      ? 'pnpm was not found'
      : undefined;
if (reason !== undefined && !isCI)
  console.warn(`test/packaging/inspector.test.ts skipped: ${reason}`);

describe.runIf(reason !== undefined && isCI)('the packed inspector on CI', () => {
  it('has a build to check', () => {
    expect.fail(`CI=true, so the packed inspector must be checked, but ${reason}.`);
  });
});

describe.skipIf(reason !== undefined)('the packed inspector, outside the workspace', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'agentloop-inspector-pack-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let packed: PackedPackage | undefined;
  const packedOnce = (): PackedPackage => {
    packed ??= pack(pnpm ?? { command: 'pnpm', args: [] }, 'inspector', scratch);
    return packed;
  };

  it('ships the command, dist with the bundled page, src, README and LICENSE, and nothing else', () => {
    const { files, manifest: published } = packedOnce();
    for (const file of [
      'bin/agentloop-inspect.js',
      'dist/bin.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/page/app.js',
      'dist/page/app.css',
      'README.md',
      'LICENSE',
    ]) {
      expect(files, file).toContain(file);
    }
    expect(
      files.filter((f) => !/^(bin|dist|src)\/|^(package\.json|README\.md|LICENSE)$/.test(f)),
    ).toEqual([]);
    expect(published.exports['.']).toEqual({
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
    expect(published.dependencies?.['@agentloop/core']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs agentloop-inspect from the tarball, serving the page from dist', async () => {
    const { tarball } = packedOnce();
    const target = join(scratch, 'consumer', 'node_modules', '@agentloop', 'inspector');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
    // Its one dependency, as the workspace built it (core finds its own dependencies there).
    symlinkSync(
      join(root, 'packages', 'core'),
      join(scratch, 'consumer', 'node_modules', '@agentloop', 'core'),
      'dir',
    );
    const log = join(scratch, 'runs.jsonl');
    writeFileSync(
      log,
      `${JSON.stringify({ ts: 1, type: 'run:start', runId: 'r1', turn: 0, agent: 'packed' })}\n`,
    );
    const bin = join(target, 'bin', 'agentloop-inspect.js');
    const env = { ...process.env };
    delete env.NODE_OPTIONS;

    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env });
    expect(help).toMatch(/^Usage: agentloop-inspect <file\|dir> \[--port N\]/);

    const child = spawn(process.execPath, [bin, log, '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /agentloop inspector: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => reject(new Error(chunk.toString())));
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const script = await fetch(`${url}app.js`);
      expect(script.status).toBe(200);
      expect(await script.text()).toBe(
        readFileSync(join(target, 'dist', 'page', 'app.js'), 'utf8'),
      );
      const runs = (await (await fetch(`${url}api/runs`)).json()) as {
        runs: Array<{ agent: string }>;
      };
      expect(runs.runs.map((r) => r.agent)).toEqual(['packed']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(existsSync(join(target, 'scripts'))).toBe(false);
  });
});
