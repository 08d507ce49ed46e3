import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { RunQueueError } from './errors.js';

/**
 * Where Redis is: a URL (`redis://user:pass@host:6379/0`, `rediss://` for TLS) or ioredis
 * options. The queue and the worker open their own connections from it.
 */
export type RedisConnection = string | RedisOptions;

/** How long a Redis that does not answer is waited for before a typed error. @default 10 s */
export const DEFAULT_UNAVAILABLE_AFTER_MS = 10_000;

/** ioredis options from a {@link RedisConnection}. */
export function redisOptions(connection: RedisConnection, option = 'connection'): RedisOptions {
  if (typeof connection === 'object' && connection !== null && !Array.isArray(connection)) {
    return { ...connection };
  }
  if (typeof connection !== 'string') {
    throw new RunQueueError(
      `"${option}" must be a Redis URL such as "redis://127.0.0.1:6379" or ioredis options ({ host, port }); got ${connection === null ? 'null' : typeof connection}.`,
      { code: 'invalid_config', option },
    );
  }
  let url: URL;
  try {
    url = new URL(connection);
  } catch (cause) {
    throw new RunQueueError(
      `"${option}" is not a valid URL: "${connection}". Write it as "redis://host:port" (or "rediss://" for TLS).`,
      { code: 'invalid_config', option, cause },
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RunQueueError(`"${option}" must use redis:// or rediss://; got "${url.protocol}".`, {
      code: 'invalid_config',
      option,
    });
  }
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Where the options point, for messages. */
export function describeRedis(options: RedisOptions): string {
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

/**
 * A connection for plain commands: each fails within `unavailableAfterMs` instead of waiting in
 * ioredis's offline queue for a Redis that is not coming back.
 */
export function commandClient(options: RedisOptions, unavailableAfterMs: number): Redis {
  return newRedis({
    maxRetriesPerRequest: 2,
    commandTimeout: unavailableAfterMs,
    connectTimeout: Math.min(unavailableAfterMs, 5_000),
    retryStrategy: (times) => Math.min(times * 200, 1_000),
    ...options,
    lazyConnect: true,
  });
}

/** A connection for one blocking reader (XREAD BLOCK): no command timeout, few retries. */
export function blockingClient(options: RedisOptions, unavailableAfterMs: number): Redis {
  return newRedis({
    maxRetriesPerRequest: 1,
    connectTimeout: Math.min(unavailableAfterMs, 5_000),
    retryStrategy: (times) => Math.min(times * 200, 1_000),
    ...options,
    lazyConnect: true,
  });
}

// ioredis's options type declares optional fields without `| undefined`; the options are
// built from the user's, field by field, so they fit.
function newRedis(options: RedisOptions): Redis {
  return new Redis(options as never);
}

/** BullMQ connection options from ioredis options. */
export function bullConnection(options: RedisOptions, extra: RedisOptions): ConnectionOptions {
  return { ...options, ...extra } as unknown as ConnectionOptions;
}

/** True for the errors ioredis gives when Redis cannot be reached or the connection broke. */
export function isConnectionFault(error: unknown): boolean {
  if (RunQueueError.isInstance(error)) return error.code === 'redis_unavailable';
  if (!(error instanceof Error)) return false;
  const text = `${error.name} ${error.message} ${(error as { code?: unknown }).code ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|Command timed out|connect ETIMEDOUT|Reached the max retries|LOADING|enableOfflineQueue/i.test(
    text,
  );
}

/**
 * Runs `operation`, turning a Redis that does not answer within `ms` (or a broken connection)
 * into a `redis_unavailable` error that says where Redis was expected.
 */
export async function withinBound<T>(
  operation: () => Promise<T>,
  { ms, where, what, runId }: { ms: number; where: string; what: string; runId?: string },
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable({ ms, where, what, runId })), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([operation(), timeout]);
  } catch (error) {
    if (isConnectionFault(error) && !RunQueueError.isInstance(error)) {
      throw unavailable({ ms, where, what, runId, cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The `redis_unavailable` error. */
export function unavailable({
  ms,
  where,
  what,
  runId,
  cause,
}: {
  ms: number;
  where: string;
  what: string;
  runId?: string | undefined;
  cause?: unknown;
}): RunQueueError {
  return new RunQueueError(
    `Redis at ${where} did not answer ${what} within ${ms} ms${cause instanceof Error ? ` (${cause.message})` : ''}: check that it is running and reachable. Nothing acknowledged is lost; retry when it is back (enqueue again with the same runId to run it once).`,
    { code: 'redis_unavailable', runId, cause },
  );
}
