/**
 * A Redis for tests, found the way DESIGN.md says: `REDIS_URL` when it is set, else the server at
 * 127.0.0.1:6379 when it answers, else a `redis-server` started on a free port when the binary
 * exists (and stopped after the tests). Without any of them the tests that need Redis skip, and
 * say why. Each test takes its own key prefix from `uniquePrefix()` and removes its keys.
 *
 * ```ts
 * const redis = await findRedis();
 * describe.skipIf(!redis.url)(`RedisStore (${redis.reason})`, () => { ... });
 * afterAll(() => redis.stop());
 * ```
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, Socket } from 'node:net';

/** Where the tests' Redis is, or why there is none. */
export interface FoundRedis {
  /** `redis://host:port`, or `undefined` when no Redis could be found or started. */
  readonly url: string | undefined;
  /** How it was found, or why the tests skip: shown in the suite's name. */
  readonly reason: string;
  /** Stops the server when the tests started it; otherwise does nothing. */
  stop(): Promise<void>;
  /** The server this helper started, if any: tests that restart Redis mid-way need it. */
  readonly started?: StartedRedis;
}

/** A `redis-server` this helper started: it can be stopped and started again on the same port. */
export interface StartedRedis {
  readonly port: number;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pauseServer(): void;
  /** Lets a frozen server go on (SIGCONT). */
  resumeServer(): void;
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const SERVER_BINARIES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

let found: Promise<FoundRedis> | undefined;

/** Finds (once per test file) the Redis the tests use. */
export function findRedis(): Promise<FoundRedis> {
  found ??= locate();
  return found;
}

/** A key prefix no other test or run uses: `agentloop-test:<uuid>:`. */
export function uniquePrefix(label = 'test'): string {
  return `agentloop-test:${label}:${randomUUID()}:`;
}

async function locate(): Promise<FoundRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    const { host, port } = parseUrl(fromEnv);
    if (await answersPing(host, port)) return idle(fromEnv, `REDIS_URL ${host}:${port}`);
    return idle(undefined, `skipped: REDIS_URL=${fromEnv} does not answer PING`);
  }
  if (await answersPing('127.0.0.1', 6379)) return idle(DEFAULT_URL, 'Redis at 127.0.0.1:6379');
  const binary = SERVER_BINARIES.find((path) => existsSync(path));
  if (!binary) {
    return idle(
      undefined,
      'skipped: no REDIS_URL, nothing answers at 127.0.0.1:6379 and redis-server is not installed ' +
        '(apt-get install redis-server, or set REDIS_URL)',
    );
  }
  const started = await startServer(binary);
  return {
    url: `redis://127.0.0.1:${started.port}`,
    reason: `redis-server started on port ${started.port}`,
    stop: () => started.stopServer(),
    started,
  };
}

function idle(url: string | undefined, reason: string): FoundRedis {
  // On CI (.ci/run makes sure a Redis answers) a missing Redis is a failure, never a skip.
  if (url === undefined && ['true', '1'].includes((process.env.CI ?? '').toLowerCase())) {
    throw new Error(`CI=${process.env.CI} but the Redis tests cannot run: ${reason}`);
  }
  // Said plainly, not only in the skipped suites' names (which reporters may fold away).
  if (url === undefined) console.warn(`The Redis tests of this file are ${reason}`);
  return { url, reason, stop: async () => {} };
}

function parseUrl(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379) };
}

/** True when a Redis at host:port answers `PING` within a second. */
export function answersPing(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, host, () => socket.write('PING\r\n'));
  });
}

/**
 * Starts a `redis-server` of the test's own on a free port, whatever else answers: for tests that
 * stop and restart Redis, which must never stop the shared server at 127.0.0.1:6379. `undefined`
 * when the binary is not installed.
 */
export async function startPrivateRedis(): Promise<(StartedRedis & { url: string }) | undefined> {
  const binary = SERVER_BINARIES.find((path) => existsSync(path));
  if (!binary) {
    idle(undefined, 'skipped: redis-server is not installed (apt-get install redis-server)');
    return undefined;
  }
  const started = await startServer(binary);
  return { ...started, url: `redis://127.0.0.1:${started.port}` };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function startServer(binary: string): Promise<StartedRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const startServer = async () => {
    // Started already: one server per port.
    if (child && child.exitCode === null && child.signalCode === null) return;
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await answersPing('127.0.0.1', port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
  };
  const stopServer = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await startServer();
  process.once('exit', () => child?.kill('SIGKILL'));
  return {
    port,
    startServer,
    stopServer,
    pauseServer: () => child?.kill('SIGSTOP'),
    resumeServer: () => child?.kill('SIGCONT'),
  };
}

/**
 * Deletes every key under `prefix` (the test's own, from {@link uniquePrefix}).
 *
 * @param client - An ioredis client of the test's Redis.
 * @param prefix - The test's prefix.
 */
export async function deleteKeys(
  client: {
    scan(
      cursor: string,
      match: 'MATCH',
      pattern: string,
      count: 'COUNT',
      n: number,
    ): Promise<[string, string[]]>;
    del(...keys: string[]): Promise<number>;
  },
  prefix: string,
): Promise<void> {
  if (!prefix.startsWith('agentloop-test:')) throw new Error(`not a test prefix: ${prefix}`);
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}
