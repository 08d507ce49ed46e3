/**
 * The conversation (Chat Completions messages) as Responses input items.
 *
 * @module
 */

import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import type {
  ResponseFunctionToolCall,
  ResponseInputContent,
  ResponseInputItem,
  ResponseOutputMessage,
} from 'openai/resources/responses/responses';
import { ConfigurationError } from '../errors/errors.js';
import { type OutputEntry, outputEntriesOf } from './responses-output.js';

/**
 * Converts the conversation into the `input` of a Responses request: system, developer and user
 * messages become message items, an assistant message becomes its output items (reasoning,
 * message, function calls) in the order the model produced them, a tool message becomes a
 * `function_call_output`.
 *
 * @param messages - The conversation.
 * @returns The input items.
 * @throws ConfigurationError for content the Responses API cannot take (audio parts, the legacy
 *   `function` role and `function_call`).
 */
export function toResponsesInput(
  messages: readonly ChatCompletionMessageParam[],
): ResponseInputItem[] {
  const input: ResponseInputItem[] = [];
  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        input.push({ type: 'message', role: message.role, content: joinedText(message.content) });
        break;
      case 'user':
        input.push({ type: 'message', role: 'user', content: userContent(message.content, index) });
        break;
      case 'assistant':
        input.push(...assistantItems(message, index));
        break;
      case 'tool':
        input.push(functionCallOutput(message));
        break;
      default:
        throw new ConfigurationError(
          `messages[${index}] has role "${(message as { role: string }).role}", which the Responses API has no item for. Use a tool message (role "tool") answering a tool call, or openai() for the Chat Completions API.`,
          { option: 'messages' },
        );
    }
  });
  return input;
}

type TextContent = string | readonly { type: string; text?: string }[] | null | undefined;

/** A message's text: a string as it is, text parts joined, `''` for none. */
function joinedText(content: TextContent): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text ?? '';
  return text;
}

function userContent(
  content: string | ChatCompletionContentPart[],
  index: number,
): string | ResponseInputContent[] {
  if (typeof content === 'string') return content;
  return content.map((part): ResponseInputContent => {
    switch (part.type) {
      case 'text':
        return { type: 'input_text', text: part.text };
      case 'image_url':
        return {
          type: 'input_image',
          image_url: part.image_url.url,
          detail: part.image_url.detail ?? 'auto',
        };
      case 'file': {
        const { file_id, file_data, filename } = part.file;
        return {
          type: 'input_file',
          ...(file_id !== undefined ? { file_id } : {}),
          ...(file_data !== undefined ? { file_data } : {}),
          ...(filename !== undefined ? { filename } : {}),
        };
      }
      default:
        throw new ConfigurationError(
          `messages[${index}] has a "${part.type}" part, which the Responses API takes in no user message. Send text, images or files, or use openai() for the Chat Completions API.`,
          { option: 'messages' },
        );
    }
  });
}

function functionCallOutput(
  message: ChatCompletionToolMessageParam,
): ResponseInputItem.FunctionCallOutput {
  return {
    type: 'function_call_output',
    call_id: message.tool_call_id,
    output: joinedText(message.content),
  };
}

function messageItem(
  text: string,
  refusal: string | undefined,
  id?: string,
  phase?: unknown,
): ResponseInputItem {
  const content: ResponseOutputMessage['content'] = [];
  if (text !== '' || refusal === undefined)
    content.push({ type: 'output_text', text, annotations: [] });
  if (refusal !== undefined) content.push({ type: 'refusal', refusal });
  const item = {
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content,
    ...(typeof phase === 'string' ? { phase } : {}),
  } as const;
  // Without an id the API takes the message as history; the type wants one, hence the cast.
  return (id === undefined ? item : { id, ...item }) as ResponseOutputMessage;
}

function functionCallItem(call: FunctionToolCall, id?: string): ResponseFunctionToolCall {
  return {
    type: 'function_call',
    ...(id !== undefined ? { id } : {}),
    call_id: call.id,
    name: call.function.name,
    arguments: call.function.arguments,
  };
}

type FunctionToolCall = Extract<ChatCompletionMessageToolCall, { type: 'function' }>;

/**
 * The items of one assistant message. Without output entries (a message of another model, or
 * one written by hand) they are its text, then its calls. With them, each entry in its place:
 * a reasoning item goes only where the item it preceded goes too (the API refuses a reasoning
 * item without its following item), and that item then keeps its id, which pairs the two; items
 * of the message that no entry names (a call whose id the loop made unique, text edited by an
 * interceptor) go without ids, text first and calls last.
 */
function assistantItems(
  message: ChatCompletionAssistantMessageParam,
  index: number,
): ResponseInputItem[] {
  if (message.function_call) {
    throw new ConfigurationError(
      `messages[${index}] carries a legacy "function_call", which the Responses API does not take. Use tool_calls instead.`,
      { option: 'messages' },
    );
  }
  const text = joinedText(message.content as TextContent);
  const refusal = typeof message.refusal === 'string' ? message.refusal : undefined;
  const calls = (message.tool_calls ?? []).filter(
    (call): call is FunctionToolCall => call.type === 'function',
  );
  const entries = outputEntriesOf(message);
  if (!entries) {
    const items: ResponseInputItem[] = [];
    if (text !== '' || refusal !== undefined) items.push(messageItem(text, refusal));
    for (const call of calls) items.push(functionCallItem(call));
    return items;
  }
  return replay(entries, text, refusal, calls);
}

/** An entry resolved to the item it stands for, or `undefined` when it stands for nothing now. */
type Resolved = { item: ResponseInputItem; reasoning: boolean; id?: string } | undefined;

function replay(
  entries: readonly OutputEntry[],
  text: string,
  refusal: string | undefined,
  calls: readonly FunctionToolCall[],
): ResponseInputItem[] {
  const messages = entries.filter((e) => e.type === 'message') as {
    id?: unknown;
    text?: unknown;
  }[];
  // Several message items keep their own texts, used while the message's text is still theirs.
  const ownTexts = messages.map((m) => (typeof m.text === 'string' ? m.text : undefined));
  const split = messages.length > 1 && ownTexts.join('') === text && !ownTexts.includes(undefined);
  let messageIndex = 0;
  let textPlaced = false;
  const unused = new Set(calls);
  const resolved: Resolved[] = entries.map((entry): Resolved => {
    const id = typeof entry.id === 'string' && entry.id !== '' ? entry.id : undefined;
    if (entry.type === 'reasoning') return { item: entry as ResponseInputItem, reasoning: true };
    if (entry.type === 'message') {
      const own = split ? (ownTexts[messageIndex] as string) : textPlaced ? undefined : text;
      const first = messageIndex === 0;
      messageIndex += 1;
      if (own === undefined) return undefined;
      textPlaced = true;
      return {
        item: messageItem(
          own,
          first ? refusal : undefined,
          id,
          (entry as { phase?: unknown }).phase,
        ),
        reasoning: false,
        ...(id !== undefined ? { id } : {}),
      };
    }
    if (entry.type === 'function_call') {
      const call = calls.find((c) => unused.has(c) && c.id === entry.call_id);
      if (!call) return undefined;
      unused.delete(call);
      return {
        item: functionCallItem(call, id),
        reasoning: false,
        ...(id !== undefined ? { id } : {}),
      };
    }
    // A hosted tool's item: sent back as it came.
    return { item: entry as ResponseInputItem, reasoning: false };
  });

  // From the end: a reasoning item is sent only when the item after it is sent.
  const send: boolean[] = new Array(resolved.length).fill(false);
  for (let i = resolved.length - 1; i >= 0; i--) {
    const entry = resolved[i];
    if (!entry) continue;
    send[i] = entry.reasoning ? i + 1 < resolved.length && send[i + 1] === true : true;
  }
  const items: ResponseInputItem[] = [];
  if (!textPlaced && (text !== '' || (refusal !== undefined && messages.length === 0))) {
    items.push(messageItem(text, refusal));
  }
  resolved.forEach((entry, i) => {
    if (!entry || !send[i]) return;
    const follows = i > 0 && resolved[i - 1]?.reasoning === true && send[i - 1] === true;
    // An id pairs an item with the reasoning before it; alone, an id only asks the API to look
    // up an item that `store: false` never kept.
    items.push(entry.id !== undefined && !follows ? withoutId(entry.item) : entry.item);
  });
  for (const call of unused) items.push(functionCallItem(call));
  return items;
}

function withoutId(item: ResponseInputItem): ResponseInputItem {
  const { id: _id, ...rest } = item as { id?: unknown };
  return rest as ResponseInputItem;
}
