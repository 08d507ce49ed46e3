/** The default limit on a tool output sent to the model, in characters. */
export const DEFAULT_MAX_OUTPUT_CHARS = 20_000;

/** Stands in for a value JSON drops (undefined, functions, symbols). */
const OMIT = Symbol('omit');

/** Describes why a value could not be serialised, without throwing again. */
function unserializable(error: unknown): string {
  return `[Unserializable: ${error instanceof Error ? error.message : String(error)}]`;
}

/**
 * Turns any value into plain JSON data: circular references become `"[Circular]"`, BigInt a
 * decimal string, Map an object, Set an array, Error `{ name, message, ...fields, cause }`
 * (no stack). A getter or `toJSON` that throws becomes `"[Unserializable: message]"`.
 */
function toJSONData(value: unknown, ancestors: object[]): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return OMIT;
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.includes(value)) return '[Circular]';
  ancestors.push(value);
  try {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return toJSONData((value as { toJSON: () => unknown }).toJSON(), ancestors);
    }
    if (Array.isArray(value)) {
      return value.map((item) => {
        const data = toJSONData(item, ancestors);
        return data === OMIT ? null : data;
      });
    }
    if (value instanceof Map) {
      return toJSONData(Object.fromEntries([...value].map(([k, v]) => [String(k), v])), ancestors);
    }
    if (value instanceof Set) return toJSONData([...value], ancestors);
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      return toJSONData(Array.from(value as unknown as ArrayLike<unknown>), ancestors);
    }
    const out: Record<string, unknown> = {};
    const set = (key: string, data: unknown): void => {
      Object.defineProperty(out, key, { value: data, enumerable: true, writable: true });
    };
    if (value instanceof Error) {
      set('name', value.name);
      set('message', value.message);
    }
    for (const key of Object.keys(value)) {
      let data: unknown;
      try {
        data = toJSONData((value as Record<string, unknown>)[key], ancestors);
      } catch (error) {
        data = unserializable(error);
      }
      if (data !== OMIT) set(key, data);
    }
    if (value instanceof Error && value.cause !== undefined && !Object.hasOwn(out, 'cause')) {
      set('cause', toJSONData(value.cause, ancestors));
    }
    return out;
  } catch (error) {
    return unserializable(error);
  } finally {
    ancestors.pop();
  }
}

/**
 * Serialises a tool's return value to the text the model sees: a string as it is; `undefined`
 * as `null`; anything else as compact JSON that never throws (circular references become
 * `"[Circular]"`, BigInt a decimal string, Map an object, Set an array, an Error its name,
 * message and fields without the stack).
 */
export function serializeToolValue(value: unknown): string {
  if (typeof value === 'string') return value;
  // Most tools return plain data, which native JSON writes exactly as the safe path would, and
  // far faster: the safe path copies every value first. The replacer sees each value after its
  // `toJSON`, turns BigInt into text as the safe path does, and gives up on anything else
  // that is not plain; a cycle or a throwing getter makes JSON throw, and the safe path then
  // handles it.
  try {
    return JSON.stringify(value, plainDataOnly) ?? 'null';
  } catch {
    const data = toJSONData(value, []);
    if (data === OMIT) return 'null';
    return JSON.stringify(data) ?? 'null';
  }
}

/** Thrown by {@link plainDataOnly} to hand a value to the safe path. */
const NOT_PLAIN = new Error('not plain JSON data');

/** A `JSON.stringify` replacer that lets plain data through and throws {@link NOT_PLAIN} otherwise. */
function plainDataOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return value;
  throw NOT_PLAIN;
}

/**
 * Cuts a text to at most `maxChars` characters, ending it with a visible marker that says how
 * many characters were cut: `…[truncated: 12345 of 32345 characters cut]`. The result, marker
 * included, fits in `maxChars` unless `maxChars` is shorter than the marker itself. A surrogate
 * pair is never split.
 *
 * @param text - The full output.
 * @param maxChars - The limit (`Infinity` for none).
 */
export function truncateOutput(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const total = text.length;
  const marker = (cut: number): string => `\n…[truncated: ${cut} of ${total} characters cut]`;
  // The marker is sized with the largest possible count, so the real one is never longer.
  let keep = Math.max(0, maxChars - marker(total).length);
  const last = text.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return `${text.slice(0, keep)}${marker(total - keep)}`;
}

/** Options of {@link formatToolOutput}. */
export interface FormatToolOutputOptions {
  /** Cut outputs longer than this many characters. @default 20_000 */
  maxChars?: number | undefined;
}

/**
 * The text the model sees for a tool's return value: {@link serializeToolValue}, then cut to
 * `maxChars` with a marker saying how much was cut.
 *
 * @param value - What the tool returned.
 * @param options - `maxChars` (default 20,000).
 * @returns The tool message content.
 * @example
 * ```ts
 * formatToolOutput({ tempC: 21 }); // '{"tempC":21}'
 * formatToolOutput('x'.repeat(30_000)); // 19,956 x's, then '\n…[truncated: 10044 of 30000 characters cut]'
 * ```
 */
export function formatToolOutput(
  value: unknown,
  { maxChars = DEFAULT_MAX_OUTPUT_CHARS }: FormatToolOutputOptions = {},
): string {
  return truncateOutput(serializeToolValue(value), maxChars);
}
