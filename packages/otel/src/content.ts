/**
 * Content for the Opt-In attributes (`captureContent: true`): messages in the conventions' JSON
 * form (`{ role, parts }`), tool arguments and results, every string cut to a bound and scrubbed
 * of anything shaped like an API key, then serialised as one JSON string per attribute.
 *
 * @module
 */
import type { ModelMessage, ModelRequest, RunInput } from '@agentloop/core';

/** A Chat Completions message, as a run's input holds them. */
type ChatCompletionMessageParam = Exclude<RunInput, string>[number];

/** How captured content is bounded and cleaned. */
export interface ContentLimits {
  /** The longest string kept whole; longer ones are cut, with a note of how much. */
  maxChars: number;
  /** Exact strings replaced with `[redacted]` wherever they appear. */
  secrets: readonly string[];
}

/** One part of a message, in the conventions' JSON form. */
type Part = Record<string, unknown> & { type: string };
/** One message, in the conventions' JSON form. */
interface GenAiMessage {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

const REDACTED = '[redacted]';
// Bearer tokens and OpenAI-style keys (sk-..., sk-proj-...), whatever the provider.
const KEY_SHAPED = /\b(?:sk-[A-Za-z0-9_-]{16,}|Bearer\s+[A-Za-z0-9._~+/=-]{16,})/g;

/** `text` scrubbed of secrets and key-shaped strings, and cut to `maxChars`. */
export function boundText(text: string, { maxChars, secrets }: ContentLimits): string {
  let out = text.replace(KEY_SHAPED, REDACTED);
  for (const secret of secrets) {
    if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  if (out.length <= maxChars) return out;
  return `${out.slice(0, maxChars)}…[${out.length - maxChars} more characters cut]`;
}

/** A JSON value with every string in it bounded (keys too), as a JSON string. */
export function boundJson(value: unknown, limits: ContentLimits): string {
  return JSON.stringify(boundValue(value, limits, 0)) ?? 'null';
}

function boundValue(value: unknown, limits: ContentLimits, depth: number): unknown {
  if (typeof value === 'string') return boundText(value, limits);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? String(value) : value;
  }
  if (depth > 16) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => boundValue(item, limits, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[boundText(key, limits)] = boundValue(item, limits, depth + 1);
  }
  return out;
}

/** A run's input as messages: a string is one user message. */
export function inputMessages(input: RunInput): ChatCompletionMessageParam[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : [...input];
}

/** Chat Completions messages in the conventions' input-messages form, as a bounded JSON string. */
export function messagesJson(
  messages: readonly ChatCompletionMessageParam[],
  limits: ContentLimits,
): string {
  return boundJson(messages.map(toGenAiMessage), limits);
}

/** A reply in the conventions' output-messages form (one choice), as a bounded JSON string. */
export function replyJson(
  message: Pick<ModelMessage, 'content' | 'tool_calls' | 'refusal'>,
  finishReason: string,
  limits: ContentLimits,
): string {
  const converted = toGenAiMessage({ role: 'assistant', ...message } as ChatCompletionMessageParam);
  return boundJson([{ ...converted, finish_reason: finishReason }], limits);
}

/** The tools of a request, in the conventions' tool-definitions form, as a bounded JSON string. */
export function toolDefinitionsJson(
  tools: ModelRequest['tools'],
  limits: ContentLimits,
): string | undefined {
  if (!tools || tools.length === 0) return undefined;
  const definitions = tools.map((t) =>
    t.type === 'function'
      ? {
          type: 'function',
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          ...(t.function.parameters ? { parameters: t.function.parameters } : {}),
        }
      : { type: t.type },
  );
  return boundJson(definitions, limits);
}

function toGenAiMessage(message: ChatCompletionMessageParam): GenAiMessage {
  const parts: Part[] = [];
  if (message.role === 'tool') {
    parts.push({
      type: 'tool_call_response',
      id: message.tool_call_id,
      response: parsed(text(message)),
    });
    return { role: 'tool', parts };
  }
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', content });
  } else if (Array.isArray(content)) {
    for (const part of content as ReadonlyArray<{ type: string; text?: string }>) {
      parts.push(
        part.type === 'text' || part.type === 'refusal'
          ? { type: 'text', content: part.text ?? '' }
          : // Images, audio and files are named, never copied: they are large and often private.
            { type: part.type },
      );
    }
  }
  if (message.role === 'assistant') {
    const { reasoning_content: reasoning } = message as { reasoning_content?: unknown };
    if (typeof reasoning === 'string' && reasoning !== '') {
      parts.unshift({ type: 'reasoning', content: reasoning });
    }
    if (typeof message.refusal === 'string' && message.refusal !== '') {
      parts.push({ type: 'text', content: message.refusal });
    }
    for (const call of message.tool_calls ?? []) {
      if (call.type !== 'function') continue;
      parts.push({
        type: 'tool_call',
        id: call.id,
        name: call.function.name,
        arguments: parsed(call.function.arguments),
      });
    }
  }
  // A developer message is an instruction like a system one.
  return { role: message.role === 'developer' ? 'system' : message.role, parts };
}

function text(message: { content: unknown }): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: string; text?: string }) =>
      part.type === 'text' ? (part.text ?? '') : '',
    )
    .join('');
}

/**
 * A JSON text as the value it holds, or the text itself when it is not JSON: the conventions want
 * arguments and results as objects when they are.
 */
export function parsed(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
