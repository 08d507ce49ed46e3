import { parseHeading } from './markdown-heading.js';

/** A passage of a document: a piece of one section, indexed and returned on its own. */
export interface Passage {
  /** The 1-based line where the passage starts. */
  line: number;
  /** The heading of the markdown section it belongs to, if any. */
  heading: string | undefined;
  /** Its text. */
  text: string;
}

const FENCE = /^ {0,3}(```|~~~)/;

/**
 * Splits a text or markdown document into passages of at most about `maxChars` characters:
 * each markdown section (a heading and its body) is cut at paragraph boundaries, a paragraph
 * longer than the limit at word boundaries. Headings inside code fences are not headings.
 *
 * @param content - The document.
 * @param maxChars - The target passage size.
 */
export function splitPassages(content: string, maxChars: number): Passage[] {
  const passages: Passage[] = [];
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  let heading: string | undefined;
  let headingLine = 0;
  let sectionHasBody = false;
  let chunk: string[] = [];
  let chunkLine = 0;
  let paragraph: string[] = [];
  let paragraphLine = 0;
  let inFence = false;

  const flushChunk = (): void => {
    if (chunk.length === 0) return;
    passages.push({ line: chunkLine, heading, text: chunk.join('\n\n') });
    sectionHasBody = true;
    chunk = [];
  };
  const flushParagraph = (): void => {
    if (paragraph.length === 0) return;
    let text = paragraph.join('\n');
    const line = paragraphLine;
    paragraph = [];
    const size = chunk.reduce((sum, part) => sum + part.length + 2, 0);
    if (chunk.length > 0 && size + text.length > maxChars) flushChunk();
    while (text.length > maxChars) {
      // An oversized paragraph: cut at the last space before the limit.
      const cut = text.lastIndexOf(' ', maxChars);
      const at = cut > maxChars / 2 ? cut : maxChars;
      if (chunk.length === 0) chunkLine = line;
      chunk.push(text.slice(0, at));
      flushChunk();
      text = text.slice(at).trimStart();
    }
    if (text === '') return;
    if (chunk.length === 0) chunkLine = line;
    chunk.push(text);
  };
  const endSection = (): void => {
    flushParagraph();
    flushChunk();
    // A heading with no body is still worth finding: it names what the document covers.
    if (heading !== undefined && !sectionHasBody) {
      passages.push({ line: headingLine, heading, text: heading });
    }
  };

  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    if (FENCE.test(raw)) inFence = !inFence;
    const match = inFence ? undefined : parseHeading(raw);
    if (match) {
      endSection();
      heading = match.text || undefined;
      headingLine = lineNumber;
      sectionHasBody = false;
      return;
    }
    if (raw.trim() === '' && !inFence) {
      flushParagraph();
      return;
    }
    if (paragraph.length === 0) paragraphLine = lineNumber;
    paragraph.push(raw.trimEnd());
  });
  endSection();
  return passages;
}
