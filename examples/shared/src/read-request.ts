import type { ModelRequest } from '@agentloop/core';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** A tool call of the current question and the tool message that answered it. */
export interface ToolResult {
  /** The call id. */
  id: string;
  /** The tool the model called. */
  name: string;
  /** The arguments, parsed (the raw string when they are not JSON). */
  args: unknown;
  /** The tool message's text: the tool's output, or the fault the model is told about. */
  content: string;
  /** False when the tool message reports a fault (it starts with `Error:`). */
  ok: boolean;
}

/** The text of a message's content, whether a string or an array of text parts. */
export function messageText(message: ChatCompletionMessageParam): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => ('text' in part ? part.text : '')).join('');
}

/** The index of the last user message of a request, or -1. */
function lastUserIndex(messages: readonly ChatCompletionMessageParam[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return i;
  return -1;
}

/**
 * The text of the last user message: the question a scripted model is answering.
 *
 * @param request - the request the model received.
 * @returns the text, or `''` when the request has no user message.
 */
export function lastUserText(request: ModelRequest): string {
  const index = lastUserIndex(request.messages);
  const message = request.messages[index];
  return message ? messageText(message) : '';
}

function parseArgs(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * The tool calls made since the last user message, each with the tool message that answered
 * it, in the order the model made them. Empty when the model has not called a tool yet for
 * the current question.
 *
 * @param request - the request the model received.
 * @returns the calls and their results.
 */
export function currentToolResults(request: ModelRequest): ToolResult[] {
  const { messages } = request;
  const results = new Map<string, string>();
  const calls: Omit<ToolResult, 'content' | 'ok'>[] = [];
  for (const message of messages.slice(lastUserIndex(messages) + 1)) {
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        if (call.type !== 'function') continue;
        calls.push({
          id: call.id,
          name: call.function.name,
          args: parseArgs(call.function.arguments),
        });
      }
    } else if (message.role === 'tool') {
      results.set(message.tool_call_id, messageText(message));
    }
  }
  return calls.flatMap((call) => {
    const content = results.get(call.id);
    return content === undefined ? [] : [{ ...call, content, ok: !content.startsWith('Error:') }];
  });
}

/**
 * Whether the request offers a tool of this name.
 *
 * @param request - the request the model received.
 * @param name - the tool name.
 * @returns true when `request.tools` lists it.
 */
export function offersTool(request: ModelRequest, name: string): boolean {
  return (request.tools ?? []).some((t) => t.type === 'function' && t.function.name === name);
}

/**
 * Parses a successful tool output sent as JSON.
 *
 * @param result - a tool result.
 * @returns the parsed value, or `undefined` when the call failed or its output is not JSON.
 */
export function jsonOutput<T>(result: ToolResult): T | undefined {
  if (!result.ok) return undefined;
  try {
    return JSON.parse(result.content) as T;
  } catch {
    return undefined;
  }
}

/**
 * Why a failed call failed, without the lead the loop puts before it (`Error: tool "x" failed:`,
 * `Error: the call to "x" was denied:`, a thrown error's name such as `BuiltinToolError:`) or the denial's closing
 * `Do not retry it unchanged.`: the reason a scripted answer quotes to the user.
 *
 * @param result - a tool result whose `ok` is false.
 * @returns the reason, e.g. `No place named "Atlantis" was found by Open-Meteo geocoding. ...`.
 */
export function faultReason(result: ToolResult): string {
  return result.content
    .replace(
      /^Error:\s*(tool "[^"]*" failed:\s*|the call to "[^"]*" was denied:\s*)?([A-Z]\w*Error:\s*)?/,
      '',
    )
    .replace(/\s*Do not retry it unchanged\.$/, '');
}
