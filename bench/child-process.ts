/**
 * Runs a node child process asynchronously (so a server in this process keeps answering it) and
 * collects its output and wall time.
 *
 * @module
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, which the children run in so package names resolve. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The flags that make a child run the TypeScript sources: the `source` condition and tsx. */
export const SOURCE_FLAGS = ['--conditions=source', '--import', 'tsx'] as const;

/** The flags that run a TypeScript bench script on the built packages (`dist/`). */
export const DIST_FLAGS = ['--import', 'tsx'] as const;

/** What a finished child left. */
export interface ChildOutcome {
  /** The exit code (`null` when killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit, in ms. */
  wallMs: number;
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  /** The longest the child may take before it is killed. @default 120000 */
  timeoutMs?: number | undefined;
  /** The child's environment. @default this process's, with `NODE_OPTIONS` emptied */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Spawns `node <args>` in the repository root with stdin closed and resolves when it exits; a
 * child that outlives `timeoutMs` is killed and reported through a `null` code.
 *
 * @param args - the node arguments (flags, script, script arguments).
 * @param options - `timeoutMs`, `env`.
 * @returns the exit code, the output and the wall time.
 */
export function runNode(
  args: readonly string[],
  { timeoutMs = 120_000, env = { ...process.env, NODE_OPTIONS: '' } }: RunNodeOptions = {},
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

/**
 * Parses the last line of a child's stdout as JSON, or throws with what the child said.
 *
 * @param outcome - the finished child.
 * @param what - names the child in the error.
 */
export function lastJsonLine<T>(outcome: ChildOutcome, what: string): T {
  const line = outcome.stdout.trim().split('\n').at(-1);
  if (outcome.code !== 0 || !line) {
    throw new Error(
      `${what} failed (exit ${outcome.code}): ${outcome.stderr.trim().slice(-2000) || '(no stderr)'}`,
    );
  }
  return JSON.parse(line) as T;
}
