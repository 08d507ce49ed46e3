/**
 * @agentloop/redis: agentloop on Redis. Sessions shared by every replica, run checkpoints with a
 * lease and a fencing token, a session lock across processes, and a BullMQ run queue whose
 * workers take over a dead worker's runs from their last checkpoint.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_KEY_PREFIX,
  DEFAULT_REDIS_TIMEOUT_MS,
  type RedisConnection,
} from './connection.js';
export {
  LeaseLostError,
  RedisError,
  type RedisErrorCode,
  RedisUnavailableError,
} from './errors.js';
export {
  RunQueueError,
  type RunQueueErrorCode,
  type RunQueueErrorOptions,
} from './queue/errors.js';
export type { QueuedDecision } from './queue/queued-job.js';
export type { QueueAgent } from './queue/run-execution.js';
export {
  DEFAULT_RETENTION_MS,
  type EnqueueOptions,
  type RunEventsOptions,
  RunQueue,
  type RunQueueOptions,
} from './queue/run-queue.js';
export type { QueuedRunEvent, QueuedRunResult, QueuedRunStatus } from './queue/run-record.js';
export {
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_STALLED_INTERVAL_MS,
  RunWorker,
  type RunWorkerOptions,
} from './queue/run-worker.js';
export {
  DEFAULT_RUN_LEASE_MS,
  type RedisRunClaim,
  RedisRunStore,
  type RedisRunStoreOptions,
  type RunHolder,
} from './redis-run-store.js';
export {
  DEFAULT_SESSION_LEASE_MS,
  type RedisSessionLease,
  RedisSessionLock,
  type RedisSessionLockOptions,
} from './redis-session-lock.js';
export { RedisStore, type RedisStoreOptions } from './redis-store.js';
