/**
 * The size of the Responses output items an assistant message carries back to the model (core's
 * `openaiResponses()` keeps them in the message's `responses_output` field): the reasoning items
 * go back in the next request beside the calls they preceded, so they take room in the context.
 *
 * @module
 * @internal
 */

/** The assistant message field holding the Responses output items (core's `RESPONSES_OUTPUT_FIELD`). */
const RESPONSES_OUTPUT_FIELD = 'responses_output';

/**
 * Base64 characters per token of an `encrypted_content` (an estimate, on the high side): the
 * ciphertext is opaque, so its decoded size (3 bytes per 4 characters) is counted at 4 bytes per
 * token, the usual size of a token of English text. Counting more than the model may see keeps a
 * trimmed conversation inside the budget; the API may drop old reasoning, which only leaves room.
 */
export const ENCRYPTED_CHARS_PER_TOKEN = 16 / 3;

/**
 * The tokens of the reasoning items in a message's `responses_output`: each summary and content
 * text exactly, each `encrypted_content` estimated by {@link ENCRYPTED_CHARS_PER_TOKEN}. Other
 * entries (message and function call markers) repeat what the message's own fields say and are
 * counted there. A field that is not an array, or entries that are not objects, count 0.
 *
 * @param message - An assistant message.
 * @param countText - Counts the tokens of a text.
 */
export function countResponsesOutputTokens(
  message: object,
  countText: (text: string) => number,
): number {
  const entries = (message as Record<string, unknown>)[RESPONSES_OUTPUT_FIELD];
  if (!Array.isArray(entries)) return 0;
  let tokens = 0;
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) continue;
    const item = entry as {
      type?: unknown;
      summary?: unknown;
      content?: unknown;
      encrypted_content?: unknown;
    };
    if (item.type !== 'reasoning') continue;
    for (const list of [item.summary, item.content]) {
      if (!Array.isArray(list)) continue;
      for (const part of list) {
        const text = (part as { text?: unknown } | null)?.text;
        if (typeof text === 'string') tokens += countText(text);
      }
    }
    if (typeof item.encrypted_content === 'string') {
      tokens += Math.ceil(item.encrypted_content.length / ENCRYPTED_CHARS_PER_TOKEN);
    }
  }
  return tokens;
}
