/** How much of a free-form value (tool arguments, outputs, error fields) a wire event carries. */
export interface WireLimits {
  /** The deepest nesting of arrays and objects sent as they are. */
  readonly maxDepth: number;
  /** The longest free-form value sent as it is, in characters (of its JSON, for a non-string). */
  readonly maxChars: number;
}

/**
 * The bounds of every wire event (see `toWireEvent`): a free-form value nested deeper than 64
 * levels, or longer than 256 Ki characters, is sent as a string holding its start and a
 * `…[truncated: ...]` marker.
 */
export const WIRE_LIMITS: WireLimits = Object.freeze({ maxDepth: 64, maxChars: 256 * 1024 });

/** The deepest copy {@link safeJson} makes: deeper ones would risk the call stack. */
const MAX_SAFE_DEPTH = 1000;
const TOO_DEEP = '[Too deep]';
const CIRCULAR = '[Circular]';
const OMIT = Symbol('omit');

/**
 * @internal A string of at most `maxChars` characters: as it is when short enough, else its
 * start followed by a marker saying how much was cut. A surrogate pair is never split.
 */
export function boundWireString(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return cut(text, maxChars, `…[truncated: ${text.length} characters in all]`);
}

/**
 * @internal A free-form value bounded for the wire: the value itself while it fits, else a
 * string. A value nested deeper than `maxDepth`, or whose JSON is longer than `maxChars`,
 * becomes the start of its JSON and a `…[truncated: ...]` marker, at most `maxChars`
 * characters in all (`bigint` written as a string, cycles as `"[Circular]"`). Never throws.
 */
export function boundWireValue(value: unknown, { maxDepth, maxChars }: WireLimits): unknown {
  if (typeof value === 'string') return boundWireString(value, maxChars);
  const walk: Walk = { maxDepth, budget: maxChars, tooDeep: false, tooLarge: false };
  let copy: unknown;
  try {
    copy = toSafe(value, '', 0, [], walk);
  } catch (error) {
    // A getter or a `toJSON` that throws: say so rather than fail the event.
    const reason = error instanceof Error ? error.message : String(error);
    return boundWireString(`[Unserializable: ${reason}]`, maxChars);
  }
  if (copy === OMIT) return null;
  const json = JSON.stringify(copy) ?? 'null';
  if (walk.tooDeep) {
    return cut(json, maxChars, `…[truncated: nested deeper than ${maxDepth} levels]`);
  }
  if (walk.tooLarge || json.length > maxChars) {
    return cut(json, maxChars, `…[truncated: longer than ${maxChars} characters]`);
  }
  // Within bounds: the value itself goes out (`formatSSE` writes bigints and cycles safely).
  return value;
}

/**
 * @internal The JSON of any value, never throwing for cycles, `bigint` or depth: used when
 * `JSON.stringify` itself failed. Values nested deeper than 1,000 are written
 * as `"[Too deep]"`; nothing is cut for size.
 */
export function safeJson(value: unknown): string {
  const walk: Walk = {
    maxDepth: MAX_SAFE_DEPTH,
    budget: Number.POSITIVE_INFINITY,
    tooDeep: false,
    tooLarge: false,
  };
  const copy = toSafe(value, '', 0, [], walk);
  return copy === OMIT ? 'null' : (JSON.stringify(copy) ?? 'null');
}

interface Walk {
  maxDepth: number;
  /** Characters left before the value counts as too large (a lower bound of its JSON length). */
  budget: number;
  tooDeep: boolean;
  tooLarge: boolean;
}

/**
 * A JSON-safe copy of `value` as `JSON.stringify` would see it (`toJSON` called, `undefined`
 * and functions left out of objects and `null` in arrays), cut at `maxDepth` and once the
 * character budget is spent. Recursion is bounded by `maxDepth`, so it never overflows.
 */
function toSafe(
  input: unknown,
  key: string,
  depth: number,
  ancestors: object[],
  walk: Walk,
): unknown {
  let value = input;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return spend(walk, value);
    case 'bigint':
      return spend(walk, value.toString());
    case 'number':
      walk.budget -= 1;
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      walk.budget -= 4;
      return value;
    case 'undefined':
    case 'function':
    case 'symbol':
      return OMIT;
    default:
      break;
  }
  if (value === null) {
    walk.budget -= 4;
    return null;
  }
  const object = value as object;
  if (ancestors.includes(object)) return spend(walk, CIRCULAR);
  if (depth >= walk.maxDepth) {
    walk.tooDeep = true;
    return TOO_DEEP;
  }
  ancestors.push(object);
  try {
    walk.budget -= 2;
    if (Array.isArray(object)) {
      const items: unknown[] = [];
      for (let i = 0; i < object.length && !walk.tooLarge; i++) {
        const item = toSafe(object[i], String(i), depth + 1, ancestors, walk);
        items.push(item === OMIT ? null : item);
        walk.budget -= 1;
        if (walk.budget < 0) walk.tooLarge = true;
      }
      return items;
    }
    const fields: Record<string, unknown> = {};
    for (const name of Object.keys(object)) {
      if (walk.tooLarge) break;
      const item = toSafe(
        (object as Record<string, unknown>)[name],
        name,
        depth + 1,
        ancestors,
        walk,
      );
      if (item === OMIT) continue;
      fields[name] = item;
      walk.budget -= name.length + 4;
      if (walk.budget < 0) walk.tooLarge = true;
    }
    return fields;
  } finally {
    ancestors.pop();
  }
}

/** Counts a string against the budget, keeping only what the preview could show. */
function spend(walk: Walk, text: string): string {
  const kept = text.length > walk.budget + 1 ? text.slice(0, Math.max(0, walk.budget + 1)) : text;
  walk.budget -= text.length + 2;
  if (walk.budget < 0) walk.tooLarge = true;
  return kept;
}

function cut(text: string, maxChars: number, marker: string): string {
  let keep = Math.max(0, maxChars - marker.length);
  const last = text.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return `${text.slice(0, keep)}${marker}`;
}
