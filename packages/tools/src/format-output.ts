/** The default limit on a tool output sent to the model, in characters. */
export const DEFAULT_MAX_OUTPUT_CHARS = 20_000;

/** Stands in for a value JSON drops (undefined, functions, symbols). */
const OMIT = Symbol('omit');

/** What is said of an error nothing can be read from (a Proxy whose every trap throws). */
const UNREADABLE = 'a value that cannot be read (every access to it throws)';

/**
 * Describes why a value could not be serialised, without throwing again: what a getter or
 * `toJSON` threw may itself be a value whose every access throws.
 */
function unserializable(error: unknown): string {
  let reason: string;
  try {
    const message: unknown = error instanceof Error ? error.message : error;
    reason = typeof message === 'string' ? message : String(message);
  } catch {
    reason = UNREADABLE;
  }
  return `[Unserializable: ${reason}]`;
}

/**
 * What JSON cannot write well, made writable, one level deep (the caller goes on into what it
 * returns): BigInt becomes its decimal text, a Map an object, a Set or a typed array an array,
 * an Error `{ name, message, ...fields, cause }` (no stack), a boxed primitive its primitive.
 * Anything else is returned as it is. Both serialisation paths apply it after `toJSON`, where
 * `JSON.stringify` applies a replacer, so they agree by construction.
 */
function convert(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return value;
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  if (value instanceof Set) return [...value];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<unknown>);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return value.valueOf();
  }
  if (value instanceof Error) {
    const out: Record<string, unknown> = {};
    const set = (key: string, data: unknown): void => {
      Object.defineProperty(out, key, { value: data, enumerable: true, writable: true });
    };
    set('name', value.name);
    set('message', value.message);
    for (const key of Object.keys(value))
      set(key, (value as unknown as Record<string, unknown>)[key]);
    if (value.cause !== undefined && !Object.hasOwn(out, 'cause')) set('cause', value.cause);
    return out;
  }
  return value;
}

/**
 * The safe path, for what `JSON.stringify` throws on: the same steps as JSON (`toJSON` with its
 * key, then {@link convert}, then the value's parts), except that a circular reference becomes
 * `"[Circular]"` and a getter or `toJSON` that throws becomes `"[Unserializable: message]"`.
 */
function toJSONData(given: unknown, key: string, ancestors: object[]): unknown {
  if (typeof given === 'object' && given !== null && ancestors.includes(given)) return '[Circular]';
  let value = given;
  try {
    const type = typeof value;
    if ((type === 'object' && value !== null) || type === 'bigint' || type === 'function') {
      const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') value = toJSON.call(value, key);
    }
    value = convert(value);
  } catch (error) {
    return unserializable(error);
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return OMIT;
  if (typeof value !== 'object' || value === null) return value;
  // Cycles are tracked on the values as given: a converted Error or Map is a fresh object.
  ancestors.push(typeof given === 'object' && given !== null ? given : value);
  try {
    if (Array.isArray(value)) {
      return value.map((item, index) => {
        const data = toJSONData(item, String(index), ancestors);
        return data === OMIT ? null : data;
      });
    }
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(value)) {
      let data: unknown;
      try {
        data = toJSONData((value as Record<string, unknown>)[name], name, ancestors);
      } catch (error) {
        data = unserializable(error);
      }
      if (data !== OMIT) {
        Object.defineProperty(out, name, { value: data, enumerable: true, writable: true });
      }
    }
    return out;
  } catch (error) {
    return unserializable(error);
  } finally {
    ancestors.pop();
  }
}

/** A `JSON.stringify` replacer applying {@link convert}. */
function convertReplacer(_key: string, value: unknown): unknown {
  return convert(value);
}

/**
 * Serialises a tool's return value to the text the model sees: a string as it is; `undefined`
 * as `null`; anything else as compact JSON that never throws (circular references become
 * `"[Circular]"`, BigInt a decimal string, Map an object, Set an array, an Error its name,
 * message and fields without the stack, a getter or `toJSON` that throws
 * `"[Unserializable: message]"`).
 */
export function serializeToolValue(value: unknown): string {
  if (typeof value === 'string') return value;
  // Native JSON with the replacer does it all, far faster than copying the value first; it
  // throws only on a cycle or a throwing getter or toJSON, which the safe path then handles.
  try {
    return JSON.stringify(value, convertReplacer) ?? 'null';
  } catch {
    return serializeSafely(value);
  }
}

/** The safe path of {@link serializeToolValue}, exported for tests that compare the two. */
export function serializeSafely(value: unknown): string {
  try {
    const data = toJSONData(value, '', []);
    if (data === OMIT) return 'null';
    return JSON.stringify(data) ?? 'null';
  } catch (error) {
    // Each part is already guarded; this catches what escapes even that (a stack overflow
    // while describing a fault), so that serialising never throws.
    return JSON.stringify(unserializable(error));
  }
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
