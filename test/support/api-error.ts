/**
 * The error envelope of the OpenAI API, and a builder for it.
 *
 * Every non-2xx answer of the real API carries `{ error: { message, type, param, code } }`; the
 * test server answers in the same shape so the `openai` client parses it exactly as in production
 * (`err.status`, `err.error`, `err.code`, `err.param`).
 *
 * @module
 */

/** The `error` object inside an OpenAI API error body. */
export interface ApiErrorObject {
  /** Human-readable message, worded like the real API. */
  message: string;
  /** Error family, for example `invalid_request_error`, `server_error`, `requests`. */
  type: string;
  /** The request parameter at fault (`tools[0].function.name`), or `null`. */
  param: string | null;
  /** A stable machine code (`invalid_value`, `rate_limit_exceeded`), or `null`. */
  code: string | null;
}

/** A whole OpenAI API error body: `{ error: { message, type, param, code } }`. */
export interface ApiErrorBody {
  /** The error details. */
  error: ApiErrorObject;
}

/**
 * Builds an OpenAI-shaped error body.
 *
 * @param options.message - The message, worded like the API's.
 * @param options.param - The parameter at fault. @default null
 * @param options.code - The machine code. @default null
 * @param options.type - The error family. @default 'invalid_request_error'
 * @returns `{ error: { message, type, param, code } }`
 * @example
 * ```ts
 * apiErrorBody({ message: "Invalid 'tools': empty array. ...", param: 'tools', code: 'empty_array' });
 * ```
 */
export function apiErrorBody({
  message,
  param = null,
  code = null,
  type = 'invalid_request_error',
}: {
  message: string;
  param?: string | null | undefined;
  code?: string | null | undefined;
  type?: string | undefined;
}): ApiErrorBody {
  return { error: { message, type, param, code } };
}
