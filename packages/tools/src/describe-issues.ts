import { serializeToolValue } from './format-output.js';
import type { StandardIssue } from './types.js';

/** At most this many issues are spelled out; the rest are counted. */
const MAX_ISSUES = 20;

/** Formats an issue path as `items[0].name`, or `(root)` for the arguments object itself. */
export function formatPath(path: StandardIssue['path']): string {
  if (!path || path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * One issue as `what was expected, what came`. zod v3 says "Required" for a missing key and
 * zod v4 prefixes "Invalid input: "; both become `expected string, received undefined`.
 */
function describeIssue(issue: StandardIssue): string {
  const raw = issue as StandardIssue & { code?: unknown; expected?: unknown; received?: unknown };
  if (
    raw.code === 'invalid_type' &&
    typeof raw.expected === 'string' &&
    typeof raw.received === 'string'
  ) {
    return `expected ${raw.expected}, received ${raw.received}`;
  }
  const message = issue.message.replace(/^Invalid (?:input|option|type|value): /, '');
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/**
 * Describes validation issues for the model, one `path: problem` per issue, joined by `; `:
 * `city: expected string, received number; days: too big: expected number to be <=7`.
 */
export function describeIssues(issues: ReadonlyArray<StandardIssue>): string {
  const lines = issues
    .slice(0, MAX_ISSUES)
    .map((i) => `${formatPath(i.path)}: ${describeIssue(i)}`);
  if (issues.length > MAX_ISSUES) lines.push(`and ${issues.length - MAX_ISSUES} more`);
  return lines.join('; ');
}

/** What is said of a thrown value nothing can be read from (a Proxy whose every trap throws). */
export const UNREADABLE_THROWN =
  'the tool threw a value that cannot be read (every access to it throws)';

/**
 * The message of a thrown value, for the model: an Error's message (prefixed by its name when it
 * is not a plain `Error`, never the stack), a string as it is, an object's `message` or its JSON,
 * a symbol's description, and a clear phrase for `undefined`, `null` and a function.
 *
 * It reads the value, so it throws when reading does (a getter, a Proxy trap, a revoked Proxy);
 * {@link describeThrownSafely} and {@link describeFault} never do.
 */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) {
    const message = thrown.message || '(no message)';
    return thrown.name && thrown.name !== 'Error' ? `${thrown.name}: ${message}` : message;
  }
  if (typeof thrown === 'string') return thrown || '(empty error message)';
  if (thrown === undefined || thrown === null) return `(the tool threw ${String(thrown)})`;
  if (typeof thrown === 'symbol') return String(thrown);
  if (typeof thrown === 'function') return '(the tool threw a function)';
  if (typeof thrown === 'object') {
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return serializeToolValue(thrown);
}

/**
 * {@link describeThrown} that never throws: a value that cannot be read is described as such.
 */
export function describeThrownSafely(thrown: unknown): string {
  try {
    return describeThrown(thrown);
  } catch {
    return UNREADABLE_THROWN;
  }
}

/**
 * The message of what a tool threw, never throwing: {@link describeThrown}, or, when reading the
 * value throws, `unexpected failure: ` and what that threw (or {@link UNREADABLE_THROWN}).
 */
export function describeFault(thrown: unknown): string {
  try {
    return describeThrown(thrown);
  } catch (error) {
    return `unexpected failure: ${describeThrownSafely(error)}`;
  }
}
