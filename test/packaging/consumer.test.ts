/**
 * The packages as a consumer gets them: `pnpm pack` each one, install the tarballs into a scratch
 * project outside the workspace (its third-party dependencies linked from the workspace's install,
 * so no network), then load every entry point with plain `node` and type-check a consumer file
 * with `tsc` under `moduleResolution` NodeNext and Bundler.
 *
 * It checks what `pnpm build` produced and builds nothing itself. Without a build (`pnpm test`
 * straight after a clone) it is skipped with a message; with `CI=true` it fails instead, since
 * `.ci/run` builds before it tests.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findPnpm,
  isBundled,
  isCI,
  missingBuildOutputs,
  PACKAGES,
  type PackedPackage,
  pack,
  root,
  workspaceDependency,
} from './packed-packages.js';

const missing = missingBuildOutputs();
const pnpm = findPnpm();
const reason =
  missing.length > 0
    ? `dist/ is missing or older than src/ (${missing.length} files, e.g. ${missing[0]}): run \`pnpm build\` first`
    : pnpm === undefined
      ? 'pnpm was not found (neither npm_execpath nor a pnpm on the PATH)'
      : undefined;

if (reason !== undefined && !isCI) {
  console.warn(`test/packaging/consumer.test.ts skipped: ${reason}`);
}

describe.runIf(reason !== undefined && isCI)('packaging on CI', () => {
  it('has a build and pnpm to check the packed packages with', () => {
    expect.fail(`CI=true, so the packaging test must run, but ${reason}. .ci/run builds first.`);
  });
});

interface Run {
  code: number;
  output: string;
}

/** Runs a command to completion; never rejects, so a failure is reported by the test reading it. */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  const env = { ...process.env };
  // A loader or condition of the test runner must not reach the consumer.
  delete env.NODE_OPTIONS;
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

// Only the first checks the libraries' own .d.ts files too (ours included): that takes seconds.
const TSCONFIGS = {
  NodeNext: { module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: false },
  Bundler: { module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true },
  // A consumer whose own monorepo uses a `source` condition, with the DOM lib of a web app.
  'Bundler with customConditions ["source"] and the DOM lib': {
    module: 'ESNext',
    moduleResolution: 'Bundler',
    customConditions: ['source'],
    lib: ['ES2022', 'DOM'],
    skipLibCheck: true,
  },
} as const;

describe.skipIf(reason !== undefined)(
  `the packed packages in a consumer outside the workspace${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let scratch: string;
    let consumer: string;
    let packed: PackedPackage[];
    const checks = new Map<string, Promise<Run>>();

    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'agentloop-packaging-'));
      const tarballs = join(scratch, 'tarballs');
      consumer = join(scratch, 'consumer');
      mkdirSync(tarballs);
      packed = PACKAGES.map(({ dir }) =>
        pack(pnpm ?? { command: 'pnpm', args: [] }, dir, tarballs),
      );

      // Install: our tarballs extracted, third-party packages linked from the workspace.
      const modules = join(consumer, 'node_modules');
      const thirdParty = new Set(['zod', 'openai', '@types/node']);
      for (const pkg of packed) {
        const target = join(modules, pkg.name);
        mkdirSync(target, { recursive: true });
        execFileSync('tar', ['-xzf', pkg.tarball, '-C', target, '--strip-components=1']);
        const { dependencies = {}, peerDependencies = {} } = pkg.manifest;
        for (const name of [...Object.keys(dependencies), ...Object.keys(peerDependencies)]) {
          if (!name.startsWith('@agentloop/')) thirdParty.add(name);
        }
      }
      for (const name of thirdParty) {
        mkdirSync(dirname(join(modules, name)), { recursive: true });
        symlinkSync(workspaceDependency(name), join(modules, name), 'dir');
      }
      writeFileSync(
        join(consumer, 'package.json'),
        JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
      );
      cpSync(join(root, 'test/packaging/consumer'), consumer, { recursive: true });

      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      for (const [label, options] of Object.entries(TSCONFIGS)) {
        const file = `tsconfig.${checks.size}.json`;
        const compilerOptions = {
          target: 'ES2022',
          lib: ['ES2022'],
          types: ['node'],
          strict: true,
          noEmit: true,
          ...options,
        };
        writeFileSync(join(consumer, file), JSON.stringify({ compilerOptions, files: ['app.ts'] }));
        checks.set(label, run(process.execPath, [tsc, '-p', file, '--listFiles'], consumer));
      }
      // Packing the packages takes seconds, and longer on a busy machine.
    }, 180_000);

    afterAll(async () => {
      await Promise.all(checks.values());
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }, 180_000);

    it('ships dist (declarations of every source, JavaScript with its source map), src for the maps, README, LICENSE and nothing else', () => {
      for (const { name, files, manifest } of packed) {
        expect(files, name).toContain('package.json');
        expect(files, name).toContain('README.md');
        expect(files, name).toContain('LICENSE');
        const entries = Object.values(manifest.exports).flatMap((t) => Object.values(t));
        for (const target of entries) {
          expect(files, `${name}: ${target}`).toContain(target.replace(/^\.\//, ''));
        }
        const js = files.filter((f) => /^dist\/.*\.js$/.test(f));
        const sources = files.filter((f) => /^src\/.*\.ts$/.test(f));
        // Protocol, the smallest package, has four source files.
        expect(sources.length, name).toBeGreaterThan(3);
        for (const source of sources) {
          expect(files, name).toContain(
            source.replace(/^src\//, 'dist/').replace(/\.ts$/, '.d.ts'),
          );
        }
        if (isBundled(manifest)) {
          // One file per entry point, and the chunks the entries share.
          for (const file of js) {
            expect(
              entries.includes(`./${file}`) || file.startsWith('dist/chunks/'),
              `${name}: ${file}`,
            ).toBe(true);
          }
        } else {
          // Every source file compiled.
          expect(js.length, name).toBe(sources.length);
          for (const file of js) {
            expect(files, name).toContain(file.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'));
          }
        }
        for (const file of js) expect(files, name).toContain(`${file}.map`);
        const other = files.filter(
          (f) => !/^(dist|src)\//.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f),
        );
        expect(other, name).toEqual([]);
        expect(files.filter((f) => /\.test(-d)?\.ts$|tsbuildinfo|node_modules/.test(f))).toEqual(
          [],
        );
      }
    });

    it('publishes exports without the source condition, and workspace:* rewritten to versions', () => {
      const versions = new Map(packed.map((p) => [p.name, p.manifest.version]));
      for (const { name, manifest } of packed) {
        expect(JSON.stringify(manifest), name).not.toContain('workspace:');
        expect(manifest.publishConfig, name).toBeUndefined();
        for (const [entry, target] of Object.entries(manifest.exports)) {
          expect(Object.keys(target), `${name} ${entry}`).toEqual(['types', 'default']);
        }
        for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
          if (versions.has(dep)) expect(range, `${name} → ${dep}`).toBe(versions.get(dep));
        }
      }
      const dependencies = (name: string) =>
        packed.find((p) => p.name === name)?.manifest.dependencies;
      const protocol = { '@agentloop/protocol': versions.get('@agentloop/protocol') };
      expect(versions.get('@agentloop/protocol')).toMatch(/^\d+\.\d+\.\d+/);
      expect(dependencies('@agentloop/core')).toMatchObject({
        '@agentloop/tools': versions.get('@agentloop/tools'),
        ...protocol,
      });
      expect(dependencies('@agentloop/tools')).toMatchObject(protocol);
      expect(dependencies('@agentloop/memory')).toMatchObject(protocol);
      expect(dependencies('@agentloop/protocol')).toBeUndefined();
    });

    for (const conditions of [[], ['--conditions=source']]) {
      it(`plain node ${conditions.join(' ')} loads every entry point from dist and runs an agent`, async () => {
        const { code, output } = await run(process.execPath, [...conditions, 'app.mjs'], consumer);
        expect(output, output).not.toMatch(/Error|Warning/);
        expect(code, output).toBe(0);
        const result = JSON.parse(output) as Record<string, unknown>;
        expect(result).toMatchObject({
          text: 'The sum is 5 and the root is 4.',
          outputs: ['5', '{"expression":"sqrt(16)","result":4}'],
          stored: 5,
          strict: true,
          marker: true,
          oneBase: true,
          claimFiles: ['run_consumer.claim'],
          mcp: 'invalid_config',
          jsonSchema: true,
          traced: 'Traced.',
          semconv: '1.41.0',
        });
        expect(result.tokens).toBeGreaterThan(20);
        expect(result.from).toMatch(/\/consumer\/node_modules\/@agentloop\/core\/dist\/index\.js$/);
      });
    }

    for (const label of Object.keys(TSCONFIGS)) {
      it(`tsc (${label}) type-checks a consumer against dist/*.d.ts, args inferred`, async () => {
        const { code, output } = (await checks.get(label)) ?? { code: -1, output: 'not run' };
        const errors = output.split('\n').filter((line) => /error TS/.test(line));
        expect(errors).toEqual([]);
        expect(code, output).toBe(0);
        const ours = output
          .split('\n')
          .filter((line) => line.includes('/node_modules/@agentloop/'));
        expect(ours.some((f) => f.endsWith('/core/dist/index.d.ts'))).toBe(true);
        expect(ours.some((f) => f.endsWith('/tools/dist/builtin/index.d.ts'))).toBe(true);
        expect(ours.some((f) => f.endsWith('/otel/dist/index.d.ts'))).toBe(true);
        expect(ours.filter((f) => !f.endsWith('.d.ts'))).toEqual([]);
      }, 120_000);
    }
  },
);
