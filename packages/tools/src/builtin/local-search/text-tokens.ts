/** A token of a text and where it starts. */
export interface TextToken {
  /** The normalised, stemmed term. */
  term: string;
  /** The offset of the word in the original text. */
  offset: number;
}

/** Common English words that carry no meaning for ranking. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for from has have how i if in into is it its of on or ' +
    'that the their then there these this to was we were what when where which who why ' +
    'will with you your do does can not no so than too very'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;
const COMBINING_MARKS = /\p{M}+/gu;

/**
 * A light suffix stemmer, so "installing", "installed" and "installs" meet "install". It only
 * strips common inflections and never touches short words; both queries and documents go through
 * it, so consistency matters more than linguistic accuracy.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /^\d/.test(word)) return word;
  if ((word.endsWith('ies') || word.endsWith('ied')) && word.length > 4) {
    return `${word.slice(0, -3)}y`;
  }
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('es') && /(?:ch|sh|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Lower-cases a word and removes its accents (`Café` → `cafe`). */
export function normaliseWord(word: string): string {
  return word.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
}

/**
 * Splits a text into search terms: words of letters and digits, lower-cased, accents removed,
 * stop words and single letters dropped, stemmed. Offsets point into the original text.
 */
export function tokenizeText(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = normaliseWord(match[0]);
    if (STOP_WORDS.has(word) || (word.length === 1 && !/\d/.test(word))) continue;
    tokens.push({ term: stem(word), offset: match.index });
  }
  return tokens;
}
