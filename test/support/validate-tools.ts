/**
 * Validation of `tools`, `tool_choice`, `parallel_tool_calls` and `response_format` of a
 * chat-completions request, worded like the real API.
 *
 * @module
 */

import { rootNotObjectMessage, validateStrictSchema } from './strict-schema.js';
import { checkFunctionName } from './validate-messages.js';
import {
  emptyArray,
  fail,
  invalidType,
  isJsonObject,
  missingParameter,
  type ValidationFailure,
} from './validation-result.js';

const TOOL_TYPES = ['function', 'custom'] as const;

function checkFunctionTool(
  tool: Record<string, unknown>,
  at: string,
  seen: Map<string, number>,
): ValidationFailure | null {
  const fn = tool.function;
  if (fn === undefined) return missingParameter(`${at}.function`);
  if (!isJsonObject(fn)) return invalidType(`${at}.function`, 'an object', fn);
  const nameProblem = checkFunctionName(fn.name, `${at}.function.name`);
  if (nameProblem) return nameProblem;
  const name = fn.name as string;
  const first = seen.get(name);
  if (first !== undefined) {
    // The API documents unique names but its exact wording for this case is not published; this
    // message follows the API's style.
    return fail(
      `Invalid '${at}.function.name': duplicate function name '${name}' (also used by 'tools[${first}]'). Function names must be unique within 'tools'.`,
      `${at}.function.name`,
      'invalid_value',
    );
  }
  seen.set(name, Number(at.slice('tools['.length, -1)));

  const param = `${at}.function.parameters`;
  const { parameters } = fn;
  if (parameters !== undefined) {
    if (!isJsonObject(parameters)) return invalidType(param, 'an object', parameters);
    if (parameters.type !== 'object') {
      return fail(
        `Invalid schema for function '${name}': ${rootNotObjectMessage(parameters)}`,
        param,
        'invalid_function_parameters',
      );
    }
  }
  if (fn.strict === true && parameters !== undefined) {
    const problem = validateStrictSchema(parameters);
    if (problem !== null) {
      return fail(
        `Invalid schema for function '${name}': ${problem}`,
        param,
        'invalid_function_parameters',
      );
    }
  }
  return null;
}

/**
 * Validates `tools`: a non-empty array of `function` tools with valid, unique names and object
 * `parameters` schemas; strict tools must satisfy the strict-schema rules.
 *
 * @param tools - The request's `tools` value (`undefined` when absent).
 * @returns `null` when valid, else the first failure.
 */
export function validateTools(tools: unknown): ValidationFailure | null {
  if (tools === undefined || tools === null) return null;
  if (!Array.isArray(tools)) return invalidType('tools', 'an array of objects', tools);
  if (tools.length === 0) return emptyArray('tools');
  const seen = new Map<string, number>();
  for (const [i, tool] of tools.entries()) {
    const at = `tools[${i}]`;
    if (!isJsonObject(tool)) return invalidType(at, 'an object', tool);
    if (tool.type === undefined) return missingParameter(`${at}.type`);
    if (typeof tool.type !== 'string' || !(TOOL_TYPES as readonly string[]).includes(tool.type)) {
      return fail(
        `Invalid value: '${String(tool.type)}'. Supported values are: 'function' and 'custom'.`,
        `${at}.type`,
        'invalid_value',
      );
    }
    if (tool.type === 'function') {
      const problem = checkFunctionTool(tool, at, seen);
      if (problem) return problem;
    }
  }
  return null;
}

/**
 * Rejects `tool_choice` and `parallel_tool_calls` sent without `tools`, as the API does.
 *
 * @param body - The request body.
 * @returns `null` when valid, else the failure.
 */
export function validateToolOptions(body: Record<string, unknown>): ValidationFailure | null {
  if (body.tools !== undefined && body.tools !== null) return null;
  for (const option of ['tool_choice', 'parallel_tool_calls'] as const) {
    if (body[option] !== undefined && body[option] !== null) {
      return fail(
        `Invalid value for '${option}': '${option}' is only allowed when 'tools' are specified.`,
        option,
      );
    }
  }
  return null;
}

/**
 * Validates `response_format`; a strict `json_schema` format must satisfy the strict-schema rules.
 *
 * @param format - The request's `response_format` value.
 * @returns `null` when valid, else the failure.
 */
export function validateResponseFormat(format: unknown): ValidationFailure | null {
  if (format === undefined || format === null) return null;
  if (!isJsonObject(format)) return invalidType('response_format', 'an object', format);
  if (format.type !== 'json_schema') return null;
  const spec = format.json_schema;
  if (spec === undefined) return missingParameter('response_format.json_schema');
  if (!isJsonObject(spec)) return invalidType('response_format.json_schema', 'an object', spec);
  const nameProblem = checkFunctionName(spec.name, 'response_format.json_schema.name');
  if (nameProblem) return nameProblem;
  if (spec.strict !== true) return null;
  const problem = validateStrictSchema(spec.schema);
  if (problem === null) return null;
  return fail(
    `Invalid schema for response_format '${String(spec.name)}': ${problem}`,
    'response_format',
    'invalid_json_schema',
  );
}
