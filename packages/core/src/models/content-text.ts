/**
 * The answer text of an assistant `content` that some providers send as an array of parts.
 *
 * @module
 */

/**
 * The answer text of a message's (or a stream delta's) `content`: a string as it is; an array of
 * parts (Mistral's magistral and mistral-small with thinking send
 * `[{ type: 'thinking', thinking: [...] }, { type: 'text', text: '...' }]`) as its text parts
 * joined in order. Thinking parts are the model's reasoning, not its answer, and are left out, as
 * are parts of any other type.
 *
 * @param content - the `content` the provider sent.
 * @returns the text, or `undefined` when there is none (absent, `null`, or no text part).
 */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text: string | undefined;
  for (const part of content as unknown[]) {
    const piece = partText(part);
    if (piece !== undefined) text = (text ?? '') + piece;
  }
  return text;
}

function partText(part: unknown): string | undefined {
  if (typeof part === 'string') return part;
  if (typeof part !== 'object' || part === null) return undefined;
  const { type, text } = part as { type?: unknown; text?: unknown };
  return type === 'text' && typeof text === 'string' ? text : undefined;
}
