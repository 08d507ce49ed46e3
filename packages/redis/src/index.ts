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
