/**
 * How a Responses reply's output items ride on the assistant message of the conversation, so
 * that reasoning items go back in the next request next to the items they preceded.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ResponseReasoningItem } from 'openai/resources/responses/responses';

/**
 * The provider field of an assistant message that holds its Responses output items, in the
 * order the model produced them. The message itself keeps the Chat Completions shape
 * (`content`, `refusal`, `tool_calls`); this field only adds what that shape cannot say: the
 * reasoning items (whole, with their `encrypted_content`) and where they stood.
 */
export const RESPONSES_OUTPUT_FIELD = 'responses_output';

/** A message item of the output: its id, and its text when the reply had more than one. */
export interface OutputMessageEntry {
  type: 'message';
  id: string;
  /** The item's own text, kept only when the reply had several message items. */
  text?: string;
  /** The item's `phase` (`commentary`, `final_answer`), which newer models want back. */
  phase?: string;
}

/** A function call of the output: its item id and the `call_id` of the message's tool call. */
export interface OutputFunctionCallEntry {
  type: 'function_call';
  id?: string;
  call_id: string;
}

/** Any other output item (hosted tools), kept whole and sent back as it came. */
export interface OutputOtherEntry {
  type: string;
  [field: string]: unknown;
}

/** One entry of {@link RESPONSES_OUTPUT_FIELD}. */
export type OutputEntry =
  | ResponseReasoningItem
  | OutputMessageEntry
  | OutputFunctionCallEntry
  | OutputOtherEntry;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The output entries an assistant message carries, or `undefined` when it carries none (a
 * message of a Chat Completions model, or one typed by hand). Entries that are not objects with
 * a string `type` are skipped: a session file edited by hand must not break a request.
 *
 * @param message - An assistant message of the conversation.
 */
export function outputEntriesOf(message: object): OutputEntry[] | undefined {
  const field = (message as Record<string, unknown>)[RESPONSES_OUTPUT_FIELD];
  if (!Array.isArray(field)) return undefined;
  return field.filter(
    (entry): entry is OutputEntry => isRecord(entry) && typeof entry.type === 'string',
  );
}

/**
 * The conversation without the Responses output entries, for a Chat Completions request: a
 * session begun on `openaiResponses()` can go on with `openai()`, whose servers do not know the
 * field (OpenAI's refuses properties it does not know). The same array when no message has one.
 *
 * @param messages - The conversation.
 */
export function withoutOutputEntries(
  messages: ChatCompletionMessageParam[],
): ChatCompletionMessageParam[] {
  if (!messages.some((m) => m.role === 'assistant' && RESPONSES_OUTPUT_FIELD in m)) return messages;
  return messages.map((message) => {
    if (message.role !== 'assistant' || !(RESPONSES_OUTPUT_FIELD in message)) return message;
    const { [RESPONSES_OUTPUT_FIELD]: _entries, ...rest } = message as typeof message &
      Record<string, unknown>;
    return rest as ChatCompletionMessageParam;
  });
}
