import {
  type AgentEvent,
  ConfigurationError,
  type RunStore,
  RunStoreError,
  toWireError,
  toWireEvent,
  type WireEvent,
} from '@agentloop/core';
import { type Job, Worker } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { RedisConnection } from '../connection.js';
import { RedisError } from '../errors.js';
import { RedisRunStore } from '../redis-run-store.js';
import {
  bullConnection,
  commandClient,
  DEFAULT_UNAVAILABLE_AFTER_MS,
  describeRedis,
  isConnectionFault,
  redisOptions,
  unavailable,
} from './connection.js';
import { RunQueueError } from './errors.js';
import { EventPublisher } from './event-publisher.js';
import { bullPrefix, cancelChannel, checkPrefix, lockKeyOf, QUEUE_NAME, runKeys } from './keys.js';
import type { QueuedJob } from './queued-job.js';
import { executeJob, type QueueAgent } from './run-execution.js';
import { checkBound, DEFAULT_RETENTION_MS } from './run-queue.js';
import { type RecordClient, resultOf, statusOf, withRecordCommands } from './run-record.js';

/** BullMQ's job lock: renewed every half of it; a dead worker's lock expires after it. @default 10 s */
export const DEFAULT_LOCK_DURATION_MS = 10_000;
/** How often each worker looks for jobs whose lock expired. @default 5 s */
export const DEFAULT_STALLED_INTERVAL_MS = 5_000;

/** Options of {@link RunWorker}. */
export interface RunWorkerOptions {
  /** Where Redis is: a URL or ioredis options (the same Redis as the queue's). */
  connection: RedisConnection;
  /** The agents this worker runs, by the name `enqueue({ agent })` gives. */
  agents: Record<string, QueueAgent>;
  /** How many runs this worker runs at once. @default 8 */
  concurrency?: number;
  /** The prefix of every key (the queue's). @default 'agentloop' */
  prefix?: string;
  /**
   * Where runs are checkpointed and claimed (a lease, so one worker owns a run at a time). It
   * must be shared by every worker of the queue: a run taken over is resumed from it.
   * @default a `RedisRunStore` on the same connection and prefix, its lease `lockDurationMs`
   */
  runStore?: RunStore;
  /**
   * BullMQ's `lockDuration`: a worker renews its jobs' locks every half of it; a dead worker's
   * runs are seen as stalled once it passes. @default 10 000 ms
   */
  lockDurationMs?: number;
  /** BullMQ's `stalledInterval`: how often stalled runs are looked for. @default 5 000 ms */
  stalledIntervalMs?: number;
  /** How many times a run may stall (its worker died) before it is given up (`worker_lost`). @default 3 */
  maxStalledCount?: number;
  /** How long a run taken over waits for the dead owner's claim in the run store to expire. @default 35 000 ms */
  claimWaitMs?: number;
  /** How long a Redis that does not answer is waited for before a typed error. @default 10 000 ms */
  unavailableAfterMs?: number;
  /** Where faults outside any run are reported (a lost connection, a script failing). @default none */
  onError?: (error: unknown) => void;
}

/**
 * Takes queued runs and runs them: each with the run store's checkpoints, its events published
 * to the run's stream as they happen, its cancellation heard from any process. When a worker
 * dies mid-run, another takes the run over once its lock expires (`lockDurationMs` plus at most
 * `stalledIntervalMs`, 15 s with the defaults) and resumes it from its last checkpoint: calls
 * recorded done never run again, a call started but not done runs again only when its tool is
 * `idempotent` (else the run interrupts with `unknown_outcome`).
 *
 * @example
 * ```ts
 * const worker = new RunWorker({
 *   connection: 'redis://127.0.0.1:6379',
 *   agents: { weather },
 *   concurrency: 8,
 * });
 * process.on('SIGTERM', () => worker.close());   // finishes the runs it holds, takes no more
 * ```
 */
export class RunWorker {
  readonly #agents: Record<string, QueueAgent>;
  readonly #prefix: string;
  readonly #runStore: RunStore;
  readonly #options: RedisOptions;
  readonly #unavailableAfterMs: number;
  readonly #claimWaitMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #client: RecordClient;
  readonly #subscriber: Redis;
  readonly #worker: Worker<QueuedJob>;
  /** The runs going on here, by id: what cancels each. */
  readonly #running = new Map<string, AbortController>();
  #closing: Promise<void> | undefined;
  readonly #subscribed: Promise<void>;
  #closeStore: () => Promise<void> = async () => {};

  /** @param options - see {@link RunWorkerOptions}. */
  constructor({
    connection,
    agents,
    concurrency = 8,
    prefix,
    runStore,
    lockDurationMs = DEFAULT_LOCK_DURATION_MS,
    stalledIntervalMs = DEFAULT_STALLED_INTERVAL_MS,
    maxStalledCount = 3,
    claimWaitMs = 35_000,
    unavailableAfterMs = DEFAULT_UNAVAILABLE_AFTER_MS,
    onError = () => {},
  }: RunWorkerOptions) {
    this.#options = redisOptions(connection);
    this.#prefix = checkPrefix(prefix, 'RunWorker');
    this.#agents = checkAgents(agents);
    positive('concurrency', concurrency, 10_000);
    positive('lockDurationMs', lockDurationMs, 600_000);
    if (runStore === undefined) {
      const own = new RedisRunStore({
        connection: this.#options,
        prefix: this.#prefix,
        leaseMs: lockDurationMs,
      });
      this.#runStore = own;
      this.#closeStore = () => own.close();
    } else {
      this.#runStore = checkRunStore(runStore);
    }
    positive('stalledIntervalMs', stalledIntervalMs, 600_000);
    positive('maxStalledCount', maxStalledCount, 1_000);
    positive('claimWaitMs', claimWaitMs, 600_000);
    this.#unavailableAfterMs = checkBound(unavailableAfterMs);
    this.#claimWaitMs = claimWaitMs;
    this.#onError = onError;

    this.#client = withRecordCommands(commandClient(this.#options, this.#unavailableAfterMs));
    this.#client.on('error', (error) => this.#onError(error));
    this.#subscriber = commandClient(this.#options, this.#unavailableAfterMs);
    this.#subscriber.on('error', (error) => this.#onError(error));
    this.#subscriber.on('message', (_channel: string, runId: string) => {
      this.#running.get(runId)?.abort(cancelled(runId));
    });
    this.#subscribed = this.#subscriber.subscribe(cancelChannel(this.#prefix)).then(
      () => {},
      (error: unknown) => this.#onError(error),
    );

    this.#worker = new Worker<QueuedJob>(
      QUEUE_NAME,
      (job, token, signal) => this.#process(job, token, signal),
      {
        connection: bullConnection(this.#options, { maxRetriesPerRequest: null }),
        prefix: bullPrefix(this.#prefix),
        concurrency,
        lockDuration: lockDurationMs,
        stalledInterval: stalledIntervalMs,
        maxStalledCount,
      },
    );
    this.#worker.on('error', (error) => this.#onError(error));
    this.#worker.on('failed', (job, error) => {
      if (job) void this.#giveUp(job, error).catch((e: unknown) => this.#onError(e));
    });
  }

  /** Resolves once the worker is connected and listening for runs (and for cancellations). */
  async ready(): Promise<void> {
    await Promise.all([this.#worker.waitUntilReady(), this.#subscribed]);
  }

  /**
   * Stops taking runs and waits for the runs it holds to end, then closes its connections.
   * Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#worker.close();
      await Promise.allSettled([this.#subscriber.quit(), this.#client.quit(), this.#closeStore()]);
      this.#subscriber.disconnect();
      this.#client.disconnect();
    })();
    return this.#closing;
  }

  async #process(
    job: Job<QueuedJob>,
    token: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const data = job.data;
    const { runId } = data;
    const keys = runKeys(this.#prefix, runId);
    const gen = String(data.gen);
    const begun = await this.#client.agentloopBegin(keys.record, keys.cancel, gen, data.agent);
    if (begun === 'skip') return;

    const lockKey = lockKeyOf(this.#prefix, job.id ?? runId);
    const controller = new AbortController();
    let lost: unknown;
    const publisher = new EventPublisher({
      client: this.#client,
      lockKey,
      eventsKey: keys.events,
      token: token ?? '',
      onLost: (cause) => {
        lost =
          cause === undefined
            ? new RunQueueError(
                `Run "${runId}" was taken over by another worker (this worker's lock on it expired): this worker stopped it.`,
                { code: 'worker_lost', runId },
              )
            : unavailable({
                ms: this.#unavailableAfterMs,
                where: describeRedis(this.#options),
                what: `write the events of run "${runId}"`,
                runId,
                cause,
              });
        controller.abort(lost);
      },
    });
    const onWorkerAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onWorkerAbort, { once: true });
    this.#running.set(runId, controller);
    let terminal: WireEvent | undefined;
    try {
      if (begun === 'cancelled') controller.abort(cancelled(runId));
      const agent = this.#agents[data.agent];
      let failure: unknown;
      if (!agent) {
        failure = new ConfigurationError(
          `No agent "${data.agent}" in this worker: it has ${Object.keys(this.#agents)
            .map((n) => `"${n}"`)
            .join(', ')}. Enqueue with one of those names, or give the worker that agent.`,
          { option: 'agent' },
        );
      } else {
        try {
          const rebuilt = await executeJob({
            agent,
            job: data,
            runStore: this.#runStore,
            claimWaitMs: this.#claimWaitMs,
            options: {
              signal: controller.signal,
              hooks: {
                onEvent: (event: AgentEvent) => {
                  const wire = toWireEvent(event);
                  if (event.type === 'run:end' || event.type === 'run:error') terminal = wire;
                  else publisher.push(wire);
                },
              },
            },
          });
          if (rebuilt) terminal = rebuilt;
        } catch (error) {
          failure = error;
        }
      }
      await publisher.drain();
      if (lost !== undefined) throw lost;
      if (failure !== undefined && outsideTheRun(failure)) {
        // Not the run's fault: the job is tried again (here or elsewhere) from the checkpoint.
        throw failure;
      }
      const name = this.#agents[data.agent]?.name ?? data.agent;
      terminal ??= {
        type: 'run:error',
        runId,
        agent: name,
        path: [name],
        turn: 0,
        error: toWireError(failure ?? new Error('the run ended without an outcome')),
      };
      await this.#client.agentloopFinish(
        lockKey,
        keys.events,
        keys.record,
        token ?? '',
        JSON.stringify(terminal),
        JSON.stringify(resultOf(runId, terminal)),
        statusOf(terminal),
        gen,
        String(DEFAULT_RETENTION_MS),
        'end',
      );
    } finally {
      signal?.removeEventListener('abort', onWorkerAbort);
      this.#running.delete(runId);
    }
  }

  /** A job BullMQ failed for good (retries spent, or stalled too often): the run ends failed. */
  async #giveUp(job: Job<QueuedJob>, error: Error): Promise<void> {
    if ((await job.getState()) !== 'failed') return;
    const { runId, gen } = job.data;
    const keys = runKeys(this.#prefix, runId);
    const reason = AgentErrorLike(error)
      ? error
      : new RunQueueError(
          `Run "${runId}" was given up: ${error.message} (its workers died or lost Redis ${job.attemptsMade} times). Its last checkpoint is kept.`,
          { code: 'worker_lost', runId, cause: error },
        );
    const name = this.#agents[job.data.agent]?.name ?? job.data.agent;
    const terminal: WireEvent = {
      type: 'run:error',
      runId,
      agent: name,
      path: [name],
      turn: 0,
      error: toWireError(reason),
    };
    await this.#client.agentloopFinish(
      '',
      keys.events,
      keys.record,
      '',
      JSON.stringify(terminal),
      JSON.stringify(resultOf(runId, terminal)),
      'failed',
      String(gen),
      String(DEFAULT_RETENTION_MS),
      'end',
    );
  }
}

/** True for failures that are not the run's: Redis gone, a checkpoint that could not be written. */
function outsideTheRun(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    if (RunStoreError.isInstance(e) || isConnectionFault(e)) return true;
    if (RunQueueError.isInstance(e) && e.code === 'worker_lost') return true;
    e = (e as { cause?: unknown } | null)?.cause;
  }
  return false;
}

function AgentErrorLike(error: unknown): boolean {
  return (
    RunStoreError.isInstance(error) ||
    RunQueueError.isInstance(error) ||
    RedisError.isInstance(error)
  );
}

function cancelled(runId: string): Error {
  return new Error(`Run "${runId}" was cancelled (queue.cancel).`);
}

function checkAgents(agents: unknown): Record<string, QueueAgent> {
  const ok =
    typeof agents === 'object' &&
    agents !== null &&
    Object.keys(agents).length > 0 &&
    Object.values(agents).every(
      (a) => typeof a === 'object' && a !== null && typeof (a as QueueAgent).run === 'function',
    );
  if (!ok) {
    throw new RunQueueError(
      'RunWorker: "agents" must be an object of agents by name, such as { weather, triage } (the names enqueue({ agent }) uses).',
      { code: 'invalid_config', option: 'agents' },
    );
  }
  return { ...(agents as Record<string, QueueAgent>) };
}

function checkRunStore(store: unknown): RunStore {
  const s = store as Record<string, unknown> | null | undefined;
  if (s && ['save', 'load', 'delete', 'claim'].every((m) => typeof s[m] === 'function')) {
    return store as RunStore;
  }
  throw new RunQueueError(
    'RunWorker: "runStore" must be a RunStore shared by every worker (RedisRunStore), so that a run taken over is resumed from its checkpoint.',
    { code: 'invalid_config', option: 'runStore' },
  );
}

function positive(option: string, value: unknown, max: number): void {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max) return;
  throw new RunQueueError(
    `RunWorker: "${option}" must be a positive integer of at most ${max}; got ${String(value)}.`,
    { code: 'invalid_config', option },
  );
}
