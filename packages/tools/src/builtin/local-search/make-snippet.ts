/**
 * Cuts a passage to about `maxChars` characters around its matches: the window holding the most
 * matched words, starting a little before the first of them, cut at word boundaries, with `…`
 * where text was left out. Whitespace is collapsed.
 *
 * @param text - The passage.
 * @param matchOffsets - Offsets of matched words in `text`.
 * @param maxChars - The snippet's size.
 */
export function makeSnippet(
  text: string,
  matchOffsets: readonly number[],
  maxChars: number,
): string {
  if (text.length <= maxChars) return text.replace(/\s+/g, ' ').trim();
  const lead = Math.min(60, Math.floor(maxChars / 4));
  let best = 0;
  let bestCount = -1;
  for (const offset of matchOffsets.length > 0 ? matchOffsets : [0]) {
    const start = Math.max(0, offset - lead);
    const count = matchOffsets.filter((o) => o >= start && o < start + maxChars).length;
    if (count > bestCount) {
      best = start;
      bestCount = count;
    }
  }
  let start = Math.min(best, text.length - maxChars);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space - start < 20) start = space + 1;
  }
  let end = Math.min(text.length, start + maxChars);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + maxChars / 2) end = space;
  }
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
