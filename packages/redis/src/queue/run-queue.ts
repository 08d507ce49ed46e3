import type { RunInput, WireError } from '@agentloop/core';
import { Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { RedisConnection } from '../connection.js';
import {
  blockingClient,
  bullConnection,
  commandClient,
  DEFAULT_UNAVAILABLE_AFTER_MS,
  describeRedis,
  redisOptions,
  withinBound,
} from './connection.js';
import { RunQueueError } from './errors.js';
import {
  bullPrefix,
  cancelChannel,
  checkPrefix,
  checkRunId,
  jobIdOf,
  QUEUE_NAME,
  runKeys,
} from './keys.js';
import {
  checkContext,
  checkDecisions,
  checkInput,
  type QueuedDecision,
  type QueuedJob,
} from './queued-job.js';
import { readRunEvents } from './run-events.js';
import {
  type QueuedRunEvent,
  type QueuedRunResult,
  type QueuedRunStatus,
  type RecordClient,
  resultOf,
  withRecordCommands,
} from './run-record.js';

/** How long a run's record and events are kept after it ends. @default 7 days */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;

/** Options of {@link RunQueue}. */
export interface RunQueueOptions {
  /** Where Redis is: a URL or ioredis options. */
  connection: RedisConnection;
  /** The prefix of every key (the workers must use the same). @default 'agentloop:' */
  prefix?: string;
  /**
   * How long a call waits for a Redis that does not answer before it rejects with
   * `RedisUnavailableError` (`redis_unavailable`). @default 10 000 ms
   */
  unavailableAfterMs?: number;
}

/** What `enqueue` takes. */
export interface EnqueueOptions {
  /** The agent's name: a key of the workers' `agents`. */
  agent: string;
  /** A user message, or chat messages to append to the conversation. */
  input: RunInput;
  /** The session whose history the run loads and appends to (with the agent's `memory.store`). */
  sessionId?: string;
  /** The run's user context, handed to tools as `ctx.context`: plain JSON (it travels through Redis). */
  context?: unknown;
  /** The run's id: enqueuing the same id twice runs the run once. @default `run_<uuid>` */
  runId?: string;
}

/** Options of `events`. */
export interface RunEventsOptions {
  /** Start after this event id (an earlier event's `id`), to resume a reading. @default the first event */
  after?: string;
  /** Stops the reading (the iteration ends without an error). */
  signal?: AbortSignal;
}

/**
 * The client side of the run queue: enqueue runs of agents that `RunWorker`s execute, on this
 * machine or others, and follow them. Runs are BullMQ jobs; each run's events are a Redis Stream.
 *
 * @example
 * ```ts
 * const queue = new RunQueue({ connection: 'redis://127.0.0.1:6379' });
 * const { runId } = await queue.enqueue({ agent: 'weather', input: 'Weather in Paris?' });
 * for await (const { event } of queue.events(runId)) console.log(event.type);
 * const result = await queue.result(runId);   // { status: 'completed', text, ... }
 * await queue.close();
 * ```
 */
export class RunQueue {
  readonly #options: RedisOptions;
  readonly #prefix: string;
  readonly #unavailableAfterMs: number;
  readonly #where: string;
  #queue: Queue | undefined;
  #client: RecordClient | undefined;
  readonly #readers = new Set<Redis>();
  #closed = false;

  /** @param options - see {@link RunQueueOptions}. */
  constructor({
    connection,
    prefix,
    unavailableAfterMs = DEFAULT_UNAVAILABLE_AFTER_MS,
  }: RunQueueOptions) {
    this.#options = redisOptions(connection);
    this.#prefix = checkPrefix(prefix, 'RunQueue');
    this.#unavailableAfterMs = checkBound(unavailableAfterMs);
    this.#where = describeRedis(this.#options);
  }

  /**
   * Puts a run on the queue. Resolves once Redis holds it (it is then never lost); a worker
   * runs it. Enqueuing a run id that is queued, running or ended already does nothing more and
   * returns the same id.
   *
   * @returns the run's id.
   * @throws RunQueueError `invalid_config` for bad arguments; RedisUnavailableError
   * (`redis_unavailable`) when Redis does not answer within `unavailableAfterMs`.
   */
  async enqueue({ agent, input, sessionId, context, runId }: EnqueueOptions): Promise<{
    runId: string;
  }> {
    this.#open();
    if (typeof agent !== 'string' || agent === '') {
      throw new RunQueueError(
        `enqueue(): "agent" must be the name of an agent the workers have (a key of RunWorker's agents); got ${typeof agent === 'string' ? 'an empty string' : typeof agent}.`,
        { code: 'invalid_config', option: 'agent' },
      );
    }
    if (sessionId !== undefined && (typeof sessionId !== 'string' || sessionId === '')) {
      throw new RunQueueError('enqueue(): "sessionId" must be a non-empty string.', {
        code: 'invalid_config',
        option: 'sessionId',
      });
    }
    const id = runId === undefined ? `run_${crypto.randomUUID()}` : checkRunId(runId);
    const job: QueuedJob = {
      runId: id,
      agent,
      gen: 0,
      input: checkInput(input),
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(context !== undefined ? { context: checkContext(context) } : {}),
    };
    const keys = runKeys(this.#prefix, id);
    await this.#bound(`enqueue run "${id}"`, id, async () => {
      const client = await this.#commands();
      // A run the queue knows already (queued, running or ended, maybe with its job removed)
      // is not queued again.
      if ((await client.exists(keys.record)) === 1) return;
      await this.#bullQueue().add(agent, job, { jobId: jobIdOf(id, 0) });
      await client.agentloopEnqueued(keys.record, agent);
    });
    return { runId: id };
  }

  /**
   * The run's events in order, from its Redis Stream, each with its `id`; the iteration ends at
   * the run's terminal event (`run:end` or `run:error`). After an interrupted run is resumed,
   * read on with `after` set to the `run:end` event's id. A reading cut off (a dropped client, a
   * restart) resumes with `after` set to the last id it got.
   *
   * @throws RunQueueError `run_not_found`; RedisUnavailableError.
   */
  async *events(
    runId: string,
    { after = '0-0', signal }: RunEventsOptions = {},
  ): AsyncGenerator<QueuedRunEvent, void, undefined> {
    this.#open();
    const id = checkRunId(runId);
    if (typeof after !== 'string' || !/^\d+-\d+$/.test(after)) {
      throw new RunQueueError(
        `events("${id}", { after }): "after" must be an event id such as "1712345678901-0" (an event's id); got ${JSON.stringify(after)}.`,
        { code: 'invalid_config', option: 'after', runId: id },
      );
    }
    await this.#record(id);
    const reader = blockingClient(this.#options, this.#unavailableAfterMs);
    reader.on('error', () => {});
    this.#readers.add(reader);
    try {
      yield* readRunEvents({
        reader,
        key: runKeys(this.#prefix, id).events,
        runId: id,
        after,
        unavailableAfterMs: this.#unavailableAfterMs,
        where: this.#where,
        signal,
      });
    } finally {
      this.#readers.delete(reader);
    }
  }

  /**
   * Waits for the run (or its latest resumption) to end: `completed` with the answer,
   * `interrupted` with the interruptions to decide (then `resume`), or `failed` with the error.
   *
   * @throws RunQueueError `run_not_found`; RedisUnavailableError.
   */
  async result(runId: string, { signal }: { signal?: AbortSignal } = {}): Promise<QueuedRunResult> {
    this.#open();
    const id = checkRunId(runId);
    const record = await this.#record(id);
    if (isEnded(record.status) && record.result)
      return JSON.parse(record.result) as QueuedRunResult;
    for await (const { event } of this.events(id, {
      after: record.terminalId ?? '0-0',
      ...(signal ? { signal } : {}),
    })) {
      if (event.type === 'run:end' || event.type === 'run:error') return resultOf(id, event);
    }
    throw new RunQueueError(`result("${id}") was stopped by its signal before the run ended.`, {
      code: 'queue_closed',
      runId: id,
    });
  }

  /**
   * Where the run stands now: `queued`, `running`, `interrupted`, `completed` or `failed`.
   *
   * @throws RunQueueError `run_not_found`; RedisUnavailableError.
   */
  async status(runId: string): Promise<QueuedRunStatus> {
    this.#open();
    return (await this.#record(checkRunId(runId))).status;
  }

  /**
   * Cancels the run: a run still waiting in the queue never starts (it ends with `run:error`,
   * `run_aborted`); a running one is aborted by the worker that owns it (its tools see
   * `ctx.signal` abort) and ends the same way. A worker that takes the run later sees the
   * cancellation too. Cancelling an ended run does nothing.
   *
   * @throws RunQueueError `run_not_found`; RedisUnavailableError.
   */
  async cancel(runId: string): Promise<void> {
    this.#open();
    const id = checkRunId(runId);
    const record = await this.#record(id);
    if (isEnded(record.status) && record.status !== 'interrupted') return;
    const keys = runKeys(this.#prefix, id);
    await this.#bound(`cancel run "${id}"`, id, async () => {
      const client = await this.#commands();
      await client.set(keys.cancel, '1', 'PX', DEFAULT_RETENTION_MS);
      await client.publish(cancelChannel(this.#prefix), id);
      // A job no worker holds yet is taken off the queue, and the run ended here.
      const removed =
        record.status === 'interrupted'
          ? 1
          : await this.#bullQueue().remove(jobIdOf(id, record.gen));
      if (removed !== 1) return;
      const error: WireError = {
        name: 'RunAbortedError',
        code: 'run_aborted',
        message: `Run "${id}" was cancelled (queue.cancel) before a worker ran it.`,
      };
      const event = JSON.stringify({ type: 'run:error', runId: id, turn: 0, error });
      const result = JSON.stringify({ runId: id, status: 'failed', error });
      await client.agentloopFinish(
        '',
        keys.events,
        keys.record,
        '',
        event,
        result,
        'failed',
        String(record.gen),
        String(DEFAULT_RETENTION_MS),
        'cancel',
      );
    });
  }

  /**
   * Continues an interrupted run once its interruptions are decided: `"approve"` runs the call,
   * `"reject"` (or `{ reject: message }`, what the model is told) does not. A worker takes the
   * continuation like any queued run; its events follow the `run:end` that interrupted it.
   *
   * @param decisions - keyed by interruption id (`result.interruptions[i].id`); interruptions
   * left out stay waiting, and the run interrupts again on them.
   * @throws RunQueueError `run_not_interrupted`, `run_not_found`, `invalid_config`; RedisUnavailableError.
   */
  async resume(runId: string, decisions: Record<string, QueuedDecision>): Promise<void> {
    this.#open();
    const id = checkRunId(runId);
    const record = await this.#record(id);
    if (record.status !== 'interrupted' || !record.result) {
      throw new RunQueueError(
        `resume("${id}"): the run is ${record.status}, not interrupted: only a run waiting for decisions (result.status === 'interrupted') can be resumed.`,
        { code: 'run_not_interrupted', runId: id },
      );
    }
    const ended = JSON.parse(record.result) as QueuedRunResult;
    const waiting = ended.status === 'interrupted' ? ended.interruptions.map((i) => i.id) : [];
    const checked = checkDecisions(id, decisions, waiting);
    await this.#bound(`resume run "${id}"`, id, async () => {
      const client = await this.#commands();
      const answer = await client.agentloopResume(runKeys(this.#prefix, id).record);
      if (!/^\d+$/.test(answer)) {
        throw new RunQueueError(
          `resume("${id}"): the run is ${answer}, not interrupted (resumed by another caller meanwhile?).`,
          { code: 'run_not_interrupted', runId: id },
        );
      }
      const gen = Number(answer);
      const job: QueuedJob = { runId: id, agent: record.agent, gen, decisions: checked };
      await this.#bullQueue().add(record.agent, job, { jobId: jobIdOf(id, gen) });
    });
  }

  /** Closes the queue's connections (and ends any `events` reading). Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const reader of this.#readers) reader.disconnect();
    await Promise.allSettled([this.#queue?.close(), this.#client?.quit()]);
    this.#client?.disconnect();
  }

  async #record(runId: string): Promise<{
    status: QueuedRunStatus;
    gen: number;
    agent: string;
    result?: string;
    terminalId?: string;
  }> {
    const fields = await this.#bound(`read run "${runId}"`, runId, async () =>
      (await this.#commands()).hgetall(runKeys(this.#prefix, runId).record),
    );
    if (!fields.status) {
      throw new RunQueueError(
        `The queue (prefix "${this.#prefix}") knows no run "${runId}": it was never enqueued, or ended more than its retention ago. Check the run id and the prefix.`,
        { code: 'run_not_found', runId },
      );
    }
    return {
      status: fields.status as QueuedRunStatus,
      gen: Number(fields.gen ?? 0),
      agent: fields.agent ?? '',
      ...(fields.result !== undefined ? { result: fields.result } : {}),
      ...(fields.terminalId !== undefined ? { terminalId: fields.terminalId } : {}),
    };
  }

  #bound<T>(what: string, runId: string | undefined, operation: () => Promise<T>): Promise<T> {
    return withinBound(operation, {
      ms: this.#unavailableAfterMs,
      where: this.#where,
      what,
      ...(runId !== undefined ? { runId } : {}),
    });
  }

  async #commands(): Promise<RecordClient> {
    if (!this.#client) {
      const client = commandClient(this.#options, this.#unavailableAfterMs);
      client.on('error', () => {});
      this.#client = withRecordCommands(client);
    }
    if (this.#client.status === 'wait') await this.#client.connect();
    return this.#client;
  }

  #bullQueue(): Queue {
    if (!this.#queue) {
      this.#queue = new Queue(QUEUE_NAME, {
        connection: bullConnection(this.#options, { maxRetriesPerRequest: 2 }),
        prefix: bullPrefix(this.#prefix),
        defaultJobOptions: JOB_OPTIONS,
      });
      // Its faults reach the caller through the call that met them (bounded, typed).
      this.#queue.on('error', () => {});
    }
    return this.#queue;
  }

  #open(): void {
    if (this.#closed) {
      throw new RunQueueError('The RunQueue was closed: make a new one.', { code: 'queue_closed' });
    }
  }
}

/**
 * How jobs are kept: a run whose worker fails for a reason outside the run (Redis lost, its lease
 * taken over) is tried again from its checkpoint a few times, with backoff.
 */
export const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 24 * 3_600 },
} as const;

function isEnded(status: QueuedRunStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'interrupted';
}

function checkBound(ms: unknown): number {
  if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0 && ms <= 600_000) return ms;
  throw new RunQueueError(
    `"unavailableAfterMs" must be a number of milliseconds between 1 and 600000; got ${String(ms)}.`,
    { code: 'invalid_config', option: 'unavailableAfterMs' },
  );
}

export { checkBound };
