/**
 * Validation of the `messages` array of a chat-completions request: roles, and the pairing of
 * assistant `tool_calls` with the `tool` messages that answer them, worded like the real API.
 *
 * @module
 */

import { validateContentParts } from './validate-content-parts.js';
import {
  emptyArray,
  fail,
  invalidType,
  isJsonObject,
  missingParameter,
  type ValidationFailure,
} from './validation-result.js';

/** Roles the chat-completions API accepts, in the order its error message lists them. */
export const MESSAGE_ROLES = [
  'system',
  'assistant',
  'user',
  'function',
  'tool',
  'developer',
] as const;

/**
 * The pattern the API enforces on function names (tools, and `tool_calls` echoed back in the
 * history): letters, digits, `_` and `-`, 1 to 64 characters.
 */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Checks a function name with the API's wording (empty, too long, or outside the pattern).
 *
 * @param name - The name that was sent.
 * @param param - Where it was sent, e.g. `tools[0].function.name`.
 * @returns `null` when valid, else the failure.
 */
export function checkFunctionName(name: unknown, param: string): ValidationFailure | null {
  if (name === undefined) return missingParameter(param);
  if (typeof name !== 'string') return invalidType(param, 'a string', name);
  if (name.length === 0) {
    return fail(
      `Invalid '${param}': empty string. Expected a string with minimum length 1, but got an empty string instead.`,
      param,
      'empty_string',
    );
  }
  if (name.length > 64) {
    return fail(
      `Invalid '${param}': string too long. Expected a string with maximum length 64, but got a string with length ${name.length} instead.`,
      param,
      'string_above_max_length',
    );
  }
  if (!TOOL_NAME_PATTERN.test(name)) {
    return fail(
      `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
      param,
      'invalid_value',
    );
  }
  return null;
}

function formatRoleList(): string {
  const quoted = MESSAGE_ROLES.map((role) => `'${role}'`);
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

/** Validates one message's shape; returns its tool-call ids when it is an assistant message with calls. */
function checkMessage(message: unknown, i: number): ValidationFailure | string[] {
  const at = `messages[${i}]`;
  if (!isJsonObject(message)) return invalidType(at, 'an object', message);
  const { role } = message;
  if (role === undefined) return missingParameter(`${at}.role`);
  if (typeof role !== 'string' || !(MESSAGE_ROLES as readonly string[]).includes(role)) {
    return fail(
      `Invalid value: '${String(role)}'. Supported values are: ${formatRoleList()}.`,
      `${at}.role`,
      'invalid_value',
    );
  }
  if (role === 'tool') {
    if (message.tool_call_id === undefined) return missingParameter(`${at}.tool_call_id`);
    if (typeof message.tool_call_id !== 'string') {
      return invalidType(`${at}.tool_call_id`, 'a string', message.tool_call_id);
    }
  }
  const partsProblem = validateContentParts(role, message.content, i);
  if (partsProblem) return partsProblem;
  const noCalls = message.tool_calls === undefined || message.tool_calls === null;
  // The API requires an assistant message's content unless it carries tool calls (or a refusal).
  if (
    role === 'assistant' &&
    noCalls &&
    (message.content === undefined || message.content === null) &&
    (message.function_call === undefined || message.function_call === null) &&
    (message.refusal === undefined || message.refusal === null)
  ) {
    return message.content === undefined
      ? missingParameter(`${at}.content`)
      : invalidType(`${at}.content`, 'one of a string or array of objects', message.content);
  }
  if (role !== 'assistant' || noCalls) return [];
  const calls = message.tool_calls;
  if (!Array.isArray(calls)) return invalidType(`${at}.tool_calls`, 'an array of objects', calls);
  if (calls.length === 0) return emptyArray(`${at}.tool_calls`);
  const ids: string[] = [];
  for (const [j, call] of calls.entries()) {
    const callAt = `${at}.tool_calls[${j}]`;
    if (!isJsonObject(call)) return invalidType(callAt, 'an object', call);
    if (typeof call.id !== 'string') {
      return call.id === undefined
        ? missingParameter(`${callAt}.id`)
        : invalidType(`${callAt}.id`, 'a string', call.id);
    }
    if (!isJsonObject(call.function)) return missingParameter(`${callAt}.function`);
    const nameProblem = checkFunctionName(call.function.name, `${callAt}.function.name`);
    if (nameProblem) return nameProblem;
    if (typeof call.function.arguments !== 'string') {
      return call.function.arguments === undefined
        ? missingParameter(`${callAt}.function.arguments`)
        : invalidType(`${callAt}.function.arguments`, 'a string', call.function.arguments);
    }
    ids.push(call.id);
  }
  return ids;
}

function unanswered(ids: readonly string[], param: string): ValidationFailure {
  return fail(
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${ids.join(', ')}`,
    param,
  );
}

/**
 * Validates `messages` like the real API: a non-empty array of objects with known roles, where
 * every `tool` message answers a call of the assistant message right before its run of tool
 * messages, and every assistant `tool_calls` is answered, id by id, by the consecutive `tool`
 * messages that follow it.
 *
 * @param messages - The request's `messages` value.
 * @returns `null` when valid, else the first failure in message order.
 */
export function validateMessages(messages: unknown): ValidationFailure | null {
  if (messages === undefined) return missingParameter('messages');
  if (!Array.isArray(messages)) return invalidType('messages', 'an array of objects', messages);
  if (messages.length === 0) return emptyArray('messages');

  // The ids of the open tool-call block (the last assistant message with calls, while only tool
  // messages have followed it), and those of them still unanswered.
  let block: {
    ids: string[];
    pending: string[];
    index: number;
    answered: Map<string, number>;
  } | null = null;
  for (const [i, message] of messages.entries()) {
    const checked = checkMessage(message, i);
    if (!Array.isArray(checked)) return checked;
    const { role, tool_call_id: toolCallId } = message as { role: string; tool_call_id?: string };
    if (role === 'tool') {
      if (block === null) {
        return fail(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
        );
      }
      if (!block.ids.includes(toolCallId ?? '')) {
        return fail(
          `Invalid parameter: 'tool_call_id' of '${toolCallId}' not found in 'tool_calls' of previous message.`,
          `messages.[${i}].tool_call_id`,
        );
      }
      const earlier = block.answered.get(toolCallId ?? '');
      if (earlier !== undefined) {
        // Two answers to one id: what a reply whose calls repeat an id leads to.
        return fail(
          `Invalid parameter: Duplicate value for 'tool_call_id' of '${toolCallId}', in messages[${earlier}] and messages[${i}].`,
          `messages.[${i}].tool_call_id`,
        );
      }
      block.answered.set(toolCallId ?? '', i);
      block.pending = block.pending.filter((id) => id !== toolCallId);
      continue;
    }
    if (block !== null && block.pending.length > 0) {
      return unanswered(block.pending, `messages.[${i}].role`);
    }
    block =
      checked.length > 0
        ? { ids: checked, pending: [...checked], index: i, answered: new Map() }
        : null;
  }
  if (block !== null && block.pending.length > 0) {
    return unanswered(block.pending, `messages.[${block.index}].role`);
  }
  return null;
}
