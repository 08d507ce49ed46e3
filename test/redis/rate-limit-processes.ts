/**
 * Starts processes that share one `RedisRateLimiter` budget against one test server, for the
 * tests and the bench.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(HERE, '..', '..');
const CHILD = join(HERE, 'rate-limit-child.ts');

/** What each child reports. */
export interface ChildReport {
  completed: number;
  waits: number;
  failures: string[];
}

/** Options of {@link runProcesses}. */
export interface ProcessLoad {
  serverUrl: string;
  redisUrl: string;
  prefix: string;
  processes: number;
  runsPerProcess: number;
  rpm?: number;
  tpm?: number;
  windowMs: number;
}

/**
 * Starts the children, waits until each is ready, releases them together and collects their
 * reports.
 */
export async function runProcesses(load: ProcessLoad): Promise<ChildReport[]> {
  const { processes, runsPerProcess, ...rest } = load;
  const children = Array.from({ length: processes }, () => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        CHILD,
        JSON.stringify({ ...rest, runs: runsPerProcess }),
      ],
      { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let stdout = '';
    let stderr = '';
    let onData = () => {};
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      onData();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`child exited with ${code}: ${stderr}`)),
      );
    });
    const ready = new Promise<void>((resolve, reject) => {
      onData = () => {
        if (stdout.includes('ready\n')) resolve();
      };
      exited.catch(reject);
    });
    return { child, ready, exited, output: () => stdout };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const { child } of children) child.stdin.write('go\n');
  await Promise.all(children.map((c) => c.exited));
  return children.map(({ output }) => {
    const line = output().split('\n').filter(Boolean).at(-1) ?? '{}';
    return JSON.parse(line) as ChildReport;
  });
}
