import { DEFAULT_KEY_PREFIX, prefixOption } from '../connection.js';
import { RunQueueError } from './errors.js';

/** The BullMQ queue's name (its keys are `<prefix>queue:runs:*`). */
export const QUEUE_NAME = 'runs';

/** The key prefix when none is given (the stores'). */
export const DEFAULT_PREFIX = DEFAULT_KEY_PREFIX;

/** BullMQ's prefix under ours: it adds `:` and the queue's name. */
export function bullPrefix(prefix: string): string {
  return `${prefix}queue`;
}

/** The keys of one run. */
export interface RunKeys {
  /** The run's record (a hash): `status`, `gen`, `agent`, `result`, `terminalId`. */
  record: string;
  /** The run's events (a stream, one JSON wire event per entry in field `e`). */
  events: string;
  /** Set when the run was cancelled, so a worker that takes it later sees it. */
  cancel: string;
}

/** The keys of run `runId` under `prefix`. */
export function runKeys(prefix: string, runId: string): RunKeys {
  const base = `${prefix}queued:{${runId}}`;
  return { record: base, events: `${base}:events`, cancel: `${base}:cancel` };
}

/** The channel on which cancellations reach the workers. */
export function cancelChannel(prefix: string): string {
  return `${prefix}queue:cancel`;
}

/**
 * The BullMQ job of a run's generation: the first is the run's id (so that BullMQ refuses a
 * second job of the same run), each resumption `<runId>~<n>`.
 */
export function jobIdOf(runId: string, gen: number): string {
  return gen === 0 ? runId : `${runId}~${gen}`;
}

/** The lock BullMQ holds on a job while a worker runs it: events are written only under it. */
export function lockKeyOf(prefix: string, jobId: string): string {
  return `${bullPrefix(prefix)}:${QUEUE_NAME}:${jobId}:lock`;
}

const RUN_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/** Checks a run id: it names Redis keys and a BullMQ job. */
export function checkRunId(runId: unknown, option = 'runId'): string {
  if (typeof runId === 'string' && RUN_ID.test(runId) && !/^\d+$/.test(runId)) return runId;
  throw new RunQueueError(
    `"${option}" must be 1 to 200 letters, digits, "_", "." or "-" (not digits only), such as "run_42a"; got ${typeof runId === 'string' ? JSON.stringify(runId.slice(0, 80)) : typeof runId}. Leave it out for a fresh id.`,
    { code: 'invalid_config', option },
  );
}

/** Checks a key prefix (the stores' rule: no `{` or `}`). */
export function checkPrefix(prefix: unknown, owner: string): string {
  return prefixOption(prefix, owner);
}
