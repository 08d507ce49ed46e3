import { RunQueueError } from './errors.js';

/** The BullMQ queue's name (its keys are `<prefix>:runs:*`). */
export const QUEUE_NAME = 'runs';

/** The key prefix when none is given. */
export const DEFAULT_PREFIX = 'agentloop';

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
  const base = `${prefix}:run:${runId}`;
  return { record: base, events: `${base}:events`, cancel: `${base}:cancel` };
}

/** The channel on which cancellations reach the workers. */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
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
  return `${prefix}:${QUEUE_NAME}:${jobId}:lock`;
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

/** Checks a key prefix. */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix === 'string' && /^[A-Za-z0-9_.:-]{1,100}$/.test(prefix)) return prefix;
  throw new RunQueueError(
    `"prefix" must be 1 to 100 letters, digits, "_", ".", ":" or "-", such as "myapp"; got ${typeof prefix === 'string' ? JSON.stringify(prefix) : typeof prefix}.`,
    { code: 'invalid_config', option: 'prefix' },
  );
}
