/**
 * Connect/close cycles of a stdio MCP server, counting what they leave behind: child processes
 * of this process and open file descriptors. Used by the CI test (a few cycles) and by
 * `node --import tsx bench/mcp-cycles.ts [cycles]` (1,000 by default, on the built packages).
 *
 * @module
 */

import { execFileSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The server the cycles start: JSON-RPC by hand, so a cycle costs about one node start. */
export const FIXTURE_SERVER = fileURLToPath(
  new URL('../test/mcp/fixtures/minimal-server.mjs', import.meta.url),
);

/** What a connected server must offer the cycles. */
export interface Closable {
  close(): Promise<void>;
  readonly pid: number | undefined;
}

/** What the cycles left. */
export interface CyclesReport {
  cycles: number;
  /** Wall time of all cycles, in ms. */
  ms: number;
  /** Child processes of this process alive after the last close that were not there before. */
  leftoverChildren: number[];
  /** Children whose pid a cycle saw and that are still alive. */
  survivors: number[];
  /** Open descriptors after the warm-up cycles, and after the last cycle. */
  fdsBefore: number;
  fdsAfter: number;
  /** What the new descriptors point at, when there are any. */
  newFds: string[];
}

/** The live child processes of this process (Linux). */
export function childPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, command]) => pid !== undefined && pid !== '' && command !== 'ps')
    .map(([pid]) => Number(pid));
}

function fds(): Map<string, string> {
  const out = new Map<string, string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.set(fd, readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // The descriptor readdir itself used is gone by now.
    }
  }
  return out;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Connects and closes `cycles` times, one after the other, after `warmup` untimed cycles (the
 * first ones load modules and open descriptors that stay for the process's life).
 *
 * @param connect - Connects one server.
 */
export async function connectCloseCycles({
  cycles,
  warmup = 3,
  connect,
  onProgress,
}: {
  cycles: number;
  warmup?: number;
  connect: () => Promise<Closable>;
  onProgress?: (done: number) => void;
}): Promise<CyclesReport> {
  for (let i = 0; i < warmup; i++) await (await connect()).close();
  const childrenBefore = new Set(childPids());
  const before = fds();
  const seen: number[] = [];
  const started = performance.now();
  for (let i = 0; i < cycles; i++) {
    const server = await connect();
    if (server.pid !== undefined) seen.push(server.pid);
    await server.close();
    onProgress?.(i + 1);
  }
  const ms = performance.now() - started;
  const after = fds();
  return {
    cycles,
    ms,
    leftoverChildren: childPids().filter((pid) => !childrenBefore.has(pid)),
    survivors: seen.filter(isAlive),
    fdsBefore: before.size,
    fdsAfter: after.size,
    newFds: [...after]
      .filter(([fd]) => !before.has(fd))
      .map(([fd, target]) => `${fd} -> ${target}`),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { connectMcpServer } = await import('@agentloop/mcp');
  const cycles = Number(process.argv[2] ?? 1000);
  const report = await connectCloseCycles({
    cycles,
    connect: () =>
      connectMcpServer({
        name: 'fixture',
        command: process.execPath,
        args: [FIXTURE_SERVER],
        stderr: 'ignore',
      }),
    onProgress: (done) => {
      if (done % 100 === 0) console.error(`${done} cycles`);
    },
  });
  console.log(JSON.stringify(report));
}
