/** The outcome of {@link parseToolArguments}. */
export type ParsedToolArguments =
  | { ok: true; value: unknown }
  | { ok: false; reason: string; text: string };

/**
 * Parses a tool call's raw `arguments` the way `ToolRegistry.execute` does: surrounding
 * whitespace is ignored, and an empty string (some providers send one for a call without
 * arguments) means `{}`. Callers that parse first (to show or approve the arguments) pass the
 * value to `execute` as `args`, so the text is parsed once. Arguments that are already a value
 * (a model that hands over the JSON object itself rather than its text) are used as they are;
 * `null` or `undefined` (no arguments at all) mean `{}`.
 *
 * @param text - The raw JSON text the model produced.
 * @returns `{ ok: true, value }`, or `{ ok: false, reason, text }` with the parser's message.
 */
export function parseToolArguments(text: string): ParsedToolArguments {
  const raw: unknown = text;
  if (raw === undefined || raw === null) return { ok: true, value: {} };
  if (typeof raw !== 'string') return { ok: true, value: raw };
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(trimmed) as unknown };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? error.message : String(error),
      text: trimmed,
    };
  }
}
