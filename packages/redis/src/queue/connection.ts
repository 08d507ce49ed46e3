import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConnection } from '../connection.js';
import { LeaseLostError, RedisUnavailableError } from '../errors.js';
import { RunQueueError } from './errors.js';

/** How long a Redis that does not answer is waited for before a typed error. @default 10 s */
export const DEFAULT_UNAVAILABLE_AFTER_MS = 10_000;

/**
 * ioredis options from a {@link RedisConnection}: the queue and the worker open connections of
 * their own (blocking reads, a subscriber, BullMQ's), so a client given is used for its options.
 */
export function redisOptions(connection: RedisConnection, option = 'connection'): RedisOptions {
  if (connection instanceof Redis) return { ...connection.options };
  if (typeof connection === 'object' && connection !== null && !Array.isArray(connection)) {
    const { replyMapping: _ignored, ...options } = connection as RedisOptions;
    return options;
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
  if (RedisUnavailableError.isInstance(error) || LeaseLostError.isInstance(error)) return true;
  if (RunQueueError.isInstance(error)) return false;
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
    if (isConnectionFault(error) && !RedisUnavailableError.isInstance(error)) {
      throw unavailable({ ms, where, what, runId, cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The `redis_unavailable` error: what could not be done, and where Redis was expected. */
export function unavailable({
  ms,
  where,
  what,
  cause,
}: {
  ms: number;
  where: string;
  what: string;
  runId?: string | undefined;
  cause?: unknown;
}): RedisUnavailableError {
  return new RedisUnavailableError(`${what} (Redis at ${where})`, ms, cause);
}
