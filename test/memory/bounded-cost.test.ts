import { randomBytes } from 'node:crypto';
import { TokenCounter } from '@agentloop/memory';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getEncoder } from '../../packages/memory/src/encoder-cache.js';
import { splitForEncoding } from '../../packages/memory/src/split-text.js';

const MB = 1_000_000;
const encodings = ['o200k_base', 'cl100k_base'] as const;
const exact = (encoding: (typeof encodings)[number], text: string) =>
  getEncoder(encoding).encode_ordinary(text).length;
const models = { o200k_base: 'gpt-4o', cl100k_base: 'gpt-4' } as const;

/** The best of `tries` timings: a GC pause or a busy neighbour only ever adds time. */
function timed<T>(fn: () => T, tries = 1): { value: T; ms: number } {
  let best: { value: T; ms: number } | undefined;
  for (let i = 0; i < tries; i += 1) {
    const start = performance.now();
    const value = fn();
    const ms = performance.now() - start;
    if (!best || ms < best.ms) best = { value, ms };
  }
  return best as { value: T; ms: number };
}

describe.each(encodings)('bounded counting cost (%s)', (encoding) => {
  const counter = new TokenCounter({ model: models[encoding] });
  counter.countText('warm up');

  it.each(['a', '!', '\n', ' ', '中'])(
    '1 MB of %j takes well under a second and stays within 1 percent of the exact count',
    (char) => {
      // Exact counts of a run of one character are periodic in its length (BPE merges a uniform
      // run the same way everywhere), so the exact count of 1 MB is 1 MB / 2,048 times the exact
      // count of 2,048 characters, which tiktoken computes directly in milliseconds.
      const sample = exact(encoding, char.repeat(2_048));
      const expected = (sample * MB) / 2_048;
      const { value, ms } = timed(() => counter.countText(char.repeat(MB)));
      expect(Math.abs(value - expected) / expected).toBeLessThan(0.01);
      expect(ms).toBeLessThan(1_000);
    },
  );

  it('1 MB of base64 counts exactly, in about the time of one direct encode', () => {
    const text = randomBytes(750_000).toString('base64');
    expect(text.length).toBe(MB);
    // Base64 has no long pre-token, so encoding it whole is linear and gives the exact count.
    const direct = timed(() => exact(encoding, text), 3);
    const counted = timed(() => new TokenCounter({ model: models[encoding] }).countText(text), 3);
    expect(Math.abs(counted.value - direct.value) / direct.value).toBeLessThan(0.01);
    expect(counted.value).toBe(direct.value);
    // All of the time is tiktoken's own linear work (about 0.4 s on a quiet 2-core machine).
    expect(counted.ms).toBeLessThan(direct.ms * 1.5 + 100);
    expect(counted.ms).toBeLessThan(3_000);
  });

  it('cuts only where the counts add up exactly (property test against whole-text encoding)', () => {
    const alphabet = fc.constantFrom(
      ...'aZé中😀0 7\n\r\t.,!?\'"-_/()’'.split(''),
      ' the',
      "'s",
      '  ',
      '\n\n',
      'e\u0301',
      '123456',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), (parts) => {
        const text = parts.join('');
        // Tiny pieces force a cut at nearly every safe position.
        const pieces = splitForEncoding(text, 1, 10_000);
        expect(pieces.join('')).toBe(text);
        const sum = pieces.reduce((total, piece) => total + exact(encoding, piece), 0);
        expect(sum).toBe(exact(encoding, text));
      }),
      { numRuns: 400 },
    );
  });
});
