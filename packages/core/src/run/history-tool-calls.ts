import { TOOL_NAME_PATTERN } from '@agentloop/tools';
import type { ModelToolCall } from '../model.js';

/**
 * The tool calls of a reply as they are echoed in the conversation. The API rejects a request
 * whose history holds a call to a name outside `^[a-zA-Z0-9_-]{1,64}$` (a local model may
 * invent `get weather` or an empty name), which would turn the model's fault into a failed run.
 * Such a name is echoed with the offending characters replaced by `_` (cut to 64, or
 * `invalid_tool_name` when empty); the call keeps its id, so its result still pairs with it, and
 * that result, an unknown-tool error quoting the name as sent, tells the model what went wrong.
 */
export function toHistoryToolCalls(calls: readonly ModelToolCall[]): ModelToolCall[] {
  return calls.map((call) =>
    TOOL_NAME_PATTERN.test(call.function.name)
      ? call
      : { ...call, function: { ...call.function, name: echoableName(call.function.name) } },
  );
}

/** `name` with every character the API refuses in a name replaced by `_`, cut to 64. */
export function toValidName(name: string, fallback: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || fallback;
}

function echoableName(name: string): string {
  return toValidName(name, 'invalid_tool_name');
}
