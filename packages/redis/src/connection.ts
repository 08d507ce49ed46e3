/**
 * The `connection` option every `@agentloop/redis` class takes, and the time bound on each call.
 *
 * @module
 */

import { AgentError } from '@agentloop/protocol';
import { Redis, type RedisOptions } from 'ioredis';
import { RedisError, RedisUnavailableError } from './errors.js';

/**
 * Where Redis is: an ioredis client (shared, never closed by agentloop), a `redis://` URL, or
 * ioredis options (the last two make a client of its own, closed by `close()`).
 */
export type RedisConnection = Redis | string | RedisOptions;

/** The default bound on one Redis call, in milliseconds. */
export const DEFAULT_REDIS_TIMEOUT_MS = 5_000;

/** The default prefix of every key agentloop writes. */
export const DEFAULT_KEY_PREFIX = 'agentloop:';

/** A client and whether agentloop made it (and so closes it). */
export interface ResolvedConnection {
  client: Redis;
  owned: boolean;
}

/**
 * Resolves the `connection` option.
 *
 * @param connection - What the user gave.
 * @param owner - The class taking it, for the error message.
 * @returns the client to use.
 * @throws RedisError `invalid_config` for anything else.
 */
export function resolveConnection(connection: unknown, owner: string): ResolvedConnection {
  if (connection instanceof Redis) return { client: connection, owned: false };
  // A client from another copy of ioredis: it still speaks the same commands.
  if (isClientLike(connection)) return { client: connection as Redis, owned: false };
  // Our own clients retry a lost connection for ever (each call is bounded by `timeoutMs`
  // instead), and never wait on a connection that is not up to fail a call.
  const defaults = { maxRetriesPerRequest: 1, connectTimeout: 5_000 };
  if (typeof connection === 'string' && /^rediss?:\/\//.test(connection)) {
    return { client: quiet(new Redis(connection, defaults)), owned: true };
  }
  if (typeof connection === 'object' && connection !== null && !Array.isArray(connection)) {
    // agentloop reads replies in ioredis's default (legacy) shape.
    const { replyMapping: _ignored, ...options } = connection as RedisOptions;
    return { client: quiet(new Redis({ ...defaults, ...options })), owned: true };
  }
  throw new RedisError(
    `${owner} needs \`connection\`: an ioredis client, a redis:// URL or ioredis options such as { host, port }; got ${connection === null ? 'null' : typeof connection === 'string' ? JSON.stringify(connection) : typeof connection}.`,
    { code: 'invalid_config', option: 'connection' },
  );
}

/**
 * A client of agentloop's own reports a lost connection through the calls it fails (as typed
 * errors), not as an unhandled `error` event printed on every reconnection attempt.
 */
function quiet(client: Redis): Redis {
  client.on('error', () => {});
  return client;
}

function isClientLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { eval?: unknown }).eval === 'function' &&
    typeof (value as { get?: unknown }).get === 'function' &&
    typeof (value as { quit?: unknown }).quit === 'function'
  );
}

/**
 * Checks a positive duration option.
 *
 * @returns the value, or the default when it is `undefined`.
 * @throws RedisError `invalid_config`.
 */
export function durationOption(
  value: unknown,
  fallback: number,
  option: string,
  owner: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RedisError(
      `${owner}: \`${option}\` must be a positive number of milliseconds; got ${String(value)}.`,
      { code: 'invalid_config', option },
    );
  }
  return value;
}

/**
 * Checks the `prefix` option.
 *
 * @throws RedisError `invalid_config`.
 */
export function prefixOption(value: unknown, owner: string): string {
  if (value === undefined) return DEFAULT_KEY_PREFIX;
  if (typeof value !== 'string' || /[{}]/.test(value)) {
    throw new RedisError(
      `${owner}: \`prefix\` must be a string without '{' or '}' (they mark Redis Cluster hash tags); got ${JSON.stringify(value)}.`,
      { code: 'invalid_config', option: 'prefix' },
    );
  }
  return value;
}

/**
 * Since when the clients of a server have found it gone: set by a call that failed or got no
 * answer, unset when a client reconnects or a background PING (one at a time, every second) is
 * answered.
 */
interface Outage {
  since: number | undefined;
  probe: ReturnType<typeof setInterval> | undefined;
}

/** Per server address: the clients of one process to one server share what they found. */
const outages = new Map<string, Outage>();
const watched = new WeakSet<Redis>();
/** The clients that have been connected once. */
const connected = new WeakSet<Redis>();

/** How often a client that found Redis gone checks whether it is back. */
const PROBE_EVERY_MS = 1_000;

function addressOf(client: Redis): string {
  const options = (client as { options?: { host?: string; port?: number; path?: string } }).options;
  return options?.path ?? `${options?.host ?? 'localhost'}:${options?.port ?? 6379}`;
}

function outageOf(client: Redis): Outage {
  const address = addressOf(client);
  let outage = outages.get(address);
  if (!outage) {
    outage = { since: undefined, probe: undefined };
    outages.set(address, outage);
  }
  if (!watched.has(client)) {
    watched.add(client);
    const shared = outage;
    if (client.status === 'ready') connected.add(client);
    client.on('ready', () => {
      connected.add(client);
      recovered(shared);
    });
  }
  return outage;
}

function recovered(outage: Outage): void {
  outage.since = undefined;
  if (outage.probe !== undefined) clearInterval(outage.probe);
  outage.probe = undefined;
}

function lost(client: Redis, outage: Outage): void {
  outage.since ??= Date.now();
  if (outage.probe !== undefined) return;
  let asking = false;
  outage.probe = setInterval(() => {
    // The client that found the outage was closed: what it found is no longer known.
    if (client.status === 'end') {
      recovered(outage);
      return;
    }
    if (asking) return;
    asking = true;
    const timer = setTimeout(() => {
      asking = false;
    }, PROBE_EVERY_MS * 5);
    client.ping().then(
      () => {
        clearTimeout(timer);
        asking = false;
        recovered(outage);
      },
      () => {
        clearTimeout(timer);
        asking = false;
      },
    );
  }, PROBE_EVERY_MS);
  // The check never keeps a process alive on its own.
  outage.probe.unref?.();
}

/**
 * Runs one Redis call, bounded: a Redis that is down, unreachable or slow becomes a
 * {@link RedisUnavailableError} within `timeoutMs`, never a hang. Once a call has found Redis
 * gone (an error, or no answer: a server that hangs), later calls to that server (from any client
 * of this process) fail at once until a client reconnects or a background PING is answered, so a
 * run failing on a lost Redis does not wait `timeoutMs` again for each clean-up step. A call given
 * up on may still reach Redis later (the client queues it while reconnecting); every write
 * agentloop makes is safe to land late (keyed, or fenced).
 *
 * @param client - The client the call uses.
 * @param call - The call.
 * @param operation - What it does, for the error (`save run "run_1"`).
 * @param timeoutMs - The bound.
 */
export function bounded<T>(
  client: Redis,
  call: () => Promise<T>,
  operation: string,
  timeoutMs: number,
): Promise<T> {
  const outage = outageOf(client);
  // A client connecting for the first time (or again, after being closed) is given its chance;
  // one that lost its connection, or is connected to a server that stopped answering, is not.
  const fresh =
    !connected.has(client) && (client.status === 'wait' || client.status === 'connecting');
  if (outage.since !== undefined && !fresh) {
    const since = new Date(outage.since).toISOString();
    return Promise.reject(
      new RedisUnavailableError(
        operation,
        timeoutMs,
        new Error(`Redis has not answered since ${since} (connection ${client.status})`),
      ),
    );
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      lost(client, outage);
      reject(new RedisUnavailableError(operation, timeoutMs));
    }, timeoutMs);
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (error) {
      clearTimeout(timer);
      reject(new RedisUnavailableError(operation, timeoutMs, error));
      return;
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // agentloop's own refusals (a lost lease) pass as they are; agentloop's scripts answer
        // with values, so any other rejection is the server's or the connection's.
        if (AgentError.isInstance(error)) {
          reject(error);
          return;
        }
        lost(client, outage);
        reject(new RedisUnavailableError(operation, timeoutMs, error));
      },
    );
  });
}

/** Closes a client agentloop made; a shared client is left to its owner. */
export async function closeConnection({ client, owned }: ResolvedConnection): Promise<void> {
  if (!owned) return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
