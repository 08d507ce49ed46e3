/**
 * The README's "Install in your project", done as a user does it: `pack:all` writes the
 * tarballs, npm installs them together into a fresh project outside the workspace, and the
 * README's own `agent.mjs`, `tsconfig.json` and `agent.ts` (read from the README, so the README
 * cannot drift) run there: plain ESM with node, and TypeScript compiled by tsc with NodeNext.
 *
 * It uses the build `pnpm build` made (the README's `pack:all` builds first; here `.ci/run` has
 * built already, and building again would race the other packaging test). npm reaches the
 * registry for zod, openai, typescript and the packages' own dependencies.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCI, missingBuildOutputs, root } from './packed-packages.js';

const missing = missingBuildOutputs();
const reason =
  missing.length > 0
    ? `dist/ is missing or older than src/ (e.g. ${missing[0]}): run \`npx -y pnpm@10 build\` first`
    : undefined;
if (reason !== undefined && !isCI)
  console.warn(`test/packaging/install.test.ts skipped: ${reason}`);

describe.runIf(reason !== undefined && isCI)('installing on CI', () => {
  it('has a build to pack', () => {
    expect.fail(`CI=true, so the install test must run, but ${reason}.`);
  });
});

/** A code block of the README whose first line is the given comment, or the block after a phrase. */
function readmeBlock(readme: string, opening: RegExp): string {
  for (const match of readme.matchAll(/```\w*\n([\s\S]*?)```/g)) {
    const body = match[1] ?? '';
    if (opening.test(body)) return body;
  }
  throw new Error(`README.md has no code block matching ${opening}`);
}

interface Run {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the test runner's loaders must not reach the user's project
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 }, (error, out, err) => {
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        output: `${out}${err}`,
      });
    });
  });
}

describe.skipIf(reason !== undefined)("the README's Install in your project", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  let scratch: string;
  let app: string;
  let install: Run;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'agentloop-install-'));
    app = join(scratch, 'my-app');
    mkdirSync(app);
    const packed = join(scratch, 'packed');
    const pack = await run(
      process.execPath,
      [join(root, 'scripts/pack-packages.mjs'), '--skip-build', '--out', packed],
      root,
    );
    expect(pack.code, pack.output).toBe(0);
    expect(pack.output).toMatch(/npm install .*agentloop-core-.*\.tgz/);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'my-app', private: true, type: 'module' }),
    );
    const tarballs = readdirSync(packed).map((file) => join(packed, file));
    // core, tools, memory, protocol, mcp, otel, redis and the inspector.
    expect(tarballs).toHaveLength(8);
    install = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, 'zod'],
      app,
    );
    expect(install.code, install.output).toBe(0);
  }, 300_000);

  // The scratch project holds every package's dependencies (BullMQ's among them): removing it
  // takes more than the default 10 s on a busy machine.
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('installs the eight tarballs together with npm, openai coming as their peer', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@agentloop/core',
      '@agentloop/inspector',
      '@agentloop/mcp',
      '@agentloop/memory',
      '@agentloop/otel',
      '@agentloop/protocol',
      '@agentloop/redis',
      '@agentloop/tools',
      'zod',
    ]);
    const openai = JSON.parse(
      readFileSync(join(app, 'node_modules/openai/package.json'), 'utf8'),
    ) as { version: string };
    expect(openai.version).toMatch(/^6\./);
  });

  it('gives the inspector command, as the README says: npx agentloop-inspect', async () => {
    const { code, output } = await run(
      join(app, 'node_modules', '.bin', 'agentloop-inspect'),
      ['--help'],
      app,
    );
    expect(code, output).toBe(0);
    expect(output).toMatch(/^Usage: agentloop-inspect <file\|dir> \[--port N\]/);
  });

  it("runs the README's agent.mjs with plain node", async () => {
    writeFileSync(join(app, 'agent.mjs'), readmeBlock(readme, /^\/\/ agent\.mjs/));
    const { code, output } = await run(process.execPath, ['agent.mjs'], app);
    expect(code, output).toBe(0);
    expect(output.trim()).toBe("It is 5. [ '5' ]");
  });

  it("compiles the README's agent.ts with tsc (NodeNext) and runs it", async () => {
    writeFileSync(join(app, 'tsconfig.json'), readmeBlock(readme, /^\{\s*"compilerOptions"/));
    writeFileSync(join(app, 'agent.ts'), readmeBlock(readme, /^\/\/ agent\.ts/));
    const dev = await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '-D',
        'typescript',
        '@types/node@20',
      ],
      app,
    );
    expect(dev.code, dev.output).toBe(0);
    const tsc = await run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc')], app);
    expect(tsc.code, tsc.output).toBe(0);
    const { code, output } = await run(process.execPath, ['dist/agent.js'], app);
    expect(code, output).toBe(0);
    expect(output.trim()).toBe("It is 5. [ '5' ]");
  }, 240_000);
});
