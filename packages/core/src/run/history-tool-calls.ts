import { parseToolArguments, TOOL_NAME_PATTERN } from '@agentloop/tools';
import type { ModelToolCall } from '../models/model.js';

/**
 * The tool calls of a reply as they are echoed in the conversation, so that the model's faults
 * never turn into a refused request and a failed run:
 *
 * - The API rejects a call to a name outside `^[a-zA-Z0-9_-]{1,64}$` (a local model may invent
 *   `get weather` or an empty name). Such a name is echoed with the offending characters replaced
 *   by `_` (cut to 64, or `invalid_tool_name` when empty).
 * - Servers that parse the history (vLLM, DashScope, LiteLLM relays) reject arguments that are
 *   not JSON, and chat templates expect an object. Arguments that are empty (a call without
 *   arguments, which runs with `{}`), malformed or cut off, or JSON but not an object, are echoed
 *   as `"{}"`.
 *
 * The call keeps its id and its provider fields, so its result still pairs with it, and that
 * result (an unknown-tool error quoting the name, an invalid-JSON error quoting the arguments as
 * sent) tells the model what went wrong. `RunResult.toolCalls` keeps what the model sent.
 */
export function toHistoryToolCalls(calls: readonly ModelToolCall[]): ModelToolCall[] {
  return calls.map((call) => {
    const { name, arguments: args } = call.function;
    const echoedName = TOOL_NAME_PATTERN.test(name) ? name : echoableName(name);
    const echoedArgs = echoableArguments(args);
    if (echoedName === name && echoedArgs === args) return call;
    return { ...call, function: { ...call.function, name: echoedName, arguments: echoedArgs } };
  });
}

/** `args` when it is the JSON text of an object, else `"{}"` (or an object's JSON text). */
function echoableArguments(args: string): string {
  const parsed = parseToolArguments(args);
  const isObject =
    parsed.ok &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    !Array.isArray(parsed.value);
  if (!isObject) return '{}';
  // A model may hand over the object itself rather than its text; the API wants the text. An
  // empty text parses as `{}` but is not JSON itself.
  if (typeof args !== 'string') return JSON.stringify(parsed.value);
  return args.trim() === '' ? '{}' : args;
}

/** `name` with every character the API refuses in a name replaced by `_`, cut to 64. */
export function toValidName(name: string, fallback: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || fallback;
}

function echoableName(name: string): string {
  return toValidName(name, 'invalid_tool_name');
}
