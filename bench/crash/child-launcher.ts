/**
 * Starts crash children and watches their output line by line, so the parent can kill one the
 * moment it announces something.
 *
 * By default the child is first bundled from the sources (the `source` condition, as tsx runs
 * them) into one file with esbuild, once per harness run: a child then starts in ~0.4 s instead
 * of ~1.6 s under tsx, which transforms every source file of the packages at each start. With
 * `tsx: true` every child runs `node --conditions=source --import tsx bench/crash/crash-child.ts`.
 *
 * @module
 */

import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, SOURCE_FLAGS } from '../child-process.js';
import type { ChildConfig } from './child-protocol.js';

const CHILD_SOURCE = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** How to start a child: the node arguments before its JSON configuration. */
export type ChildCommand = readonly string[];

/** A prepared child: its command, and `dispose()` to remove the bundle when done. */
export interface PreparedChild {
  command: ChildCommand;
  dispose(): Promise<void>;
}

/**
 * Prepares the child command: bundles the child (unless `tsx`) and returns the node arguments
 * that run it.
 *
 * @param options - `tsx`: run the sources through tsx instead of a bundle.
 */
export async function prepareChild({
  tsx = false,
}: {
  tsx?: boolean;
} = {}): Promise<PreparedChild> {
  if (tsx) return { command: [...SOURCE_FLAGS, CHILD_SOURCE], dispose: async () => {} };
  const { build } = await import('esbuild');
  // Under node_modules, so git ignores it; tiktoken stays outside (the child never loads it).
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'agentloop-crash');
  await mkdir(dir, { recursive: true });
  const outfile = join(dir, `crash-child-${process.pid}.mjs`);
  await build({
    entryPoints: [CHILD_SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    outfile,
    // The CommonJS dependencies bundled in (proper-lockfile) call require for Node modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    external: ['tiktoken'],
    logLevel: 'error',
  });
  return { command: [outfile], dispose: () => rm(outfile, { force: true }) };
}

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
  /** Whether the parent killed it (on a line or after `timeoutMs`). */
  killedByParent: boolean;
  timedOut: boolean;
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** Called for each stdout line as it comes; `kill()` sends SIGKILL to the child. */
  onLine?: (line: string, kill: () => void) => void;
  /** The longest the child may run before it is killed and reported as timed out. @default 60000 */
  timeoutMs?: number;
}

/**
 * Runs one child with `config` and resolves when it has exited.
 *
 * @param command - From {@link prepareChild}.
 * @param config - The child's configuration.
 * @param options - `onLine`, `timeoutMs`.
 */
export function runChild(
  command: ChildCommand,
  config: ChildConfig,
  { onLine, timeoutMs = 60_000 }: RunChildOptions = {},
): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command, JSON.stringify(config)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const lines: string[] = [];
    let stderr = '';
    let partial = '';
    let killedByParent = false;
    let timedOut = false;
    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killedByParent = true;
      child.kill('SIGKILL');
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      let newline = partial.indexOf('\n');
      while (newline >= 0) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        lines.push(line);
        onLine?.(line, kill);
        newline = partial.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (partial) lines.push(partial);
      resolve({ code, signal, lines, stderr, killedByParent, timedOut });
    });
  });
}
