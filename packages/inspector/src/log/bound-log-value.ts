/**
 * Making an event fit one line of a run log: a JSON-safe copy in which every string is scrubbed
 * of secrets and cut when long, nesting is bounded, and the whole line has a size budget, so that
 * one huge tool result can neither bloat the log nor slow the run that wrote it.
 *
 * @module
 */
import { scrubSecrets } from './secrets.js';

/** How much of an event a log line keeps. */
export interface LogValueLimits {
  /** The longest string kept whole, in characters. */
  maxChars: number;
  /** The most characters of strings and keys in one line; what comes after is cut. */
  maxLineChars: number;
  /** The deepest nesting of arrays and objects kept. */
  maxDepth: number;
  /** The exact strings to scrub (besides strings shaped like keys). */
  secrets: readonly string[];
}

const CIRCULAR = '[Circular]';
const OMIT = Symbol('omit');

interface Walk {
  limits: LogValueLimits;
  budget: number;
  seen: object[];
}

/**
 * A copy of `value` that `JSON.stringify` writes without throwing and within the limits: strings
 * scrubbed and cut with a `…[cut: ...]` marker, `bigint` as a string, cycles as `"[Circular]"`,
 * values nested deeper than `maxDepth` and everything past the line budget replaced by a marker.
 * Keys come first in the order they were written, so the fields that identify an event (`ts`,
 * `type`, `runId`, `turn`) always survive.
 *
 * @param value - the event (or any value).
 * @param limits - the bounds and the secrets.
 * @returns the bounded copy.
 */
export function boundLogValue(value: unknown, limits: LogValueLimits): unknown {
  const walk: Walk = { limits, budget: limits.maxLineChars, seen: [] };
  const copy = toBounded(value, 0, walk);
  return copy === OMIT ? null : copy;
}

/**
 * `text` cut to `maxChars` characters with a marker saying how long it was; a surrogate pair is
 * never split.
 *
 * @param text - the text.
 * @param maxChars - the most characters kept.
 * @returns the text, or its start and the marker.
 */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, maxChars);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…[cut: ${text.length} characters in all]`;
}

function toBounded(value: unknown, depth: number, walk: Walk): unknown {
  if (walk.budget <= 0) {
    return `…[cut: the event is over ${walk.limits.maxLineChars} characters]`;
  }
  switch (typeof value) {
    case 'string': {
      const text = cutText(
        scrubSecrets(value, walk.limits.secrets),
        Math.min(walk.limits.maxChars, walk.budget),
      );
      walk.budget -= text.length + 2;
      return text;
    }
    case 'number':
      walk.budget -= 8;
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      walk.budget -= 5;
      return value;
    case 'bigint':
      walk.budget -= 20;
      return value.toString();
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
  if (walk.seen.includes(object)) {
    walk.budget -= CIRCULAR.length;
    return CIRCULAR;
  }
  if (depth >= walk.limits.maxDepth) {
    walk.budget -= 40;
    return `…[cut: nested deeper than ${walk.limits.maxDepth} levels]`;
  }
  if (object instanceof Error) {
    return toBounded({ name: object.name, message: object.message }, depth, walk);
  }
  const json = (object as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') {
    let replaced: unknown;
    try {
      replaced = json.call(object);
    } catch (error) {
      replaced = `[Unserializable: ${error instanceof Error ? error.message : String(error)}]`;
    }
    if (replaced !== object) return toBounded(replaced, depth, walk);
  }
  walk.seen.push(object);
  try {
    return Array.isArray(object)
      ? boundArray(object, depth, walk)
      : boundObject(object as Record<string, unknown>, depth, walk);
  } finally {
    walk.seen.pop();
  }
}

function boundArray(items: readonly unknown[], depth: number, walk: Walk): unknown[] {
  const out: unknown[] = [];
  walk.budget -= 2;
  for (let index = 0; index < items.length; index++) {
    if (walk.budget <= 0) {
      out.push(`…[cut: ${items.length - index} more items]`);
      break;
    }
    const item = toBounded(items[index], depth + 1, walk);
    out.push(item === OMIT ? null : item);
  }
  return out;
}

function boundObject(
  object: Record<string, unknown>,
  depth: number,
  walk: Walk,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  walk.budget -= 2;
  let entries: string[];
  try {
    entries = Object.keys(object);
  } catch {
    return out;
  }
  for (let index = 0; index < entries.length; index++) {
    const key = entries[index] as string;
    if (walk.budget <= 0) {
      out['…'] = `[cut: ${entries.length - index} more fields]`;
      break;
    }
    let field: unknown;
    try {
      field = object[key];
    } catch (error) {
      field = `[Unreadable: ${error instanceof Error ? error.message : String(error)}]`;
    }
    walk.budget -= key.length + 3;
    const bounded = toBounded(field, depth + 1, walk);
    if (bounded !== OMIT) out[key] = bounded;
  }
  return out;
}
