/**
 * The result type shared by the request validators.
 *
 * @module
 */

/** A request the API would reject: the fields of its `error` object (the type is always `invalid_request_error`). */
export interface ValidationFailure {
  /** Always `false`. */
  ok: false;
  /** The API's message. */
  message: string;
  /** The parameter at fault, or `null`. */
  param: string | null;
  /** The API's machine code, or `null`. */
  code: string | null;
}

/** The outcome of validating a request: `{ ok: true }` or a {@link ValidationFailure}. */
export type ValidationResult = { ok: true } | ValidationFailure;

/** Builds a {@link ValidationFailure}. */
export function fail(
  message: string,
  param: string | null = null,
  code: string | null = null,
): ValidationFailure {
  return { ok: false, message, param, code };
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The API's name for a JSON value's type in `Invalid type` messages. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'boolean') return 'a boolean';
  return 'a string';
}

/** `Invalid type for 'x': expected …, but got … instead.` with code `invalid_type`. */
export function invalidType(param: string, expected: string, value: unknown): ValidationFailure {
  return fail(
    `Invalid type for '${param}': expected ${expected}, but got ${jsonTypeName(value)} instead.`,
    param,
    'invalid_type',
  );
}

/** `Missing required parameter: 'x'.` with code `missing_required_parameter`. */
export function missingParameter(param: string): ValidationFailure {
  return fail(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

/** `Invalid 'x': empty array. ...` with code `empty_array`. */
export function emptyArray(param: string): ValidationFailure {
  return fail(
    `Invalid '${param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
    param,
    'empty_array',
  );
}
