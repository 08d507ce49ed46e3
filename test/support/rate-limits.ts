/**
 * The test server's rate limits: requests and tokens per window, as OpenAI enforces them
 * (continuously refilled budgets), answered with `x-ratelimit-*` headers on every reply and a
 * 429 with `retry-after` when a request does not fit.
 *
 * @module
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { apiErrorBody } from './api-error.js';
import { estimateTokens } from './completion.js';

/** The `rateLimits` option of `startTestServer`. */
export interface RateLimitOptions {
  /** Requests per window. @default unlimited */
  rpm?: number;
  /** Tokens per window (each request's prompt plus its output bound). @default unlimited */
  tpm?: number;
  /** The window, in ms. @default 60_000 */
  windowMs?: number;
  /**
   * The tokens a request counts. @default the prompt estimated as the usage is (4 characters a
   * token of the messages and tools JSON) plus `max_completion_tokens` / `max_tokens`
   */
  tokensOf?: (body: ChatCompletionCreateParams) => number;
  /** Clock. @default Date.now */
  now?: () => number;
}

/** What a request got from the limits: headers to send, and a refusal when it did not fit. */
export interface RateLimitVerdict {
  headers: Record<string, string>;
  refusal?: { status: 429; body: object };
}

class Budget {
  level: number;
  at: number;
  constructor(
    readonly capacity: number,
    readonly ratePerMs: number,
    now: number,
  ) {
    this.level = capacity;
    this.at = now;
  }
  refill(now: number): number {
    this.level = Math.min(this.capacity, this.level + (now - this.at) * this.ratePerMs);
    this.at = now;
    return this.level;
  }
  /** ms until `cost` fits (a cost above the capacity waits for a full budget). */
  waitFor(cost: number, now: number): number {
    // Float noise in the refill is not a shortage (a client doing the same sums may land a hair
    // above where this one does).
    const missing = Math.min(cost, this.capacity) - this.refill(now);
    return missing <= 1e-6 ? 0 : Math.ceil(missing / this.ratePerMs);
  }
  resetMs(now: number): number {
    return Math.ceil((this.capacity - this.refill(now)) / this.ratePerMs);
  }
}

/** `1s`, `6m0s`, `20ms`: how OpenAI writes a reset duration. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Number((seconds - minutes * 60).toFixed(3))}s`;
}

/** The limits of one server: one requests budget and one tokens budget for every caller. */
export class ServerRateLimits {
  readonly #requests: Budget | undefined;
  readonly #tokens: Budget | undefined;
  readonly #tokensOf: (body: ChatCompletionCreateParams) => number;
  readonly #now: () => number;
  /** Requests refused with a 429. */
  refused = 0;
  /** Requests admitted. */
  admitted = 0;
  /** Tokens admitted. */
  admittedTokens = 0;

  constructor(options: RateLimitOptions) {
    const { rpm, tpm, windowMs = 60_000, now = Date.now } = options;
    this.#now = now;
    const start = now();
    if (rpm !== undefined) this.#requests = new Budget(rpm, rpm / windowMs, start);
    if (tpm !== undefined) this.#tokens = new Budget(tpm, tpm / windowMs, start);
    this.#tokensOf =
      options.tokensOf ??
      ((body) =>
        estimateTokens(
          JSON.stringify([
            body.messages ?? (body as { input?: unknown }).input ?? [],
            body.tools ?? [],
          ]).length,
        ) + (body.max_completion_tokens ?? body.max_tokens ?? 0));
  }

  /** Admits `body` (taking one request and its tokens) or refuses it with a 429. */
  check(body: ChatCompletionCreateParams): RateLimitVerdict {
    const now = this.#now();
    const tokens = this.#tokensOf(body);
    const requestWait = this.#requests?.waitFor(1, now) ?? 0;
    const tokenWait = this.#tokens?.waitFor(tokens, now) ?? 0;
    const waitMs = Math.max(requestWait, tokenWait);
    if (waitMs > 0) {
      this.refused += 1;
      const short = tokenWait >= requestWait ? 'tokens' : 'requests';
      const budget = (short === 'tokens' ? this.#tokens : this.#requests) as Budget;
      const headers = {
        ...this.#headers(now),
        'retry-after-ms': String(waitMs),
        'retry-after': String(Math.ceil(waitMs / 1000)),
      };
      const unit = short === 'tokens' ? 'tokens per min (TPM)' : 'requests per min (RPM)';
      const message = `Rate limit reached for ${body.model ?? 'the model'} on ${unit}: Limit ${budget.capacity}, Used ${Math.ceil(budget.capacity - budget.level)}, Requested ${short === 'tokens' ? tokens : 1}. Please try again in ${formatDuration(waitMs)}.`;
      return {
        headers,
        refusal: {
          status: 429,
          body: apiErrorBody({ message, type: short, code: 'rate_limit_exceeded' }),
        },
      };
    }
    if (this.#requests) this.#requests.level -= 1;
    if (this.#tokens) this.#tokens.level -= tokens;
    this.admitted += 1;
    this.admittedTokens += tokens;
    return { headers: this.#headers(now) };
  }

  #headers(now: number): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [kind, budget] of [
      ['requests', this.#requests],
      ['tokens', this.#tokens],
    ] as const) {
      if (!budget) continue;
      headers[`x-ratelimit-limit-${kind}`] = String(budget.capacity);
      headers[`x-ratelimit-remaining-${kind}`] = String(
        Math.max(0, Math.floor(budget.refill(now))),
      );
      headers[`x-ratelimit-reset-${kind}`] = formatDuration(budget.resetMs(now));
    }
    return headers;
  }
}
