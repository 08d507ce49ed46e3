/**
 * Issue 11 point 13: `retry-after` is read as whole seconds or an HTTP date in the future, and
 * `retry-after-ms` as a number of milliseconds >= 0; anything else leaves the wait to the backoff
 * (it used to be read as a date in the past, so the retry went out at once).
 */
import { ModelError } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../packages/core/src/models/openai-errors.js';
import { retryDelay, withRetry } from '../../packages/core/src/models/retry.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const headers = (values: Record<string, string>) => new Headers(values);
const secondsOrDate = (value: string) => parseRetryAfter(headers({ 'retry-after': value }), NOW);

describe('parseRetryAfter', () => {
  it('reads whole seconds', () => {
    expect(secondsOrDate('0')).toBe(0);
    expect(secondsOrDate('5')).toBe(5000);
    expect(secondsOrDate(' 120 ')).toBe(120_000);
  });

  it.each([
    '-5',
    '-1',
    '5.5.5',
    '1.5',
    '+3',
    '1e3',
    '0x10',
    '5 s',
    'soon',
    '2026-03-01T12:00:10Z',
    '',
  ])('leaves %j to the backoff', (value) => {
    expect(secondsOrDate(value)).toBeUndefined();
  });

  it('reads an HTTP date in the future, in each of the three HTTP date formats', () => {
    expect(secondsOrDate('Sun, 01 Mar 2026 12:00:30 GMT')).toBe(30_000);
    expect(secondsOrDate('Sunday, 01-Mar-26 12:00:30 GMT')).toBe(30_000);
    expect(secondsOrDate('Sun Mar  1 12:00:30 2026')).toBe(30_000);
  });

  it('leaves an HTTP date that is not in the future to the backoff', () => {
    expect(secondsOrDate('Sun, 01 Mar 2026 12:00:00 GMT')).toBeUndefined();
    expect(secondsOrDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBeUndefined();
  });

  it('reads retry-after-ms as milliseconds >= 0, and falls back to retry-after otherwise', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250' }), NOW)).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '12.5' }), NOW)).toBe(13);
    for (const bad of ['-5', 'abc', '1e3', '5.5.5', '']) {
      expect(parseRetryAfter(headers({ 'retry-after-ms': bad }), NOW), bad).toBeUndefined();
      expect(
        parseRetryAfter(headers({ 'retry-after-ms': bad, 'retry-after': '2' }), NOW),
        bad,
      ).toBe(2000);
    }
  });
});

describe('the wait after an unreadable retry-after', () => {
  it('is the backoff, not zero', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls === 1) {
          throw new ModelError({
            message: 'rate limited',
            status: 429,
            retryable: true,
            retryAfterMs: parseRetryAfter(headers({ 'retry-after': '-5' }), NOW),
          });
        }
        return 'ok';
      },
      {
        baseDelayMs: 1000,
        random: () => 0.5,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([500]);
  });

  it('a negative retryAfterMs on a ModelError is ignored too', () => {
    const error = new ModelError({
      message: 'busy',
      status: 503,
      retryable: true,
      retryAfterMs: -5000,
    });
    expect(retryDelay(1, error, { baseDelayMs: 1000, random: () => 0.5 })).toBe(500);
  });
});
