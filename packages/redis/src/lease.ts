/**
 * A lease on one resource (a run, a session) in Redis: held by one holder at a time, for
 * `ttlMs` unless renewed, with a fencing token that grows with each new holder. Internal: the
 * run store's claims and the session lock are built on it.
 *
 * Keys: `<base>:lease` holds the holder's token `<fence>:<uuid>` (expiring), `<base>:fence`
 * counts the holders. The base carries the id in a hash tag (`{…}`), so a resource's keys share
 * one Redis Cluster slot and one script can touch them all.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { bounded } from './connection.js';
import { LeaseLostError } from './errors.js';

/** Takes the lease when nobody holds it: `{1, token, fence}`, else `{0, holder's token, pttl}`. */
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current then return {0, current, redis.call('PTTL', KEYS[1])} end
local fence = redis.call('INCR', KEYS[2])
local token = fence .. ':' .. ARGV[1]
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return {1, token, fence}`;

/** Extends the lease while it is the caller's: 1, else 0 and the holder's token (or false). */
const RENEW = `
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then return {0, current} end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, current}`;

/** Drops the lease while it is the caller's. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** The fencing token of a lease token `<fence>:<uuid>`. */
export function fenceOf(token: unknown): number | undefined {
  if (typeof token !== 'string') return undefined;
  const fence = Number(token.slice(0, token.indexOf(':')));
  return Number.isSafeInteger(fence) ? fence : undefined;
}

/** The keys of a resource's lease. */
export interface LeaseKeys {
  lease: string;
  fence: string;
}

/** What the lease is on, for errors. */
export interface LeaseSubject {
  resource: 'run' | 'session';
  id: string;
}

/** Options of {@link acquireLease}. */
export interface LeaseOptions {
  client: Redis;
  keys: LeaseKeys;
  subject: LeaseSubject;
  ttlMs: number;
  timeoutMs: number;
}

/** The outcome of one attempt: the lease, or who holds it and for how much longer. */
export type LeaseAttempt =
  | { held: true; lease: Lease }
  | { held: false; fence: number | undefined; expiresInMs: number };

/**
 * A held lease, renewed in the background every third of its ttl until released or lost. Loss
 * is seen by a renewal (or a fenced write) finding another token, or none: `signal` is then
 * aborted with a {@link LeaseLostError}.
 */
export class Lease {
  /** The token `<fence>:<uuid>` that fenced writes compare. */
  readonly token: string;
  /** The fencing token: larger for every later holder of the same resource. */
  readonly fence: number;
  readonly #options: LeaseOptions;
  readonly #lost = new AbortController();
  #timer: ReturnType<typeof setInterval> | undefined;
  #released = false;

  constructor(options: LeaseOptions, token: string, fence: number) {
    this.#options = options;
    this.token = token;
    this.fence = fence;
    const every = Math.max(1, Math.floor(options.ttlMs / 3));
    this.#timer = setInterval(() => {
      // A renewal that cannot reach Redis is tried again at the next tick; the lease holds
      // until ttlMs after the last one that landed.
      this.renew().catch(() => {});
    }, every);
    // A lease never keeps a process alive on its own.
    this.#timer.unref?.();
  }

  /** Aborted (with a {@link LeaseLostError}) once the lease is known to be lost. */
  get signal(): AbortSignal {
    return this.#lost.signal;
  }

  /**
   * Extends the lease by ttlMs from now.
   *
   * @throws LeaseLostError when it is no longer this holder's; RedisUnavailableError when Redis
   * does not answer in time.
   */
  async renew(): Promise<void> {
    if (this.#released) throw this.lost(undefined, 'renew the lease');
    const { client, keys, ttlMs, timeoutMs, subject } = this.#options;
    const [ok, current] = (await bounded(
      client,
      () => client.eval(RENEW, 1, keys.lease, this.token, ttlMs),
      `renew the lease on ${subject.resource} "${subject.id}"`,
      timeoutMs,
    )) as [number, string | null];
    if (ok !== 1) throw this.lost(current, 'renew the lease');
  }

  /** Gives the lease back, if it is still this holder's. Safe to call more than once. */
  async release(): Promise<void> {
    this.#stop();
    if (this.#released) return;
    const { client, keys, timeoutMs, subject } = this.#options;
    await bounded(
      client,
      () => client.eval(RELEASE, 1, keys.lease, this.token),
      `release the lease on ${subject.resource} "${subject.id}"`,
      timeoutMs,
    );
    this.#released = true;
  }

  /**
   * Marks the lease lost (stopping renewals and aborting {@link signal}).
   *
   * @param current - The token Redis holds now, if any.
   * @param action - What was refused.
   * @returns the error to throw.
   */
  lost(current: unknown, action: string): LeaseLostError {
    const currentFence = fenceOf(current);
    const error = new LeaseLostError(
      {
        ...this.#options.subject,
        fence: this.fence,
        ...(currentFence !== undefined ? { currentFence } : {}),
      },
      action,
    );
    this.#stop();
    if (!this.#lost.signal.aborted) this.#lost.abort(error);
    return error;
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Tries once to take a lease: it is free, or its holder's expired.
 *
 * @returns the lease, or who holds it.
 */
export async function acquireLease(options: LeaseOptions): Promise<LeaseAttempt> {
  const { client, keys, ttlMs, timeoutMs, subject } = options;
  const [ok, token, third] = (await bounded(
    client,
    () => client.eval(ACQUIRE, 2, keys.lease, keys.fence, randomUUID(), ttlMs),
    `take the lease on ${subject.resource} "${subject.id}"`,
    timeoutMs,
  )) as [number, string, number];
  if (ok === 1) return { held: true, lease: new Lease(options, token, third) };
  return { held: false, fence: fenceOf(token), expiresInMs: Math.max(0, third) };
}
