/**
 * @agentloop/redis: agentloop on Redis. Sessions shared by every replica, run checkpoints with a
 * lease and a fencing token, a session lock across processes, and a BullMQ run queue whose
 * workers take over a dead worker's runs from their last checkpoint.
 *
 * @packageDocumentation
 */
export {
  RedisResponseCache,
  type RedisResponseCacheOptions,
} from './cache/redis-response-cache.js';
export {
  RedisRateLimiter,
  type RedisRateLimiterOptions,
} from './limits/redis-rate-limiter.js';
