/**
 * Splits text into pieces that tiktoken can encode in bounded time.
 *
 * tiktoken first cuts text into pre-tokens with a regex, then runs byte-pair merging on each,
 * which is quadratic in the pre-token's length: 100,000 'a' in a row take seconds. So long text
 * is cut into pieces before encoding, at positions where a pre-token always starts in both the
 * `cl100k_base` and `o200k_base` patterns; there the sum of the pieces' counts equals the count of
 * the whole. Only a run longer than `maxRun` characters without any such position (one repeated
 * character, a long word with no spaces) is cut blindly, which costs at most a token or so per cut.
 *
 * @module
 * @internal
 */

/** Pieces are cut at the first safe position after this many characters. */
export const TARGET_PIECE_CHARS = 4096;
/** A run with no safe position is cut blindly after this many characters. */
export const MAX_RUN_CHARS = 256;

const LETTER = 0;
const DIGIT = 1;
const MARK = 2;
const NEWLINE = 3;
const SPACE = 4;
const APOSTROPHE = 5;
const OTHER = 6;

const LETTER_RE = /\p{L}/u;
const DIGIT_RE = /\p{N}/u;
const MARK_RE = /\p{M}/u;
const SPACE_RE = /\s/u;

function classify(code: number): number {
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return LETTER;
    if (code >= 48 && code <= 57) return DIGIT;
    if (code === 10 || code === 13) return NEWLINE;
    if (code === 32 || (code >= 9 && code <= 12)) return SPACE;
    if (code === 39) return APOSTROPHE;
    return OTHER;
  }
  const char = String.fromCodePoint(code);
  if (LETTER_RE.test(char)) return LETTER;
  if (DIGIT_RE.test(char)) return DIGIT;
  if (MARK_RE.test(char)) return MARK;
  if (SPACE_RE.test(char)) return SPACE;
  return OTHER;
}

/**
 * Whether a pre-token starts between a character of class `prev` and one of class `cur` in both
 * encodings' patterns, whatever comes before or after.
 */
function isSafeCut(prev: number, cur: number): boolean {
  if (prev === LETTER || prev === DIGIT) {
    // Letters and digits end their pre-token at anything but more of the same run (and marks or
    // an apostrophe, which o200k_base may attach to a word).
    if (cur === OTHER || cur === SPACE || cur === NEWLINE) return true;
    return (prev === LETTER && cur === DIGIT) || (prev === DIGIT && cur === LETTER);
  }
  // Punctuation takes trailing newlines into its pre-token, but never other white space.
  if (prev === OTHER || prev === MARK || prev === APOSTROPHE) return cur === SPACE;
  // A run of white space ending in a newline is one pre-token, which ends where text resumes.
  if (prev === NEWLINE) return cur !== SPACE && cur !== NEWLINE;
  return false;
}

/**
 * Cuts `text` into pieces whose token counts add up to the count of `text` (exactly, except for
 * runs longer than `maxRun` without a safe position), each at most about `target + maxRun`
 * characters and containing no pre-token longer than `maxRun` characters.
 *
 * @param text - The text to split.
 * @param target - The piece length after which the next safe position ends the piece.
 * @param maxRun - The longest run kept without a safe position.
 * @returns The pieces, in order; `[text]` when it is short.
 */
export function splitForEncoding(
  text: string,
  target = TARGET_PIECE_CHARS,
  maxRun = MAX_RUN_CHARS,
): string[] {
  if (text.length <= maxRun) return [text];
  const pieces: string[] = [];
  let start = 0;
  let runStart = 0;
  let prev = -1;
  let i = 0;
  while (i < text.length) {
    const code = text.codePointAt(i) as number;
    const width = code > 0xffff ? 2 : 1;
    const cur = classify(code);
    if (prev !== -1 && isSafeCut(prev, cur)) {
      runStart = i;
      if (i - start >= target) {
        pieces.push(text.slice(start, i));
        start = i;
      }
    } else if (i - runStart >= maxRun) {
      // A pathological run: cut blindly. Cutting at a fixed stride keeps the pieces of a
      // repeated character identical, so callers can count one and reuse the count.
      if (i > start) pieces.push(text.slice(start, i));
      start = i;
      runStart = i;
    }
    prev = cur;
    i += width;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}
