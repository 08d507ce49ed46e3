import type { WireError, WireEvent, WireRunEndEvent } from '@agentloop/core';
import type { Redis } from 'ioredis';

/** Where a queued run stands. */
export type QueuedRunStatus = 'queued' | 'running' | 'interrupted' | 'completed' | 'failed';

/**
 * How a queued run ended: as `run:end` reports it (`completed` or `interrupted`, with the answer
 * or the interruptions), or `failed` with the error `run:error` carried.
 */
export type QueuedRunResult =
  | ({ runId: string } & WireRunEndEvent['result'])
  | { runId: string; status: 'failed'; error: WireError };

/** One event of a queued run, with its id in the run's stream (pass it as `after` to resume). */
export interface QueuedRunEvent {
  /** The event's id in the run's Redis Stream. */
  id: string;
  /** The event, as `toWireEvent` gives it. */
  event: WireEvent;
}

/** True for the events that end a run (or one resumption of it). */
export function isTerminal(event: WireEvent): boolean {
  return event.type === 'run:end' || event.type === 'run:error';
}

/** The result a terminal event reports. */
export function resultOf(runId: string, event: WireEvent): QueuedRunResult {
  if (event.type === 'run:end') return { runId, ...event.result };
  if (event.type === 'run:error') return { runId, status: 'failed', error: event.error };
  throw new Error(`not a terminal event: ${event.type}`);
}

/** The status a terminal event leaves the run in. */
export function statusOf(event: WireEvent): QueuedRunStatus {
  return event.type === 'run:end' ? event.status : 'failed';
}

// Writes events only while the job's BullMQ lock is this worker's: a worker that lost its run
// (its lock expired, another took the run over) can no longer add to the run's stream.
const PUBLISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local id
for i = 2, #ARGV do id = redis.call('XADD', KEYS[2], '*', 'e', ARGV[i]) end
return id`;

// The terminal event and the record that reports it, in one step, fenced by the lock (or by
// nothing when ARGV[1] is empty: a run given up after its worker died). A generation that has
// already ended keeps its first ending.
const FINISH = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local gen = tonumber(redis.call('HGET', KEYS[3], 'gen') or '0')
local status = redis.call('HGET', KEYS[3], 'status')
if gen > tonumber(ARGV[5]) then return false end
if gen == tonumber(ARGV[5]) and (status == 'completed' or status == 'failed' or (status == 'interrupted' and ARGV[7] ~= 'cancel')) then return false end
local id = redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
redis.call('HSET', KEYS[3], 'status', ARGV[4], 'result', ARGV[3], 'terminalId', id, 'gen', ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return id`;

// A worker takes a job: 'skip' when its generation has ended (or a later one exists), else the
// record says 'running', and the answer says whether the run was cancelled meanwhile.
const BEGIN = `
local gen = tonumber(redis.call('HGET', KEYS[1], 'gen') or '0')
local status = redis.call('HGET', KEYS[1], 'status')
local job = tonumber(ARGV[1])
if gen > job then return 'skip' end
if gen == job and (status == 'completed' or status == 'failed' or status == 'interrupted') then return 'skip' end
redis.call('HSET', KEYS[1], 'status', 'running', 'gen', ARGV[1], 'agent', ARGV[2])
redis.call('PERSIST', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then return 'cancelled' end
return 'go'`;

// The record of a run just enqueued, unless it has one.
const ENQUEUED = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'gen', '0', 'agent', ARGV[1])
return 1`;

// An interrupted run's next generation: its number, or the status that refuses it.
const RESUME = `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'interrupted' then return status or 'missing' end
local gen = redis.call('HINCRBY', KEYS[1], 'gen', 1)
redis.call('HSET', KEYS[1], 'status', 'queued')
redis.call('PERSIST', KEYS[1])
return tostring(gen)`;

/** The queue's scripts, as commands of an ioredis client. */
export interface RecordCommands {
  agentloopPublish(
    lockKey: string,
    eventsKey: string,
    token: string,
    ...events: string[]
  ): Promise<string | null>;
  agentloopFinish(
    lockKey: string,
    eventsKey: string,
    recordKey: string,
    token: string,
    event: string,
    result: string,
    status: string,
    gen: string,
    retentionMs: string,
    mode: 'end' | 'cancel',
  ): Promise<string | null>;
  agentloopBegin(
    recordKey: string,
    cancelKey: string,
    gen: string,
    agent: string,
  ): Promise<'skip' | 'go' | 'cancelled'>;
  agentloopEnqueued(recordKey: string, agent: string): Promise<number>;
  agentloopResume(recordKey: string): Promise<string>;
}

/** The client with the queue's scripts defined on it. */
export type RecordClient = Redis & RecordCommands;

/** Defines the queue's scripts on a client (ioredis sends each by its hash, loading it once). */
export function withRecordCommands(client: Redis): RecordClient {
  client.defineCommand('agentloopPublish', { numberOfKeys: 2, lua: PUBLISH });
  client.defineCommand('agentloopFinish', { numberOfKeys: 3, lua: FINISH });
  client.defineCommand('agentloopBegin', { numberOfKeys: 2, lua: BEGIN });
  client.defineCommand('agentloopEnqueued', { numberOfKeys: 1, lua: ENQUEUED });
  client.defineCommand('agentloopResume', { numberOfKeys: 1, lua: RESUME });
  return client as RecordClient;
}
