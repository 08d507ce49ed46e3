import type { Usage } from '@agentloop/core';

const integer = new Intl.NumberFormat('en-US');

/**
 * A duration for people: `41 ms`, `1.2 s`.
 *
 * @param ms - milliseconds.
 * @returns the text.
 */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Tool arguments on one line, clipped: `{"city":"Paris"}`.
 *
 * @param args - the parsed arguments (or the raw string).
 * @param maxChars - longer text ends with `…`. @default 80
 * @returns the text.
 */
export function formatArgs(args: unknown, maxChars = 80): string {
  const text = typeof args === 'string' ? args : (JSON.stringify(args) ?? String(args));
  return clip(text, maxChars);
}

/**
 * Text cut to a length, its last character replaced by `…` when it was longer.
 *
 * @param text - any text.
 * @param maxChars - the longest result.
 * @returns the text, at most `maxChars` characters long.
 */
export function clip(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * A run's usage on one line: `3 model calls · 1,234 tokens (1,100 in, 134 out) · $0.00021`.
 *
 * @param usage - the usage.
 * @param calls - how many model calls it sums.
 * @returns the text; the cost says "not in the price table" when it is unknown.
 */
export function formatUsage(usage: Usage, calls: number): string {
  const cost =
    usage.cost === undefined ? 'cost: model not in the price table' : `$${usage.cost.toFixed(5)}`;
  return `${calls} model call${calls === 1 ? '' : 's'} · ${integer.format(usage.totalTokens)} tokens (${integer.format(usage.promptTokens)} in, ${integer.format(usage.completionTokens)} out) · ${cost}`;
}

/**
 * A number with thousands separators.
 *
 * @param n - the number.
 * @returns the text.
 */
export function formatCount(n: number): string {
  return integer.format(n);
}
