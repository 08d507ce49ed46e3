/**
 * `RedisRunStore`: run checkpoints in Redis, with a lease per run and fenced writes.
 *
 * @module
 */

import {
  assertSnapshotRunId,
  type RunClaim,
  type RunSnapshot,
  RunState,
  RunStateError,
  type RunStore,
  RunStoreError,
} from '@agentloop/core';
import {
  bounded,
  closeConnection,
  DEFAULT_REDIS_TIMEOUT_MS,
  durationOption,
  prefixOption,
  type RedisConnection,
  type ResolvedConnection,
  resolveConnection,
} from './connection.js';
import { RedisUnavailableError } from './errors.js';
import { acquireLease, fenceOf, type Lease, type LeaseKeys } from './lease.js';

/** The default lease of a run claim, in milliseconds. */
export const DEFAULT_RUN_LEASE_MS = 30_000;

/** Options of `new RedisRunStore(...)`. */
export interface RedisRunStoreOptions {
  /** Where Redis is: an ioredis client (shared), a `redis://` URL or ioredis options. */
  connection: RedisConnection;
  /**
   * Prefix of every key (`<prefix>run:{<runId>}`, `…:lease`, `…:fence`).
   * @default 'agentloop:'
   */
  prefix?: string | undefined;
  /**
   * How long a claim holds a run without a renewal. A claim renews itself every third of this
   * while its process lives; a crashed holder's run can be claimed again this long after its
   * last renewal.
   * @default 30000
   */
  leaseMs?: number | undefined;
  /**
   * The bound on each Redis call: a Redis that is down or gone fails the call with a typed
   * error within this time, never a hang.
   * @default 5000
   */
  timeoutMs?: number | undefined;
  /**
   * How long a checkpoint is kept after its last save (and a claim's fencing counter after the
   * last claim); none when unset.
   */
  ttlMs?: number | undefined;
}

/** Who holds a run's claim, as {@link RedisRunStore.holder} reports it. */
export interface RunHolder {
  /** The holder's fencing token. */
  fence: number;
  /** When its lease runs out unless renewed, in milliseconds from now. */
  expiresInMs: number;
}

/**
 * A claim on a run in a {@link RedisRunStore}: a lease renewed in the background, and the
 * fenced `save` the loop checkpoints through. Once the lease is lost (it expired, or another
 * worker took the run over), `save` and `renew` fail with `LeaseLostError` and `signal` aborts.
 */
export interface RedisRunClaim extends RunClaim {
  /** The run. */
  readonly runId: string;
  /** The fencing token: larger for every later claim on the run. */
  readonly fence: number;
  /** Aborted (its reason a `LeaseLostError`) once the claim is known to be lost. */
  readonly signal: AbortSignal;
  /**
   * Saves the run's snapshot if this claim still holds the run, and extends the lease.
   * @throws LeaseLostError when it does not (nothing is written); RunStoreError when Redis does
   * not answer.
   */
  save(snapshot: RunSnapshot): Promise<void>;
  /** Extends the lease now (it is renewed in the background anyway). */
  renew(): Promise<void>;
  /** Gives the run back, if this claim still holds it. Safe to call more than once. */
  release(): Promise<void>;
}

/** Writes the snapshot when the lease holds the caller's token; refreshes the lease. */
const SAVE_FENCED = `
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then return {0, current} end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[2], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, current}`;

/**
 * A {@link RunStore} on Redis: each run's latest checkpoint (the snapshot, which holds the
 * turn's tool-call journal: which calls were started and which are done, with their outcomes)
 * under `<prefix>run:{<runId>}`, so a run can be resumed by any process that reaches the same
 * Redis.
 *
 * A run is held through a lease: `claim(runId)` takes it when nobody holds it or its holder's
 * lease has expired (a crashed worker's), with a fencing token larger than any before. The loop
 * checkpoints through the claim (`RunClaim.save`), and a claim's save lands only while its lease
 * is still the current one: a stale holder (paused past its lease, then back) has its writes refused with a
 * `LeaseLostError` and its run fails instead of overwriting its successor's checkpoints.
 *
 * @example
 * ```ts
 * const runStore = new RedisRunStore({ connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
 * const agent = new Agent({ name: 'refunds', model, tools: [refund], runStore });
 * ```
 */
export class RedisRunStore implements RunStore {
  /** The key prefix. */
  readonly prefix: string;
  /** The lease of a claim, in milliseconds. */
  readonly leaseMs: number;
  /** The bound on each Redis call, in milliseconds. */
  readonly timeoutMs: number;
  readonly #ttlMs: number | undefined;
  readonly #connection: ResolvedConnection;

  /**
   * @param options - The connection and the timings.
   */
  constructor({ connection, prefix, leaseMs, timeoutMs, ttlMs }: RedisRunStoreOptions) {
    const owner = 'RedisRunStore';
    this.prefix = prefixOption(prefix, owner);
    this.leaseMs = durationOption(leaseMs, DEFAULT_RUN_LEASE_MS, 'leaseMs', owner);
    this.timeoutMs = durationOption(timeoutMs, DEFAULT_REDIS_TIMEOUT_MS, 'timeoutMs', owner);
    this.#ttlMs = ttlMs === undefined ? undefined : durationOption(ttlMs, 0, 'ttlMs', owner);
    this.#connection = resolveConnection(connection, owner);
  }

  /**
   * The key of a run's checkpoint.
   * @param runId - The run.
   */
  keyOf(runId: string): string {
    return `${this.prefix}run:{${assertRunId(runId)}}`;
  }

  /**
   * Saves a run's latest snapshot, unfenced, whoever holds the run (as every `RunStore` does).
   * The loop saves a claimed run through its claim's fenced `save` instead, which lands only
   * while the claim holds the run.
   *
   * @throws RunStoreError when Redis does not answer.
   */
  async save(snapshot: RunSnapshot): Promise<void> {
    const runId = assertSnapshotRunId(snapshot);
    const text = snapshotText(runId, snapshot);
    const key = this.keyOf(runId);
    const ttl = this.#ttlMs;
    await this.#call(
      (client) => (ttl === undefined ? client.set(key, text) : client.set(key, text, 'PX', ttl)),
      'save',
      runId,
    );
  }

  /** {@inheritDoc RunStore.load} */
  async load(runId: string): Promise<RunSnapshot | undefined> {
    const key = this.keyOf(runId);
    const text = await this.#call((client) => client.get(key), 'load', runId);
    if (text === null) return undefined;
    let snapshot: RunSnapshot;
    try {
      snapshot = RunState.parse(text).toJSON();
    } catch (error) {
      if (!RunStateError.isInstance(error)) throw error;
      throw new RunStateError(
        `The checkpoint of run "${runId}" (Redis key ${key}) cannot be read back. ${error.message} Delete the key to forget the run.`,
        { code: error.code, runId, field: error.field, cause: error },
      );
    }
    if (snapshot.runId !== runId) {
      throw new RunStateError(
        `The Redis key ${key} holds run "${snapshot.runId}", not "${runId}": it was copied or renamed. Delete it.`,
        { code: 'invalid_run_state', runId, field: 'runId' },
      );
    }
    return snapshot;
  }

  /**
   * Forgets a run: its checkpoint. A claim on it stays until released or expired, and its
   * fencing counter stays, so a stale holder can never write again.
   */
  async delete(runId: string): Promise<void> {
    const key = this.keyOf(runId);
    await this.#call((client) => client.del(key), 'delete', runId);
  }

  /**
   * Takes a run for the caller: succeeds when nobody holds it or its holder's lease expired
   * (a crashed worker's run is taken over), with a fencing token larger than any earlier claim's.
   *
   * @throws RunStateError `run_in_progress` when a live holder has it; RunStoreError when Redis
   * does not answer.
   */
  async claim(runId: string): Promise<RedisRunClaim> {
    const keys = this.#leaseKeys(runId);
    const attempt = await this.#call(
      (client) =>
        acquireLease({
          client,
          keys,
          subject: { resource: 'run', id: runId },
          ttlMs: this.leaseMs,
          timeoutMs: this.timeoutMs,
        }),
      'claim',
      runId,
    );
    if (!attempt.held) {
      throw new RunStateError(
        `Run "${runId}" is in progress: another caller holds its claim (fencing token ${attempt.fence ?? '?'}, its lease good for ${attempt.expiresInMs} ms more unless renewed). Wait until that run stops, or have its holder release the claim, then resume it; a run is never continued by two callers at once. If its process died, the claim can be taken once the lease has expired.`,
        { code: 'run_in_progress', runId },
      );
    }
    return this.#claimOf(runId, attempt.lease);
  }

  /**
   * Who holds a run's claim now, if anyone.
   * @param runId - The run.
   */
  async holder(runId: string): Promise<RunHolder | undefined> {
    const { lease } = this.#leaseKeys(runId);
    const [token, pttl] = await this.#call(
      async (client) => {
        const results = await client.multi().get(lease).pttl(lease).exec();
        return [results?.[0]?.[1], results?.[1]?.[1]] as [string | null, number];
      },
      'look up the holder of',
      runId,
    );
    const fence = fenceOf(token);
    return fence === undefined ? undefined : { fence, expiresInMs: Math.max(0, pttl) };
  }

  /** Closes the connection, when the store made it (a client it was given is left open). */
  close(): Promise<void> {
    return closeConnection(this.#connection);
  }

  #leaseKeys(runId: string): LeaseKeys {
    const key = this.keyOf(runId);
    return { lease: `${key}:lease`, fence: `${key}:fence` };
  }

  #claimOf(runId: string, lease: Lease): RedisRunClaim {
    const key = this.keyOf(runId);
    return {
      runId,
      fence: lease.fence,
      signal: lease.signal,
      save: async (snapshot) => {
        const id = assertSnapshotRunId(snapshot);
        if (id !== runId) {
          throw new RunStateError(
            `The claim on run "${runId}" was asked to save a snapshot of run "${id}": a claim saves its own run only.`,
            { code: 'invalid_run_state', runId, field: 'runId' },
          );
        }
        const text = snapshotText(runId, snapshot);
        const [ok, current] = (await this.#call(
          (client) =>
            client.eval(
              SAVE_FENCED,
              2,
              `${key}:lease`,
              key,
              lease.token,
              text,
              this.leaseMs,
              this.#ttlMs ?? '',
            ),
          'save',
          runId,
        )) as [number, string | null];
        if (ok !== 1) throw lease.lost(current, `save the checkpoint of run "${runId}"`);
      },
      renew: () => this.#call(() => lease.renew(), 'renew the claim on', runId),
      release: async () => {
        // Started here, not inside the bounded call: during an outage that call refuses at once
        // without running it, and the lease's background renewals would go on after Redis came
        // back, holding the run for a claim that is over (a takeover then waits in vain).
        // `Lease.release` stops them first, whatever Redis answers.
        const releasing = lease.release();
        releasing.catch(() => {});
        await this.#call(() => releasing, 'release the claim on', runId);
      },
    };
  }

  /** One call, its Redis failures as `RunStoreError` (the way every run store reports them). */
  async #call<T>(
    call: (client: ResolvedConnection['client']) => Promise<T>,
    action: string,
    runId: string,
  ): Promise<T> {
    try {
      return await bounded(
        this.#connection.client,
        () => call(this.#connection.client),
        `${action} run "${runId}"`,
        this.timeoutMs,
      );
    } catch (error) {
      // A refusal (a lost lease, a claimed run) is thrown as it is; an outage the way every
      // run store reports one.
      if (!RedisUnavailableError.isInstance(error)) throw error;
      throw new RunStoreError(
        `Could not ${action} run "${runId}" in Redis (key ${this.keyOf(runId)}): ${error.message}`,
        { runId, file: this.keyOf(runId), cause: error },
      );
    }
  }
}

function snapshotText(runId: string, snapshot: RunSnapshot): string {
  try {
    return JSON.stringify(snapshot);
  } catch (cause) {
    throw new RunStateError(
      `The snapshot of run "${runId}" cannot be written as JSON (${(cause as Error).message}); a snapshot holds JSON values only.`,
      { code: 'invalid_run_state', runId, cause },
    );
  }
}

/** A run id as a key part: any non-empty string without the hash-tag braces. */
function assertRunId(runId: unknown): string {
  if (typeof runId !== 'string' || runId.length === 0 || runId.length > 512 || /[{}]/.test(runId)) {
    throw new RunStateError(
      `A run id in Redis is a non-empty string of at most 512 characters without '{' or '}'; got ${typeof runId === 'string' ? JSON.stringify(runId.slice(0, 80)) : typeof runId}. The loop's own ids (run_<uuid>) always are.`,
      { code: 'invalid_run_state', field: 'runId' },
    );
  }
  return runId;
}
