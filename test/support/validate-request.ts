/**
 * A validator for chat-completions request bodies that rejects what the real OpenAI API rejects,
 * with the API's wording, so tests against the local test server see production behaviour.
 *
 * @module
 */

import { validateMessages } from './validate-messages.js';
import { validateResponseFormat, validateToolOptions, validateTools } from './validate-tools.js';
import { fail, isJsonObject, type ValidationResult } from './validation-result.js';

export { type ApiErrorBody, type ApiErrorObject, apiErrorBody } from './api-error.js';
export { validateStrictSchema } from './strict-schema.js';
export { MESSAGE_ROLES, TOOL_NAME_PATTERN } from './validate-messages.js';
export type { ValidationFailure, ValidationResult } from './validation-result.js';

/**
 * Validates a `POST /v1/chat/completions` body the way the real API does and returns the first
 * problem, in the API's words. Checks, in order:
 *
 * - `model` is present (`you must provide a model parameter`);
 * - `messages` is a non-empty array of objects with known roles; every `tool` message answers a
 *   call of the preceding assistant `tool_calls`, and every call is answered by the consecutive
 *   `tool` messages right after it;
 * - `tools` is a non-empty array of function tools with names matching `^[a-zA-Z0-9_-]{1,64}$`,
 *   unique, with `type: 'object'` parameter schemas; `strict: true` schemas follow the strict rules;
 * - `tool_choice` / `parallel_tool_calls` only come with `tools`;
 * - a strict `response_format` json_schema follows the strict rules.
 *
 * @param body - The parsed JSON body.
 * @returns `{ ok: true }`, or `{ ok: false, message, param, code }` (the `error` fields the API answers with, status 400).
 * @example
 * ```ts
 * const result = validateChatRequest(server.requests[0].body);
 * if (!result.ok) throw new Error(result.message);
 * ```
 */
export function validateChatRequest(body: unknown): ValidationResult {
  if (!isJsonObject(body)) {
    return fail(
      `Invalid type for request body: expected an object, but got ${Array.isArray(body) ? 'an array' : typeof body} instead.`,
      null,
      'invalid_type',
    );
  }
  if (typeof body.model !== 'string' || body.model.length === 0) {
    return fail('you must provide a model parameter');
  }
  const problem =
    validateMessages(body.messages) ??
    validateTools(body.tools) ??
    validateToolOptions(body) ??
    validateResponseFormat(body.response_format);
  return problem ?? { ok: true };
}
