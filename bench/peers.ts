/**
 * agentloop side by side with its peers: the Vercel AI SDK (`ai` + `@ai-sdk/openai`) and the
 * OpenAI Agents SDK (`@openai/agents`), with a hand-written loop on the raw `openai` client as
 * the floor. The same agent in each (`peers-child.mjs`): 5 turns of 3 parallel `lookup` calls,
 * then the answer, on the Chat Completions API of the local test server, which this process
 * runs so the children time only their own side of the wire.
 *
 * - Loops: each of `forks` fresh processes runs every framework, non-streamed and streamed,
 *   interleaved and rotated; ratios to the raw loop are per process, then the median.
 * - Cold start (import plus one run) and import alone: a fresh process per sample, frameworks
 *   rotated, wall time from spawn to exit.
 * - Install: the consumer's `npm install` into an empty project (our packages packed by
 *   `scripts/pack-packages.mjs`), bytes on disk and package count of `node_modules`.
 * - Memory: 1,000 concurrent runs in a fresh process per framework, the server holding each
 *   reply 100 ms; the peak of the heap after a full collection, per run.
 *
 * Usage: `node --import tsx bench/peers.ts [--forks 5] [--runs 100] [--spawns 7] [--no-write]`
 * after `npx -y pnpm@10 build`. Writes its section of `bench/RESULTS.md`. With `--startup
 * [--spawns 7] [--baseline <checkout>]` it runs only the cold-start and import rows (and another
 * built checkout's agentloop beside them) and prints them.
 *
 * @module
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { type RecordedRequest, type Step, startTestServer } from '../test/support/index.js';
import { lastJsonLine, REPO_ROOT, runNode } from './child-process.js';
import { replaceSection } from './crash/crash-report.js';
import { requireBuild } from './require-build.js';
import { median } from './stats.js';

export const PEERS_SECTION_TITLE = 'Side by side with the peers';

const FRAMEWORKS = ['raw', 'ai-sdk', 'openai-agents', 'agentloop'] as const;
type Framework = (typeof FRAMEWORKS)[number];
const LABELS: Record<Framework, string> = {
  raw: 'raw `openai`',
  'ai-sdk': 'AI SDK',
  'openai-agents': 'OpenAI Agents SDK',
  agentloop: 'agentloop',
};
const CHILD = 'bench/peers-child.mjs';

/** Options of {@link runPeersBenchmark}. */
export interface PeersOptions {
  /** Fresh processes timing the loops. @default 5 */
  forks?: number;
  /** Timed runs of each loop per process. @default 100 */
  runs?: number;
  /** Untimed runs of each loop per process first. @default 20 */
  warmup?: number;
  /** Counted spawns per framework for cold start and import (after one uncounted). @default 7 */
  spawns?: number;
  /** Concurrent runs in the memory figure. @default 1000 */
  concurrent?: number;
}

function responder(delayMs: number) {
  return (request: RecordedRequest): Step => {
    const turn = request.body.messages.filter((m) => m.role === 'tool').length / 3;
    if (turn >= 5) return { content: `Looked up ${turn * 3} keys.`, delayMs };
    return {
      delayMs,
      toolCalls: Array.from({ length: 3 }, (_, i) => ({
        name: 'lookup',
        arguments: { key: `t${turn}k${i}` },
      })),
    };
  };
}

async function child<T>(args: string[], what: string, flags: string[] = []): Promise<T> {
  const outcome = await runNode([...flags, CHILD, ...args], {
    timeoutMs: 600_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return lastJsonLine<T>(outcome, what);
}

/** One process to time at start-up: a framework, and the child file (another checkout's, for a baseline). */
interface Starter {
  key: string;
  framework: Framework;
  child: string;
}

const STARTERS: Starter[] = FRAMEWORKS.map((framework) => ({
  key: framework,
  framework,
  child: CHILD,
}));

/** Median wall time (spawn to exit) and CPU time of each starter's children. */
interface SpawnTimes {
  wall: Record<string, number>;
  /** The child's own CPU time (user + system) from its start to its report; absent when it reports none. */
  cpu: Record<string, number | undefined>;
}

/** Spawns `args(framework)` per starter, rotated, and returns each one's median times. */
async function spawnTimes(
  spawns: number,
  args: (framework: Framework) => string[],
  starters: readonly Starter[] = STARTERS,
): Promise<SpawnTimes> {
  const walls = new Map(starters.map((s) => [s.key, [] as number[]]));
  const cpus = new Map(starters.map((s) => [s.key, [] as number[]]));
  for (let i = 0; i <= spawns; i++) {
    for (let k = 0; k < starters.length; k++) {
      const starter = starters[(i + k) % starters.length] as Starter;
      const outcome = await runNode([starter.child, ...args(starter.framework)], {
        timeoutMs: 60_000,
      });
      const report = lastJsonLine<{ cpuMs?: number }>(outcome, `the ${starter.key} child`);
      // The first round warms the OS file cache; it is not counted.
      if (i === 0) continue;
      walls.get(starter.key)?.push(outcome.wallMs);
      if (typeof report.cpuMs === 'number') cpus.get(starter.key)?.push(report.cpuMs);
    }
  }
  const medianOf = (values: number[] | undefined) =>
    values && values.length > 0 ? median(values) : undefined;
  return {
    wall: Object.fromEntries(starters.map((s) => [s.key, median(walls.get(s.key) ?? [])])),
    cpu: Object.fromEntries(starters.map((s) => [s.key, medianOf(cpus.get(s.key))])),
  };
}

interface Install {
  megabytes: number;
  packages: number;
  versions: Record<string, string>;
}

/** `npm install`s `specs` into an empty project and measures its node_modules. */
function install(scratch: string, name: string, specs: string[], read: string[]): Install {
  const app = join(scratch, name);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  const env = { ...process.env };
  delete env.NODE_PATH;
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], {
    cwd: app,
    env,
    stdio: 'ignore',
  });
  const bytes = Number(
    execFileSync('du', ['-sb', 'node_modules'], { cwd: app, encoding: 'utf8' }).split('\t')[0],
  );
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const installed = Object.keys(lock.packages).filter((path) => path !== '');
  const versions = Object.fromEntries(
    read.map((pkg) => [pkg, lock.packages[`node_modules/${pkg}`]?.version ?? '?']),
  );
  return { megabytes: bytes / 1e6, packages: installed.length, versions };
}

function installs(): Record<Framework, Install> {
  const scratch = mkdtempSync(join(tmpdir(), 'agentloop-peers-'));
  try {
    const packed = join(scratch, 'packed');
    execFileSync(process.execPath, ['scripts/pack-packages.mjs', '--skip-build', '--out', packed], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
    // What an agent needs: core and what it depends on (not mcp, otel, the inspector or redis).
    const ours = readdirSync(packed)
      .filter((file) => /^agentloop-(core|tools|memory|protocol)-/.test(file))
      .map((file) => join(packed, file));
    return {
      raw: install(scratch, 'raw', ['openai@6'], ['openai']),
      'ai-sdk': install(
        scratch,
        'ai-sdk',
        ['ai@6', '@ai-sdk/openai@3', 'zod'],
        ['ai', '@ai-sdk/openai'],
      ),
      'openai-agents': install(
        scratch,
        'openai-agents',
        ['@openai/agents@0.14', 'zod'],
        ['@openai/agents', 'openai'],
      ),
      agentloop: install(scratch, 'agentloop', [...ours, 'zod'], ['openai']),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const wholeMs = (ms: number | undefined) => (ms ?? Number.NaN).toFixed(0);
const cpuCell = (ms: number | undefined) => (ms === undefined ? '–' : ms.toFixed(0));

/** Options of {@link runStartupComparison}. */
export interface StartupOptions {
  /** Counted spawns per framework (after one uncounted round). @default 7 */
  spawns?: number;
  /** Another checkout of agentloop, built, timed beside this one (e.g. the commit before a change). */
  baseline?: string | undefined;
}

/**
 * The cold-start and import rows alone, the same spawns as in {@link runPeersBenchmark}: for
 * checking a start-up change in a few minutes. With `baseline`, that checkout's agentloop (its
 * own `bench/peers-child.mjs` on its own build) is one more column, rotated with the others.
 */
export async function runStartupComparison({
  spawns = 7,
  baseline,
}: StartupOptions = {}): Promise<string> {
  const server = await startTestServer({ responder: responder(0) });
  try {
    const starters: Starter[] = [...STARTERS];
    if (baseline !== undefined) {
      starters.push({
        key: 'baseline',
        framework: 'agentloop',
        child: join(baseline, CHILD),
      });
    }
    const cold = await spawnTimes(spawns, (f) => ['cold', f, server.url], starters);
    const imported = await spawnTimes(spawns, (f) => ['import', f], starters);
    const empty: number[] = [];
    for (let i = 0; i < spawns; i++) empty.push((await runNode(['-e', '0'])).wallMs);
    const label = (s: Starter) =>
      s.key === 'baseline' ? `agentloop at ${baseline}` : LABELS[s.framework];
    const row = (name: string, cells: (s: Starter) => string) =>
      `| ${name} | ${starters.map(cells).join(' | ')} |`;
    return [
      `| measure | ${starters.map(label).join(' | ')} |`,
      `| --- | ${starters.map(() => '---').join(' | ')} |`,
      row('cold start: import + one run, spawn to exit (ms)', (s) => wholeMs(cold.wall[s.key])),
      row('… CPU time of the process (ms)', (s) => cpuCell(cold.cpu[s.key])),
      row('import alone, spawn to exit (ms)', (s) => wholeMs(imported.wall[s.key])),
      row('… CPU time of the process (ms)', (s) => cpuCell(imported.cpu[s.key])),
      '',
      `Medians of ${spawns} spawns per column after one uncounted round, rotated; \`node -e 0\` takes ${median(empty).toFixed(0)} ms here. The CPU rows are the child's own CPU time (user + system, \`process.cpuUsage()\`) from its start to its report, start-up of node included, exit not: they move less than wall time on a busy machine (a child that reports none, an older \`peers-child.mjs\`, shows –).`,
    ].join('\n');
  } finally {
    await server.close();
  }
}

type Kind = 'generate' | 'stream' | 'generate:cpu' | 'stream:cpu';
type LoopSample = Record<`${Framework}:${Kind}`, number>;

/** Runs the comparison and returns its section of RESULTS.md. */
export async function runPeersBenchmark({
  forks = 5,
  runs = 100,
  warmup = 20,
  spawns = 7,
  concurrent = 1000,
}: PeersOptions = {}): Promise<{ title: string; markdown: string }> {
  const server = await startTestServer({ responder: responder(0) });
  const slow = await startTestServer({ responder: responder(100) });
  try {
    const samples: LoopSample[] = [];
    for (let fork = 0; fork < forks; fork++) {
      samples.push(
        await child<LoopSample>(
          ['loops', server.url, String(runs), String(warmup)],
          'the loops child',
        ),
      );
    }
    const cold = await spawnTimes(spawns, (f) => ['cold', f, server.url]);
    const imported = await spawnTimes(spawns, (f) => ['import', f]);
    const empty: number[] = [];
    for (let i = 0; i < spawns; i++) empty.push((await runNode(['-e', '0'])).wallMs);
    const memory = {} as Record<Framework, number | string>;
    for (const framework of FRAMEWORKS) {
      try {
        const figure = await child<{ peakHeapPerRunBytes: number }>(
          ['memory', framework, slow.url, String(concurrent)],
          `the ${framework} memory child`,
          ['--expose-gc'],
        );
        memory[framework] = figure.peakHeapPerRunBytes;
      } catch (error) {
        // Reported in the table rather than losing the other figures of the sitting.
        memory[framework] = `failed (${String(error).split('\n')[0]?.slice(0, 80)})`;
      }
    }
    const sizes = installs();

    const loopMs = (f: Framework, kind: Kind) => median(samples.map((s) => s[`${f}:${kind}`]));
    const ratio = (f: Framework, kind: Kind) =>
      median(samples.map((s) => s[`${f}:${kind}`] / s[`raw:${kind}`]));
    const perProcess = (f: Framework, kind: 'generate' | 'stream') =>
      samples.map((s) => (s[`${f}:${kind}`] / s[`raw:${kind}`]).toFixed(2)).join(', ');
    const row = (name: string, cell: (f: Framework) => string) =>
      `| ${name} | ${FRAMEWORKS.map(cell).join(' | ')} |`;
    const versions = {
      ...sizes['ai-sdk'].versions,
      ...sizes['openai-agents'].versions,
    };
    const cpu = cpus();
    const markdown = [
      `## ${PEERS_SECTION_TITLE}`,
      '',
      `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores (shared), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}; Node.js ${process.version}; ${new Date().toISOString()}`,
      `- Versions: ai ${versions.ai}, @ai-sdk/openai ${versions['@ai-sdk/openai']}, @openai/agents ${versions['@openai/agents']} (on openai ${sizes['openai-agents'].versions.openai}), openai ${sizes.raw.versions.openai}, agentloop from this tree (\`dist/\`)`,
      `- Command: \`node --import tsx bench/peers.ts --forks ${forks} --runs ${runs} --spawns ${spawns}\``,
      '',
      `| measure | ${FRAMEWORKS.map((f) => LABELS[f]).join(' | ')} |`,
      `| --- | ${FRAMEWORKS.map(() => '---').join(' | ')} |`,
      row('run, 6 model calls × 3 parallel tools (ms)', (f) => loopMs(f, 'generate').toFixed(1)),
      row('… × raw', (f) => `${ratio(f, 'generate').toFixed(2)}`),
      row('streamed run (ms)', (f) => loopMs(f, 'stream').toFixed(1)),
      row('… × raw stream', (f) => `${ratio(f, 'stream').toFixed(2)}`),
      row('CPU time of the process per run (ms)', (f) => loopMs(f, 'generate:cpu').toFixed(1)),
      row('… × raw', (f) => `${ratio(f, 'generate:cpu').toFixed(2)}`),
      row('CPU time per streamed run (ms)', (f) => loopMs(f, 'stream:cpu').toFixed(1)),
      row('… × raw stream', (f) => `${ratio(f, 'stream:cpu').toFixed(2)}`),
      row('cold start: import + one run, spawn to exit (ms)', (f) => wholeMs(cold.wall[f])),
      row('import alone, spawn to exit (ms)', (f) => wholeMs(imported.wall[f])),
      row(
        'consumer install, MB (packages)',
        (f) => `${sizes[f].megabytes.toFixed(1)} (${sizes[f].packages})`,
      ),
      row(`heap per concurrent run, ${concurrent} runs (KB)`, (f) => {
        const bytes = memory[f];
        return typeof bytes === 'number' ? (bytes / 1024).toFixed(1) : bytes;
      }),
      '',
      `The same agent in each framework (\`${CHILD}\`): 5 turns of 3 parallel \`lookup\` calls with a zod schema, then the answer, over the Chat Completions API of the local test server (\`test/support\`, answering at once), which runs in the parent process. The AI SDK runs \`generateText\`/\`streamText\` with \`stopWhen: stepCountIs(10)\` on \`createOpenAI().chat()\`; the Agents SDK runs \`run(agent)\` on \`OpenAIChatCompletionsModel\` with tracing disabled; agentloop runs \`agent.run\`/\`agent.stream\`; the raw floor drives \`client.chat.completions.create\` by hand, accumulating streamed tool-call deltas itself. Streamed runs read every event. The CPU rows are the child's own CPU time (user + system) per run: the server is the parent, so they count the framework's work and move less than wall time on a busy machine. Runs: ${forks} fresh processes, each timing ${runs} runs of all eight loops interleaved and rotated after ${warmup} warm-up runs; the ms figures are medians over processes, the ratios medians of per-process ratios (non-streamed: ${FRAMEWORKS.map((f) => `${f} ${perProcess(f, 'generate')}`).join('; ')}; streamed: ${FRAMEWORKS.map((f) => `${f} ${perProcess(f, 'stream')}`).join('; ')}). Cold start and import: ${spawns} spawns per framework after one uncounted round, frameworks rotated; \`node -e 0\` takes ${median(empty).toFixed(0)} ms here. Install: \`npm install\` into an empty project: \`openai@6\`; \`ai@6 @ai-sdk/openai@3 zod\`; \`@openai/agents@0.14 zod\`; the packed core, tools, memory and protocol with zod (openai comes as core's peer; tiktoken, an optional peer, does not). Memory: ${concurrent} runs started at once in a fresh process (\`--expose-gc\`), each model reply held 100 ms; the peak of \`heapUsed\` after a full collection, sampled every 25 ms, less the heap before the runs, divided by the runs.`,
    ].join('\n');
    return { title: PEERS_SECTION_TITLE, markdown };
  } finally {
    await server.close();
    await slow.close();
  }
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await requireBuild();
  if (process.argv.includes('--startup')) {
    // A part of the section: printed, never written.
    const at = process.argv.indexOf('--baseline');
    console.log(
      await runStartupComparison({
        spawns: option('spawns', 7),
        baseline: at < 0 ? undefined : process.argv[at + 1],
      }),
    );
  } else {
    const result = await runPeersBenchmark({
      forks: option('forks', 5),
      runs: option('runs', 100),
      warmup: option('warmup', 20),
      spawns: option('spawns', 7),
      concurrent: option('concurrent', 1000),
    });
    console.log(result.markdown);
    if (!process.argv.includes('--no-write')) {
      const file = new URL('./RESULTS.md', import.meta.url);
      const current = readFileSync(file, 'utf8');
      writeFileSync(file, replaceSection(current, PEERS_SECTION_TITLE, result.markdown));
      console.log(`Wrote the "${PEERS_SECTION_TITLE}" section of ${file.pathname}`);
    }
  }
}
