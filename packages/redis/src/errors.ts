/**
 * The errors `@agentloop/redis` throws of its own. A store's failure to reach Redis is reported
 * the way every store of its kind reports it (`RunStoreError` from `RedisRunStore`,
 * `SessionStoreError` from `RedisStore`), with a {@link RedisUnavailableError} as its `cause`.
 *
 * @module
 */

import { AgentError, type ConfigErrorCode } from '@agentloop/protocol';

/**
 * Codes of {@link RedisError}.
 *
 * - `redis_unavailable`: Redis did not answer in time (down, unreachable, or gone mid-command).
 * - `lease_lost`: a write or renewal by a holder whose lease is gone (it expired, or another
 *   holder took it over): the write was refused and nothing was changed.
 * - `invalid_config`: an option is wrong (named by `option`).
 */
export type RedisErrorCode = 'redis_unavailable' | 'lease_lost' | ConfigErrorCode;

/** Marks a {@link RedisError} in every copy of the package. */
const REDIS_ERROR: unique symbol = Symbol.for('agentloop.error.redis');

/**
 * Base of the errors `@agentloop/redis` throws, itself an `AgentError`.
 *
 * @example
 * ```ts
 * try { await lock.acquire('u42'); } catch (e) { if (RedisError.isInstance(e)) console.log(e.code); }
 * ```
 */
export class RedisError extends AgentError {
  /** The stable code of the fault. */
  declare readonly code: RedisErrorCode;
  /** For `invalid_config`: the option at fault. */
  readonly option: string | undefined;
  /** Tells a {@link RedisError} from other packages' errors of the same code. */
  readonly [REDIS_ERROR] = true as const;

  /**
   * @param message - What happened, what was expected, and what to do.
   * @param options - The code, the option at fault and the cause.
   */
  constructor(
    message: string,
    { code, option, cause }: { code: RedisErrorCode; option?: string; cause?: unknown },
  ) {
    super({ code, message, cause });
    this.name = 'RedisError';
    this.option = option;
  }

  /** True for a {@link RedisError} (or a subclass) from any copy of the package. */
  static override isInstance(error: unknown): error is RedisError {
    return AgentError.hasMarker(error, REDIS_ERROR);
  }

  protected override details(): Record<string, unknown> {
    return this.option !== undefined ? { option: this.option } : {};
  }
}

/** Redis did not answer within the time allowed: code `redis_unavailable`. */
export class RedisUnavailableError extends RedisError {
  /** What was being done (`save run "run_1"`). */
  readonly operation: string;
  /** How long it was given, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param operation - What was being done.
   * @param timeoutMs - The time it was given.
   * @param cause - The client's error, when there was one (none for a timeout).
   */
  constructor(operation: string, timeoutMs: number, cause?: unknown) {
    const why =
      cause instanceof Error ? `it failed: ${cause.message}` : `no answer within ${timeoutMs} ms`;
    super(
      `Redis could not ${operation}: ${why}. Check that Redis is running and reachable at the configured address (REDIS_URL), then try again.`,
      { code: 'redis_unavailable', cause },
    );
    this.name = 'RedisUnavailableError';
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }

  /** True for a {@link RedisUnavailableError} from any copy of the package. */
  static override isInstance(error: unknown): error is RedisUnavailableError {
    return RedisError.isInstance(error) && error.code === 'redis_unavailable';
  }

  protected override details(): Record<string, unknown> {
    return { operation: this.operation, timeoutMs: this.timeoutMs };
  }
}

/**
 * A holder's lease is gone: it expired (the holder stopped renewing it in time) or another holder
 * took it over. The write or renewal that found out was refused, so a stale holder never
 * overwrites its successor's work. Code `lease_lost`.
 */
export class LeaseLostError extends RedisError {
  /** What the lease was on: `run` (a `RedisRunStore` claim) or `session` (a session lock). */
  readonly resource: 'run' | 'session';
  /** The run or session id. */
  readonly id: string;
  /** The fencing token the stale holder had. */
  readonly fence: number;
  /** The fencing token of the current holder, when there is one. */
  readonly currentFence: number | undefined;

  /**
   * @param details - The resource, its id, the stale fence and the current one.
   * @param action - What was refused (`save the checkpoint`).
   */
  constructor(
    details: { resource: 'run' | 'session'; id: string; fence: number; currentFence?: number },
    action: string,
  ) {
    const { resource, id, fence, currentFence } = details;
    const now =
      currentFence === undefined
        ? 'it expired and nobody holds it now'
        : `another holder took it over (fencing token ${currentFence})`;
    super(
      `Could not ${action}: the lease on ${resource} "${id}" with fencing token ${fence} is lost (${now}), so the write was refused and nothing was changed. The ${resource} is (or may be) continued elsewhere; ${resource === 'run' ? 'resume it from its latest checkpoint' : 'acquire the session again'} rather than going on here. Keep a holder's process responsive (leases are renewed every third of their ttlMs) or raise ttlMs.`,
      { code: 'lease_lost' },
    );
    this.name = 'LeaseLostError';
    this.resource = resource;
    this.id = id;
    this.fence = fence;
    this.currentFence = currentFence;
  }

  /** True for a {@link LeaseLostError} from any copy of the package. */
  static override isInstance(error: unknown): error is LeaseLostError {
    return RedisError.isInstance(error) && error.code === 'lease_lost';
  }

  protected override details(): Record<string, unknown> {
    return {
      resource: this.resource,
      id: this.id,
      fence: this.fence,
      ...(this.currentFence !== undefined ? { currentFence: this.currentFence } : {}),
    };
  }
}
