/**
 * Markdown ATX headings (`## Text ##`), read by scanning each line once. A pattern such as
 * `^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$` gives the same results but backtracks: `# a` followed by a
 * few thousand spaces took seconds (cubic in the run of spaces). These functions give exactly
 * what that pattern gave, in time linear in the line.
 */

import { isRegexSpace } from '../shared/regex-space.js';

/** A heading line: its level (the number of `#`) and its text without the closing hashes. */
export interface MarkdownHeading {
  level: number;
  text: string;
}

/** Whether a code unit ends a line for `.` in a regex (which matches anything else). */
const isLineTerminator = (code: number): boolean =>
  code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;

const HASH = 0x23;

/**
 * Reads a heading from one line (without its line break): up to three spaces, one to
 * `maxLevel` hashes, whitespace, then the text, with trailing whitespace and closing hashes
 * removed. `minText` is 1 where at least one character of text is required: then a line with
 * nothing after the whitespace is no heading, and a text of only hashes (`# #`) is kept as the
 * text. `undefined` when the line is not a heading.
 */
function parseHeadingLine(
  line: string,
  maxLevel: number,
  minText: 0 | 1,
): MarkdownHeading | undefined {
  let i = 0;
  while (i < 3 && line.charCodeAt(i) === 0x20) i += 1;
  const hashes = i;
  while (line.charCodeAt(i) === HASH) i += 1;
  const level = i - hashes;
  if (level < 1 || level > maxLevel) return undefined;
  // At least one whitespace character, and the text starts after all of them.
  const spaceStart = i;
  while (i < line.length && isRegexSpace(line.charCodeAt(i))) i += 1;
  if (i === spaceStart) return undefined;
  const textStart = i;
  // Where the tail starts: trailing whitespace, closing hashes and whitespace before them.
  let tail = line.length;
  while (tail > textStart && isRegexSpace(line.charCodeAt(tail - 1))) tail -= 1;
  while (tail > textStart && line.charCodeAt(tail - 1) === HASH) tail -= 1;
  while (tail > textStart && isRegexSpace(line.charCodeAt(tail - 1))) tail -= 1;
  if (textStart + minText > line.length) return undefined;
  const textEnd = Math.max(tail, textStart + minText);
  for (let j = textStart; j < textEnd; j += 1) {
    if (isLineTerminator(line.charCodeAt(j))) return undefined;
  }
  return { level, text: line.slice(textStart, textEnd) };
}

/**
 * Reads a markdown heading (levels 1 to 6) from one line without its line break.
 *
 * @returns The level and the text (empty for `#` alone or `## ##`), or `undefined`.
 */
export function parseHeading(line: string): MarkdownHeading | undefined {
  return parseHeadingLine(line, 6, 0);
}

/**
 * The title of a markdown document: the text of its first level-1 heading that has any (code
 * fences are not looked into). A `#` line with nothing after it is skipped (a pattern whose
 * `\s+` crossed line breaks took the next line's text as the title).
 *
 * @param content - The whole document.
 * @returns The title, or `undefined` when no line is a level-1 heading with text.
 */
export function documentTitle(content: string): string | undefined {
  let start = 0;
  for (let i = 0; i <= content.length; i += 1) {
    if (i < content.length && !isLineTerminator(content.charCodeAt(i))) continue;
    const heading = parseHeadingLine(content.slice(start, i), 1, 1);
    if (heading !== undefined) return heading.text;
    start = i + 1;
  }
  return undefined;
}
