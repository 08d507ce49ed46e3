/**
 * What a model asks of a rate limiter, and what it reports back. `RateLimiter` (this package,
 * one process) and `RedisRateLimiter` (`@agentloop/redis`, many processes) implement it; pass
 * either as a model's `limiter`.
 *
 * @module
 */

/** A request waiting to be sent. */
export interface RateLimitRequest {
  /** The prompt's tokens, counted exactly (messages and tool definitions). */
  promptTokens: number;
  /** The request's output bound (`max_completion_tokens` / `max_tokens`), when it has one. */
  maxOutputTokens?: number | undefined;
  /** Aborting it ends the wait: `acquire` rejects with an `AbortError`. */
  signal?: AbortSignal | undefined;
  /** Called each time the request has to wait, with how long and for which budget. */
  onWait?: ((waitMs: number, limit: RateLimitKind) => void) | undefined;
}

/** Which budget a request waits for. */
export type RateLimitKind = 'requests' | 'tokens' | 'retry_after';

/** One budget as the provider's `x-ratelimit-*` headers describe it. */
export interface ProviderBudget {
  /** `x-ratelimit-limit-*`: the budget per window. */
  limit?: number | undefined;
  /** `x-ratelimit-remaining-*`: what is left now. */
  remaining?: number | undefined;
  /** `x-ratelimit-reset-*`, in ms: when the budget is whole again. */
  resetMs?: number | undefined;
}

/** How a request admitted by a limiter went. */
export interface RateLimitOutcome {
  /** The HTTP status; absent when no answer came (a network fault, an abort). */
  status?: number | undefined;
  /** The provider's `retry-after` on a 429, in ms. */
  retryAfterMs?: number | undefined;
  /** The tokens the provider reported for the call (prompt plus completion), when it did. */
  usedTokens?: number | undefined;
  /** The provider's view of the request budget (`x-ratelimit-*-requests`). */
  requests?: ProviderBudget | undefined;
  /** The provider's view of the token budget (`x-ratelimit-*-tokens`). */
  tokens?: ProviderBudget | undefined;
}

/** A request's admission; settle it once the provider answered (or did not). */
export interface RateLimitLease {
  /** What the request reserved: one request, and its prompt plus output tokens. */
  readonly tokens: number;
  /**
   * Reports how the request went, so the limiter corrects itself: a 429 returns what it
   * reserved and pauses for `retry-after`, reported usage replaces an assumed output, and the
   * headers lower what is left to what the provider says. Call it once; later calls are ignored.
   */
  settle(outcome: RateLimitOutcome): void | Promise<void>;
}

/** A rate limiter a model consults before each request. */
export interface RequestLimiter {
  /**
   * Waits until the request fits the budgets, then reserves it.
   * @param request - Its tokens, signal and wait callback.
   * @returns The lease to settle when the provider answered.
   */
  acquire(request: RateLimitRequest): Promise<RateLimitLease>;
}

/** How many output tokens a request without `max_tokens` reserves, unless the limiter says. */
export const DEFAULT_OUTPUT_RESERVATION = 1024;
