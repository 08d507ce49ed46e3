/**
 * A tool call's `arguments` as text. The API sends a JSON string; some servers send the JSON
 * value itself (an object), which must be used, not replaced by `{}`; a call without the key (or
 * with `null`) has no arguments: `''`, which runs as `{}`.
 *
 * @param value - `function.arguments` as the server sent it (whole, or one streamed piece).
 * @returns The text to parse, or to append to the pieces before it.
 */
export function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value) ?? '';
}
