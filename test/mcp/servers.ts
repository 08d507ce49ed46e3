/**
 * How the MCP tests start servers: the reference servers installed from the npm registry
 * (`@modelcontextprotocol/server-everything`, `-filesystem`), run with this node, and the local
 * fixture server. HTTP servers listen on 127.0.0.1 only as far as the tests reach them.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { McpStdioServerOptions } from '@agentloop/mcp';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** The entry point of an installed server package (its `bin`). */
function serverEntry(pkg: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), Object.values(bin)[0] ?? 'dist/index.js');
}

export const EVERYTHING = serverEntry('@modelcontextprotocol/server-everything');
export const FILESYSTEM = serverEntry('@modelcontextprotocol/server-filesystem');
export const FIXTURE = join(here, 'fixtures', 'fixture-server.mjs');

/** `connectMcpServer` options for server-everything over stdio. */
export function everythingStdio(extra: Partial<McpStdioServerOptions> = {}): McpStdioServerOptions {
  return {
    name: 'everything',
    command: process.execPath,
    args: [EVERYTHING, 'stdio'],
    stderr: 'ignore',
    ...extra,
  };
}

/** `connectMcpServer` options for the fixture server. */
export function fixtureStdio(
  env: Record<string, string> = {},
  extra: Partial<McpStdioServerOptions> = {},
): McpStdioServerOptions {
  return {
    name: 'fixture',
    command: process.execPath,
    args: [FIXTURE],
    env,
    stderr: 'ignore',
    ...extra,
  };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** server-everything over HTTP, as a child of this process. */
export interface HttpServer {
  port: number;
  url: string;
  child: ChildProcess;
  /** Ends the server and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts server-everything in `streamableHttp` or `sse` mode on `port` (a free one by default)
 * and resolves once it listens.
 */
export async function startEverythingHttp(
  mode: 'streamableHttp' | 'sse',
  port?: number,
): Promise<HttpServer> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, [EVERYTHING, mode], {
    env: { ...process.env, PORT: String(chosen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on port|running on port/i.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`server-everything ${mode} exited (${code}): ${output}`)),
    );
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const path = mode === 'sse' ? '/sse' : '/mcp';
  return {
    port: chosen,
    url: `http://127.0.0.1:${chosen}${path}`,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** The live child processes of this process (Linux: from `ps`). */
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

/** Whether a process is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The open file descriptors of this process (Linux: `/proc/self/fd`). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** What the descriptors point at, for a failure message. */
export function describeFds(): string[] {
  return readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '?';
    }
  });
}
