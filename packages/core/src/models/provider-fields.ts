import type { ProviderFields } from './model.js';

/**
 * Message keys of the OpenAI shape. The adapter handles the first four by name; the others are
 * response-only (`annotations`, `audio`) or legacy (`function_call`, `name`), and some servers
 * fill them with empty placeholders that a request must not carry back.
 */
const MESSAGE_KEYS = new Set([
  'role',
  'content',
  'refusal',
  'tool_calls',
  'annotations',
  'audio',
  'function_call',
  'name',
]);

/**
 * Tool-call keys of the OpenAI shape. `index` only positions a call in a stream; `custom` is the
 * other kind of call, which some servers fill with an empty placeholder on function calls.
 */
const TOOL_CALL_KEYS = new Set(['id', 'type', 'function', 'index', 'custom']);

/** Reasoning streams as text in these fields, one piece per chunk. */
const STREAMED_TEXT_KEYS = new Set(['reasoning_content', 'reasoning']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(source: unknown, known: ReadonlySet<string>): ProviderFields {
  const fields: ProviderFields = {};
  if (!isPlainObject(source)) return fields;
  // Keys, not entries: this runs for every streamed chunk, and most have no field to pick.
  for (const key of Object.keys(source)) {
    if (known.has(key)) continue;
    const value = source[key];
    // A null says "nothing here" (OpenRouter sends `reasoning: null`): nothing to echo.
    if (value !== null && value !== undefined) fields[key] = value;
  }
  return fields;
}

/**
 * The provider's own fields of a whole reply's assistant message (`reasoning_content`,
 * `reasoning`, `extra_content`, ...), which go back with the message in the next request.
 *
 * @param message - The message as the server sent it.
 * @returns The fields outside the OpenAI shape whose value is not null.
 */
export function messageProviderFields(message: unknown): ProviderFields {
  return pick(message, MESSAGE_KEYS);
}

/**
 * The provider's own fields of one tool call of a whole reply (Gemini 3's `extra_content`).
 *
 * @param call - The call as the server sent it.
 * @returns The fields outside the OpenAI shape whose value is not null.
 */
export function toolCallProviderFields(call: unknown): ProviderFields {
  return pick(call, TOOL_CALL_KEYS);
}

function mergeObjects(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === null || value === undefined) continue;
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) mergeObjects(current, value);
    else target[key] = isPlainObject(value) ? structuredClone(value) : value;
  }
}

function mergeDelta(target: ProviderFields, delta: unknown, known: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(pick(delta, known))) {
    if (STREAMED_TEXT_KEYS.has(key) && typeof value === 'string') {
      const before = target[key];
      target[key] = (typeof before === 'string' ? before : '') + value;
    } else if (isPlainObject(value)) {
      const current = target[key];
      if (isPlainObject(current)) mergeObjects(current, value);
      else target[key] = structuredClone(value);
    }
    // Other values describe the chunk rather than the message (Groq marks each reasoning piece
    // with `channel: "analysis"`); a server that refuses unknown fields would refuse them back.
  }
}

/**
 * Adds the provider fields of one streamed `delta` to those gathered so far: reasoning text
 * (`reasoning_content`, `reasoning`) is joined, object fields (`extra_content`) are merged.
 *
 * @param target - The fields gathered so far; changed in place.
 * @param delta - A chunk's `choices[i].delta`.
 */
export function mergeMessageDelta(target: ProviderFields, delta: unknown): void {
  mergeDelta(target, delta, MESSAGE_KEYS);
}

/**
 * Adds the provider fields of one streamed tool-call delta (Gemini 3 sends `extra_content` on
 * the call's first delta) to those of its call.
 *
 * @param target - The call's fields gathered so far; changed in place.
 * @param delta - One entry of a chunk's `delta.tool_calls`.
 */
export function mergeToolCallDelta(target: ProviderFields, delta: unknown): void {
  mergeDelta(target, delta, TOOL_CALL_KEYS);
}
