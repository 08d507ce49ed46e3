/**
 * A validator for `POST /v1/responses` bodies that rejects what the real API rejects, worded
 * like it. "Encrypted content is not supported with this model." (param `include`) is quoted
 * from pydantic/pydantic-ai#2865; the function-tool checks follow the Chat Completions ones.
 *
 * @module
 */

import type { ReasoningLedger } from './reasoning-ledger.js';
import { rootNotObjectMessage, validateStrictSchema } from './strict-schema.js';
import { checkFunctionName } from './validate-messages.js';
import { type ResponsesFailure, validateResponsesInput } from './validate-responses-input.js';
import {
  emptyArray,
  fail,
  invalidType,
  isJsonObject,
  missingParameter,
  type ValidationFailure,
} from './validation-result.js';

/**
 * Model names that do not reason, for which the API refuses `reasoning.encrypted_content`
 * (gpt-4o, gpt-4.1, gpt-3.5, gpt-5-chat).
 */
const NON_REASONING_MODEL = /^(?:ft:)?(?:gpt-4|gpt-3\.5|chatgpt)|-chat/i;

function checkTools(tools: unknown): ValidationFailure | null {
  if (tools === undefined || tools === null) return null;
  if (!Array.isArray(tools)) return invalidType('tools', 'an array', tools);
  const seen = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    const at = `tools[${i}]`;
    if (!isJsonObject(tool)) return invalidType(at, 'an object', tool);
    if (tool.type !== 'function' && tool.type !== 'custom') {
      return fail(
        `test server: tools of type '${String(tool.type)}' are not served.`,
        `${at}.type`,
      );
    }
    const nameProblem = checkFunctionName(tool.name, `${at}.name`);
    if (nameProblem) return nameProblem;
    const name = tool.name as string;
    if (seen.has(name)) {
      // Not published by the API; follows its style.
      return fail(
        `Invalid '${at}.name': duplicate function name '${name}'. Function names must be unique within 'tools'.`,
        `${at}.name`,
        'invalid_value',
      );
    }
    seen.add(name);
    if (tool.type !== 'function') continue;
    const { parameters } = tool;
    if (parameters === undefined) return missingParameter(`${at}.parameters`);
    if (!isJsonObject(parameters)) return invalidType(`${at}.parameters`, 'an object', parameters);
    if (parameters.type !== 'object') {
      return fail(
        `Invalid schema for function '${name}': ${rootNotObjectMessage(parameters)}`,
        `${at}.parameters`,
        'invalid_function_parameters',
      );
    }
    // The Responses API takes a missing `strict` as true, unlike Chat Completions.
    if (tool.strict !== false) {
      const problem = validateStrictSchema(parameters);
      if (problem !== null) {
        return fail(
          `Invalid schema for function '${name}': ${problem}`,
          `${at}.parameters`,
          'invalid_function_parameters',
        );
      }
    }
  }
  return null;
}

function checkTextFormat(text: unknown): ValidationFailure | null {
  if (text === undefined || text === null) return null;
  if (!isJsonObject(text)) return invalidType('text', 'an object', text);
  const { format } = text;
  if (!isJsonObject(format) || format.type !== 'json_schema') return null;
  const nameProblem = checkFunctionName(format.name, 'text.format.name');
  if (nameProblem) return nameProblem;
  if (!isJsonObject(format.schema)) return missingParameter('text.format.schema');
  if (format.strict !== true) return null;
  const problem = validateStrictSchema(format.schema);
  return problem === null
    ? null
    : fail(
        `Invalid schema for response_format '${String(format.name)}': ${problem}`,
        'text.format.schema',
        'invalid_json_schema',
      );
}

/**
 * Validates a `POST /v1/responses` body the way the real API does and returns the first
 * problem: `model` present; `include: ['reasoning.encrypted_content']` only for models that
 * reason; `input` a string or an array of valid items (see `validateResponsesInput`, which holds
 * the pairing rules); function tools with valid, unique names and object schemas, strict ones
 * (the default) following the strict rules; a strict `text.format` json_schema likewise.
 *
 * @param body - The parsed JSON body.
 * @param ledger - The reasoning items this server issued.
 * @returns `null` when valid, else the failure (status 400 unless it says 404).
 */
export function validateResponsesRequest(
  body: unknown,
  ledger: ReasoningLedger,
): ResponsesFailure | null {
  if (!isJsonObject(body)) {
    return fail('Invalid type for request body: expected an object.', null, 'invalid_type');
  }
  if (typeof body.model !== 'string' || body.model === '') {
    return missingParameter('model');
  }
  const { include } = body;
  if (include !== undefined && include !== null) {
    if (!Array.isArray(include)) return invalidType('include', 'an array', include);
    if (include.includes('reasoning.encrypted_content') && NON_REASONING_MODEL.test(body.model)) {
      return fail('Encrypted content is not supported with this model.', 'include');
    }
  }
  const { input } = body;
  if (input === undefined) return missingParameter('input');
  if (typeof input !== 'string') {
    if (!Array.isArray(input)) return invalidType('input', 'a string or an array', input);
    if (input.length === 0) return emptyArray('input');
    const problem = validateResponsesInput(input, body.store !== false, ledger);
    if (problem) return problem;
  }
  return checkTools(body.tools) ?? checkTextFormat(body.text);
}
