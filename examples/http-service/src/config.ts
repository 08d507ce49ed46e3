import { SERVICE_DEFAULTS } from './service-options.js';

/** The service's configuration, read from the environment by {@link readConfig}. */
export interface Config {
  /** `PORT`, default 8787. */
  port: number;
  /** `HOST`, default `127.0.0.1` (set `0.0.0.0` to accept other machines). */
  host: string;
  /** `SESSIONS_DIR`, default `.sessions`. */
  sessionsDir: string;
  /** `RUNS_DIR`, default `.runs`: run checkpoints, where paused runs wait for approval. */
  runsDir: string;
  /** `MAX_CONCURRENT_RUNS`, default 32. */
  maxConcurrentRuns: number;
  /** `MAX_BODY_BYTES`, default 65536. */
  maxBodyBytes: number;
  /** `SHUTDOWN_GRACE_MS`, default 10000. */
  shutdownGraceMs: number;
  /** `DRAIN_TIMEOUT_MS`, default 30000: how long a streaming client may read nothing. */
  drainTimeoutMs: number;
}

/**
 * Reads the configuration from environment variables, with defaults.
 *
 * @param env - the environment. @default process.env
 * @returns the configuration.
 * @throws Error naming the variable, what it should be and what it was.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer(env, 'PORT', 8787, 0, 65_535),
    host: text(env, 'HOST', '127.0.0.1'),
    sessionsDir: text(env, 'SESSIONS_DIR', '.sessions'),
    runsDir: text(env, 'RUNS_DIR', '.runs'),
    maxConcurrentRuns: integer(env, 'MAX_CONCURRENT_RUNS', SERVICE_DEFAULTS.maxConcurrentRuns, 1),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', SERVICE_DEFAULTS.maxBodyBytes, 1),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0),
    drainTimeoutMs: integer(env, 'DRAIN_TIMEOUT_MS', SERVICE_DEFAULTS.drainTimeoutMs, 0),
  };
}

/** Queue mode's configuration, read from the environment by {@link readQueueConfig}. */
export interface QueueConfig {
  /** `REDIS_URL`, default `redis://127.0.0.1:6379`. */
  redisUrl: string;
  /**
   * `REDIS_PREFIX`, default `agentloop:`: the prefix of every key, so several services (or test
   * runs) can share one Redis. The API and its workers must use the same.
   */
  redisPrefix: string;
  /** `WORKERS`, default 2: the worker processes `start:queue` starts beside the API. */
  workers: number;
  /** `WORKER_CONCURRENCY`, default 8: the runs one worker process runs at a time. */
  workerConcurrency: number;
}

/**
 * Reads queue mode's configuration from environment variables, with defaults.
 *
 * @param env - the environment. @default process.env
 * @returns the configuration.
 * @throws Error naming the variable, what it should be and what it was.
 */
export function readQueueConfig(env: NodeJS.ProcessEnv = process.env): QueueConfig {
  return {
    redisUrl: text(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    redisPrefix: text(env, 'REDIS_PREFIX', 'agentloop:'),
    workers: integer(env, 'WORKERS', 2, 0),
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 8, 1),
  };
}

function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!(/^\d+$/.test(raw) && value >= min && value <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new Error(
      `${name} must be a whole number ${range}, got ${JSON.stringify(raw)}. Unset it to use ${fallback}.`,
    );
  }
  return value;
}
