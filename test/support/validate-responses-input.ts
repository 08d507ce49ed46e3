/**
 * Validation of the `input` items of a `/v1/responses` request: item types and ids, function
 * calls paired with their outputs, and reasoning items next to the items they preceded, worded
 * like the real API.
 *
 * Wording sources (real API errors quoted in public issue threads): "Item 'rs_…' of type
 * 'reasoning' was provided without its required following item." (openai/openai-agents-js#326,
 * vercel/ai#7099); "Item 'msg_…' of type 'message' was provided without its required 'reasoning'
 * item: 'rs_…'." (continuedev/continue#12620); "No tool call found for function call output
 * with call_id …" and "No tool output found for function call …" (continuedev/continue#10092,
 * router-for-me/CLIProxyAPI#2368); "Duplicate item found with id …" (continuedev/continue#10723);
 * "Expected an ID that begins with 'fc'." (nodetool-ai/nodetool#4252); "Item with id 'rs_…' not
 * found. Items are not persisted when `store` is set to false. …" (vercel/ai#7543, a 404). The
 * duplicate `call_id` and duplicate output messages and the unverifiable encrypted content
 * message are not published; they follow the API's style.
 *
 * @module
 */

import type { ReasoningLedger } from './reasoning-ledger.js';
import { checkFunctionName } from './validate-messages.js';
import {
  fail,
  invalidType,
  isJsonObject,
  missingParameter,
  type ValidationFailure,
} from './validation-result.js';

/** A refusal, with its HTTP status when it is not 400. */
export type ResponsesFailure = ValidationFailure & { status?: number };

/** Item types of the real API's `input`, in the order of its documentation. */
export const INPUT_ITEM_TYPES = [
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'web_search_call',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'custom_tool_call',
  'custom_tool_call_output',
  'compaction',
  'item_reference',
] as const;

/** The item types this server can take; the others are real but left to the real API. */
const SERVED = new Set(['message', 'reasoning', 'function_call', 'function_call_output']);

/** The prefix the API wants on each item type's id. */
const ID_PREFIX: Record<string, string> = { message: 'msg', reasoning: 'rs', function_call: 'fc' };

const ROLES = ['assistant', 'system', 'developer', 'user'];
const INPUT_PARTS = ['input_text', 'input_image', 'input_file'];
const OUTPUT_PARTS = ['output_text', 'refusal'];

function quoteList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

function invalidValue(param: string, value: unknown, supported: readonly string[]) {
  return fail(
    `Invalid value: '${String(value)}'. Supported values are: ${quoteList(supported)}.`,
    param,
    'invalid_value',
  );
}

function typeOf(item: Record<string, unknown>): unknown {
  return item.type ?? ('role' in item ? 'message' : undefined);
}

function checkMessage(item: Record<string, unknown>, at: string): ValidationFailure | null {
  const { role, content } = item;
  if (!ROLES.includes(role as string)) return invalidValue(`${at}.role`, role, ROLES);
  if (typeof content === 'string') return null;
  if (!Array.isArray(content)) return invalidType(`${at}.content`, 'a string or an array', content);
  const allowed = role === 'assistant' ? OUTPUT_PARTS : INPUT_PARTS;
  for (const [j, part] of content.entries()) {
    if (!isJsonObject(part)) return invalidType(`${at}.content[${j}]`, 'an object', part);
    if (!allowed.includes(part.type as string)) {
      return invalidValue(`${at}.content[${j}].type`, part.type, allowed);
    }
  }
  return null;
}

function nonEmptyString(value: unknown, param: string): ValidationFailure | null {
  if (value === undefined) return missingParameter(param);
  if (typeof value !== 'string') return invalidType(param, 'a string', value);
  if (value === '') {
    return fail(
      `Invalid '${param}': empty string. Expected a string with minimum length 1, but got an empty string instead.`,
      param,
      'empty_string',
    );
  }
  return null;
}

/** Whether an item can be the one a reasoning item preceded: something the model produced. */
function isOutputKind(item: unknown): boolean {
  if (!isJsonObject(item)) return false;
  const type = typeOf(item);
  if (type === 'message') return item.role === 'assistant';
  return type !== 'function_call_output' && type !== 'item_reference';
}

function checkReasoning(
  items: readonly unknown[],
  i: number,
  store: boolean,
  ledger: ReasoningLedger,
): ResponsesFailure | null {
  const item = items[i] as Record<string, unknown>;
  const at = `input[${i}]`;
  if (typeof item.id !== 'string') return missingParameter(`${at}.id`);
  if (!Array.isArray(item.summary)) {
    return item.summary === undefined
      ? missingParameter(`${at}.summary`)
      : invalidType(`${at}.summary`, 'an array', item.summary);
  }
  const id = item.id;
  const encrypted = item.encrypted_content;
  if (!store && (typeof encrypted !== 'string' || encrypted === '')) {
    return {
      ...fail(
        `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
        'input',
      ),
      status: 404,
    };
  }
  const issued = ledger.reasoning(id);
  if (issued && typeof encrypted === 'string' && encrypted !== issued.encrypted) {
    return fail(`The encrypted content for item ${id} could not be verified.`, 'input');
  }
  const next = items[i + 1];
  const followed = issued
    ? isJsonObject(next) && next.id === issued.followerId
    : isOutputKind(next);
  if (!followed) {
    return fail(
      `Item '${id}' of type 'reasoning' was provided without its required following item.`,
      'input',
    );
  }
  return null;
}

/**
 * Checks the `input` items of a Responses request and returns the first problem, in the API's
 * words: each item is an object of a known type (and one this server serves); ids carry their
 * type's prefix and appear once; messages have a known role and content parts of the kinds that
 * role takes; function calls have a `call_id` (unique), a valid name and string arguments; a
 * `function_call_output` answers a function call before it, once; every function call is
 * answered; with `store: false` a reasoning item carries its `encrypted_content`; a reasoning item
 * is directly followed by the item it preceded (by id, for items this server issued), and an
 * item this server issued after a reasoning item is directly preceded by it.
 *
 * @param input - The request's `input` (an array; a string needs no checks).
 * @param store - The request's `store` (the API's default is `true`).
 * @param ledger - The reasoning items this server issued.
 * @returns `null` when valid, else the failure (with `status: 404` for an item not kept).
 */
export function validateResponsesInput(
  input: readonly unknown[],
  store: boolean,
  ledger: ReasoningLedger,
): ResponsesFailure | null {
  const ids = new Set<string>();
  const calls = new Map<string, boolean>();
  for (const [i, item] of input.entries()) {
    const at = `input[${i}]`;
    if (!isJsonObject(item)) return invalidType(at, 'an object', item);
    const type = typeOf(item);
    if (type === undefined) return missingParameter(`${at}.type`);
    if (!(INPUT_ITEM_TYPES as readonly unknown[]).includes(type)) {
      return invalidValue(`${at}.type`, type, INPUT_ITEM_TYPES);
    }
    if (!SERVED.has(type as string)) {
      return fail(`test server: input items of type '${String(type)}' are not served.`, at);
    }
    if (item.id !== undefined && item.id !== null) {
      const prefix = ID_PREFIX[type as string];
      if (typeof item.id !== 'string' || (prefix && !item.id.startsWith(prefix))) {
        return fail(
          `Invalid '${at}.id': '${String(item.id)}'. Expected an ID that begins with '${prefix}'.`,
          `${at}.id`,
          'invalid_value',
        );
      }
      if (ids.has(item.id)) {
        return fail(
          `Duplicate item found with id ${item.id}. Remove duplicate items from your input and try again.`,
          'input',
        );
      }
      ids.add(item.id);
      const reasoningId = ledger.reasoningBefore(item.id);
      const before = input[i - 1];
      if (reasoningId && !(isJsonObject(before) && before.id === reasoningId)) {
        return fail(
          `Item '${item.id}' of type '${String(type)}' was provided without its required 'reasoning' item: '${reasoningId}'.`,
          'input',
        );
      }
    }
    let problem: ResponsesFailure | null = null;
    if (type === 'message') problem = checkMessage(item, at);
    else if (type === 'reasoning') problem = checkReasoning(input, i, store, ledger);
    else if (type === 'function_call') {
      problem =
        nonEmptyString(item.call_id, `${at}.call_id`) ??
        checkFunctionName(item.name, `${at}.name`) ??
        (typeof item.arguments === 'string'
          ? null
          : item.arguments === undefined
            ? missingParameter(`${at}.arguments`)
            : invalidType(`${at}.arguments`, 'a string', item.arguments));
      if (!problem && calls.has(item.call_id as string)) {
        problem = fail(
          `Duplicate value for 'call_id' of function_call items: '${String(item.call_id)}'. Each function call needs its own call_id.`,
          `${at}.call_id`,
          'invalid_value',
        );
      }
      if (!problem) calls.set(item.call_id as string, false);
    } else {
      problem = nonEmptyString(item.call_id, `${at}.call_id`);
      const callId = item.call_id as string;
      if (!problem && !calls.has(callId)) {
        problem = fail(
          `No tool call found for function call output with call_id ${callId}.`,
          'input',
        );
      }
      if (!problem && calls.get(callId) === true) {
        problem = fail(
          `Duplicate function_call_output for call_id ${callId}. Each function call takes one output.`,
          'input',
        );
      }
      if (!problem && typeof item.output !== 'string' && !Array.isArray(item.output)) {
        problem = invalidType(`${at}.output`, 'a string or an array', item.output);
      }
      if (!problem) calls.set(callId, true);
    }
    if (problem) return problem;
  }
  for (const [callId, answered] of calls) {
    if (!answered) return fail(`No tool output found for function call ${callId}.`, 'input');
  }
  return null;
}
