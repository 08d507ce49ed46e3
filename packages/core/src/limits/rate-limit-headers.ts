import type { CompletionUsage } from 'openai/resources/completions';
import { parseRetryAfter } from '../models/openai-errors.js';
import type { ProviderBudget, RateLimitOutcome } from './request-limiter.js';

interface HeaderSource {
  get(name: string): string | null;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * A reset duration as OpenAI writes it (`1s`, `6m0s`, `59.6ms`, `1h2m3.5s`), or a bare number of
 * seconds, in ms; `undefined` for anything else.
 *
 * @param value - The header's value.
 */
export function parseResetDuration(value: string | null | undefined): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number.parseFloat(text) * 1000;
  let total = 0;
  let consumed = '';
  for (const match of text.matchAll(DURATION_PART)) {
    total += Number.parseFloat(match[1] as string) * (UNIT_MS[match[2] as string] ?? 0);
    consumed += match[0];
  }
  return consumed === text ? total : undefined;
}

function count(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number.parseFloat(value);
}

function budget(headers: HeaderSource, kind: 'requests' | 'tokens'): ProviderBudget | undefined {
  const limit = count(headers.get(`x-ratelimit-limit-${kind}`));
  const remaining = count(headers.get(`x-ratelimit-remaining-${kind}`));
  const resetMs = parseResetDuration(headers.get(`x-ratelimit-reset-${kind}`));
  if (limit === undefined && remaining === undefined && resetMs === undefined) return undefined;
  return { limit, remaining, resetMs };
}

/**
 * How a request went, for its rate limiter: the status, `retry-after`, the `x-ratelimit-*`
 * budgets and the tokens the provider reported.
 *
 * @param status - The HTTP status, when an answer came.
 * @param headers - The answer's headers, when an answer came.
 * @param usage - The reply's usage, when it had one.
 */
export function rateLimitOutcome(
  status: number | undefined,
  headers: HeaderSource | undefined,
  usage: CompletionUsage | null | undefined,
): RateLimitOutcome {
  const outcome: RateLimitOutcome = {};
  if (status !== undefined) outcome.status = status;
  if (headers) {
    const requests = budget(headers, 'requests');
    const tokens = budget(headers, 'tokens');
    if (requests) outcome.requests = requests;
    if (tokens) outcome.tokens = tokens;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(headers);
      if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
    }
  }
  if (usage && typeof usage.total_tokens === 'number') outcome.usedTokens = usage.total_tokens;
  return outcome;
}
