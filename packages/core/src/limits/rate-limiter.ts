import { createAbortError } from '../errors/abort-error.js';
import { ConfigurationError } from '../errors/errors.js';
import {
  DEFAULT_OUTPUT_RESERVATION,
  type ProviderBudget,
  type RateLimitKind,
  type RateLimitLease,
  type RateLimitOutcome,
  type RateLimitRequest,
  type RequestLimiter,
} from './request-limiter.js';
import { TokenBucket } from './token-bucket.js';

/** Options of `new RateLimiter(...)`. */
export interface RateLimiterOptions {
  /**
   * Requests per window (per minute unless `windowMs` says). @default learned from the
   * provider's `x-ratelimit-limit-requests` header, else unlimited
   */
  rpm?: number | undefined;
  /**
   * Tokens per window: each request counts its prompt plus its output bound. @default learned
   * from `x-ratelimit-limit-tokens`, else unlimited
   */
  tpm?: number | undefined;
  /** The window the limits are per, in ms. @default 60_000 (OpenAI's limits are per minute) */
  windowMs?: number | undefined;
  /**
   * The output tokens reserved for a request that sets no `max_completion_tokens` /
   * `max_tokens`; the provider's reported usage replaces the guess when the reply comes.
   * @default 1024
   */
  outputTokens?: number | undefined;
}

interface Waiter {
  readonly cost: number;
  readonly assumed: boolean;
  readonly request: RateLimitRequest;
  resolve(lease: RateLimitLease): void;
  reject(error: unknown): void;
  /** Until when the wait told to the request lasts; told again if it waits longer. */
  toldUntil: number;
  detach(): void;
}

/**
 * A shared budget of requests and tokens per minute for any number of models, agents and runs
 * in this process: give the same limiter to every model that spends the same API key's limits
 * (`openai(name, { limiter })`). Each request is admitted before it leaves, in arrival order,
 * once one request and its tokens (the prompt counted exactly, plus its `max_tokens` or
 * `outputTokens`) fit; both budgets refill continuously, as OpenAI's do. The provider's answer
 * corrects it: `x-ratelimit-remaining-*` lowers what is left when the provider has less (another
 * process spending the same key), `x-ratelimit-limit-*` and `x-ratelimit-reset-*` set budgets
 * not given, `x-ratelimit-reset-*` also says how long the provider's budget cannot be full (so
 * requests in flight need not hold the refill back meanwhile), a 429's `retry-after` pauses
 * every request for that long and gives back what the refused one reserved, and reported usage
 * replaces an assumed output size.
 *
 * A run waiting for it emits `model:rate_limited` (`waitMs`, `limit`); aborting the run ends the
 * wait. For a budget shared across processes use `RedisRateLimiter` from `@agentloop/redis`.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ rpm: 500, tpm: 200_000 });
 * const fast = openai('gpt-4o-mini', { limiter });
 * const smart = openai('gpt-4o-mini', { limiter, baseURL: proxy }); // the same key's budget
 * ```
 */
export class RateLimiter implements RequestLimiter {
  /** The window the limits are per, in ms. */
  readonly windowMs: number;
  /** Output tokens assumed for a request without an output bound. */
  readonly outputTokens: number;
  #requests: TokenBucket | undefined;
  #tokens: TokenBucket | undefined;
  #pausedUntil = 0;
  readonly #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  /**
   * @param options - `rpm`, `tpm`, `windowMs`, `outputTokens`.
   * @throws ConfigurationError for a limit or window that is not a positive number.
   */
  constructor(options: RateLimiterOptions = {}) {
    const { rpm, tpm, windowMs = 60_000, outputTokens = DEFAULT_OUTPUT_RESERVATION } = options;
    checkPositive('rpm', rpm);
    checkPositive('tpm', tpm);
    checkPositive('windowMs', windowMs);
    if (!Number.isInteger(outputTokens) || outputTokens < 0) {
      throw new ConfigurationError(
        `RateLimiter: outputTokens must be a whole number of tokens >= 0, got ${String(outputTokens)}.`,
        { option: 'outputTokens' },
      );
    }
    this.windowMs = windowMs;
    this.outputTokens = outputTokens;
    const now = Date.now();
    if (rpm !== undefined) this.#requests = new TokenBucket(rpm, rpm / windowMs, now);
    if (tpm !== undefined) this.#tokens = new TokenBucket(tpm, tpm / windowMs, now);
  }

  /** Requests waiting now. */
  get waiting(): number {
    return this.#queue.length;
  }

  acquire(request: RateLimitRequest): Promise<RateLimitLease> {
    const { promptTokens, maxOutputTokens, signal } = request;
    if (!(Number.isFinite(promptTokens) && promptTokens >= 0)) {
      return Promise.reject(
        new ConfigurationError(
          `RateLimiter.acquire: promptTokens must be a number >= 0, got ${String(promptTokens)}.`,
          { option: 'promptTokens' },
        ),
      );
    }
    if (signal?.aborted) return Promise.reject(createAbortError(signal));
    const assumed = maxOutputTokens === undefined || maxOutputTokens === null;
    const cost = promptTokens + (assumed ? this.outputTokens : Math.max(0, maxOutputTokens));
    return new Promise<RateLimitLease>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(createAbortError(signal));
        this.#pump();
      };
      const waiter: Waiter = {
        cost,
        assumed,
        request,
        resolve,
        reject,
        toldUntil: 0,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** Admits the requests at the head of the queue that fit, and times the wait of the rest. */
  #pump(): void {
    const now = Date.now();
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Waiter;
      if (now < this.#pausedUntil || !this.#fits(head.cost, now)) break;
      this.#queue.shift();
      this.#admit(head, now);
    }
    if (this.#queue.length === 0) {
      this.#clearTimer();
      return;
    }
    let aheadRequests = 0;
    let aheadTokens = 0;
    let headWait = 0;
    for (const [i, waiter] of this.#queue.entries()) {
      const { waitMs, limit } = this.#waitOf(waiter.cost, aheadRequests, aheadTokens, now);
      if (i === 0) headWait = waitMs;
      if (now >= waiter.toldUntil) {
        waiter.toldUntil = now + waitMs;
        try {
          waiter.request.onWait?.(waitMs, limit);
        } catch {
          // A listener's failure is not the limiter's.
        }
      }
      aheadRequests += 1;
      aheadTokens += waiter.cost;
    }
    this.#arm(now + Math.max(1, headWait), now);
  }

  #fits(cost: number, now: number): boolean {
    return (this.#requests?.fits(1, now) ?? true) && (this.#tokens?.fits(cost, now) ?? true);
  }

  #waitOf(
    cost: number,
    aheadRequests: number,
    aheadTokens: number,
    now: number,
  ): { waitMs: number; limit: RateLimitKind } {
    const pause = Math.max(0, this.#pausedUntil - now);
    const requests = this.#requests?.waitFor(1, aheadRequests, now) ?? 0;
    const tokens = this.#tokens?.waitFor(cost, aheadTokens, now) ?? 0;
    const waitMs = Math.max(pause, requests, tokens);
    const limit: RateLimitKind =
      waitMs === pause && pause > 0
        ? 'retry_after'
        : waitMs === tokens && tokens > 0
          ? 'tokens'
          : 'requests';
    return { waitMs, limit };
  }

  #admit(waiter: Waiter, now: number): void {
    waiter.detach();
    this.#requests?.reserve(1, now);
    this.#tokens?.reserve(waiter.cost, now);
    let settled = false;
    const lease: RateLimitLease = {
      tokens: waiter.cost,
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        this.#settle(waiter, outcome, now);
      },
    };
    waiter.resolve(lease);
  }

  #settle(waiter: Waiter, outcome: RateLimitOutcome, admittedAt: number): void {
    const now = Date.now();
    this.#requests?.release(1, now);
    this.#tokens?.release(waiter.cost, now);
    if (outcome.status === 429) {
      // Refused: the provider did not spend the budget on it; it pauses everyone instead.
      this.#requests?.adjust(1, now);
      this.#tokens?.adjust(waiter.cost, now);
      if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > 0) {
        this.#pausedUntil = Math.max(this.#pausedUntil, now + outcome.retryAfterMs);
      }
    } else if (waiter.assumed && outcome.usedTokens !== undefined && outcome.usedTokens >= 0) {
      this.#tokens?.adjust(waiter.cost - outcome.usedTokens, now);
    }
    this.#requests = this.#correct(this.#requests, outcome.requests, now, admittedAt);
    this.#tokens = this.#correct(this.#tokens, outcome.tokens, now, admittedAt);
    if (this.#queue.length > 0) this.#pump();
  }

  /**
   * A budget after the provider's word on it: learned when none was given, lowered to what the
   * provider says is left (it may count requests this limiter never saw), and not held back by
   * requests in flight while the provider's reset time says its budget cannot be full (it
   * answered after `admittedAt`, with that long to go).
   */
  #correct(
    bucket: TokenBucket | undefined,
    budget: ProviderBudget | undefined,
    now: number,
    admittedAt: number,
  ): TokenBucket | undefined {
    if (budget === undefined) return bucket;
    const { limit, remaining, resetMs } = budget;
    if (bucket === undefined) {
      if (limit === undefined || !(limit > 0)) return undefined;
      // The reset time says how fast the spent part comes back; else a whole window's rate.
      const spent = remaining === undefined ? 0 : limit - remaining;
      const ratePerMs =
        resetMs !== undefined && resetMs > 0 && spent > 0 ? spent / resetMs : limit / this.windowMs;
      bucket = new TokenBucket(limit, ratePerMs, now);
    }
    if (remaining !== undefined && remaining >= 0) bucket.lowerTo(remaining, now);
    if (resetMs !== undefined && resetMs > 0) bucket.notFullUntil(admittedAt + resetMs);
    return bucket;
  }

  #arm(at: number, now: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#pump();
    }, at - now);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }
}

function checkPositive(option: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new ConfigurationError(
      `RateLimiter: ${option} must be a positive number, got ${String(value)}. Leave it out for no limit (or the provider's, learned from its headers).`,
      { option },
    );
  }
}
