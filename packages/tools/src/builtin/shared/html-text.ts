import { isRegexSpace } from './regex-space.js';

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  copy: '©',
};

/** Decodes the common named entities and every numeric one (`&#39;`, `&#x2F;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X'
          ? Number.parseInt(body.slice(2), 16)
          : Number.parseInt(body.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Removes tags from a short HTML fragment (a search snippet) and collapses its whitespace. */
export function stripTags(fragment: string): string {
  return decodeEntities(removeTags(fragment)).replace(/\s+/g, ' ').trim();
}

/** Elements whose content is not text: dropped with everything they hold. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'svg']);
/** Elements that break a line. */
const BREAKS = new Set(['br', 'hr']);
/** Block elements: their opening and closing tags end a line. */
const BLOCKS = new Set([
  ...['p', 'div', 'section', 'article', 'header', 'footer', 'li', 'ul', 'ol', 'tr', 'table'],
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'blockquote', 'title'],
]);

/**
 * Turns an HTML page into readable text: drops scripts, styles and comments, ends a line at each
 * block element, removes the other tags, decodes entities and collapses blank space. Not a full
 * HTML parser; enough for a model to read a page.
 *
 * Every step scans the text once. The regexes they replace (`<[^>]*>` and the like) gave the
 * same results but backtracked on unclosed tags: a 99 KB page of `<` took seconds of
 * synchronous work, during which no timeout could fire.
 */
export function htmlToText(html: string): string {
  const withoutHidden = removeHiddenElements(removeComments(html));
  const withBreaks = replaceTags(withoutHidden, BREAKS, false);
  return (
    decodeEntities(removeTags(replaceTags(withBreaks, BLOCKS, true)))
      // Each run of blank space becomes one space; a lone space, already one, is left alone
      // (replacing it anyway is most of the work on a page of short words).
      .replace(/(?: [ \t\f\v\u00a0]|[\t\f\v\u00a0])[ \t\f\v\u00a0]*/g, ' ')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** Whether a code unit is an ASCII letter, digit or `_` (`\w` in a regex without `u`). */
function isWordChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f
  );
}

/** The longest element name looked for (`blockquote`). */
const LONGEST_NAME = 10;

/** The lower-case tag name between `start` and `end` when it could be one looked for. */
function tagName(text: string, start: number, end: number): string {
  return end > start && end - start <= LONGEST_NAME ? text.slice(start, end).toLowerCase() : '';
}

/** The end of the run of word characters starting at `from`. */
function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWordChar(text.charCodeAt(i))) i += 1;
  return i;
}

/** Removes `<!-- ... -->`, each up to the first `-->` after it; an unclosed one stays. */
function removeComments(html: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const open = html.indexOf('<!--', pos);
    if (open === -1) break;
    const close = html.indexOf('-->', open + 4);
    // No `-->` after this comment means none after any later one either.
    if (close === -1) break;
    out += html.slice(pos, open);
    pos = close + 3;
  }
  return pos === 0 ? html : out + html.slice(pos);
}

/**
 * Where each closing tag of the hidden elements (`</script >`, any case) starts and ends, by
 * element name, in order: found in one pass over the text.
 */
function closingTags(html: string): Map<string, { start: number; end: number }[]> {
  const found = new Map<string, { start: number; end: number }[]>();
  for (let at = html.indexOf('</'); at !== -1; at = html.indexOf('</', at + 2)) {
    const nameEnd = wordEnd(html, at + 2);
    const name = tagName(html, at + 2, nameEnd);
    if (!HIDDEN.has(name)) continue;
    let i = nameEnd;
    while (i < html.length && isRegexSpace(html.charCodeAt(i))) i += 1;
    if (html.charCodeAt(i) !== 0x3e) continue;
    const list = found.get(name) ?? [];
    if (list.length === 0) found.set(name, list);
    list.push({ start: at, end: i + 1 });
  }
  return found;
}

/**
 * Removes each script, style, noscript, template and svg element from its opening tag to the
 * first closing tag of the same name after it; an unclosed one stays (its tags go later).
 */
function removeHiddenElements(html: string): string {
  let closings: Map<string, { start: number; end: number }[]> | undefined;
  /** The next closing tag to consider, by name: closings only ever move forward. */
  const next = new Map<string, number>();
  let out = '';
  let pos = 0;
  for (let open = html.indexOf('<', pos); open !== -1; open = html.indexOf('<', open + 1)) {
    const nameEnd = wordEnd(html, open + 1);
    const name = tagName(html, open + 1, nameEnd);
    if (!HIDDEN.has(name)) continue;
    closings ??= closingTags(html);
    const list = closings.get(name) ?? [];
    let index = next.get(name) ?? 0;
    while (index < list.length && (list[index] as { start: number }).start < nameEnd) index += 1;
    next.set(name, index);
    const closing = list[index];
    if (closing === undefined) continue;
    out += html.slice(pos, open);
    pos = closing.end;
    open = pos - 1;
  }
  return pos === 0 ? html : out + html.slice(pos);
}

/**
 * Replaces each tag `<name ...>` (and `</name ...>` when `closing`) whose name is in `names`,
 * any case, by a line break: the tag runs to the first `>` after its name; without one, no tag
 * from there on is complete.
 */
function replaceTags(html: string, names: ReadonlySet<string>, closing: boolean): string {
  let out = '';
  let pos = 0;
  for (let open = html.indexOf('<', pos); open !== -1; open = html.indexOf('<', open + 1)) {
    const nameStart = closing && html.charCodeAt(open + 1) === 0x2f ? open + 2 : open + 1;
    const nameEnd = wordEnd(html, nameStart);
    if (!names.has(tagName(html, nameStart, nameEnd))) continue;
    const end = html.indexOf('>', nameEnd);
    if (end === -1) break;
    out += `${html.slice(pos, open)}\n`;
    pos = end + 1;
    open = end;
  }
  return pos === 0 && out === '' ? html : out + html.slice(pos);
}

/** Removes every `<...>`, each up to the first `>` after it; a `<` with no `>` after it stays. */
function removeTags(html: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const open = html.indexOf('<', pos);
    if (open === -1) break;
    const close = html.indexOf('>', open + 1);
    if (close === -1) break;
    out += html.slice(pos, open);
    pos = close + 1;
  }
  return pos === 0 ? html : out + html.slice(pos);
}
