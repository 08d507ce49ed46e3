/**
 * Reads a conversation backwards as turns of pair-safe blocks, so trimming only looks at the
 * newest messages it keeps (plus one turn), however long the history.
 *
 * @module
 * @internal
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { toolImagesCallIds } from './tool-images-message.js';

/**
 * Messages that are kept or dropped together: one message, or an assistant message with
 * `tool_calls` and the consecutive tool messages that answer all of its calls (and the user
 * message carrying the images those calls returned, see `toolImagesMessage`).
 */
export interface Block {
  /** Index of its first message. */
  start: number;
  /** Index after its last message. */
  end: number;
  /**
   * False for messages that can never be sent: tool messages that answer no call of the message
   * right before them, or an assistant message with calls that are not all answered.
   */
  valid: boolean;
}

/** A user message and everything after it up to the next user message (or, first, what precedes any user message). */
export interface Turn {
  /** Index of its first message. */
  start: number;
  /** Index after its last message. */
  end: number;
  /** Its blocks, oldest first. */
  blocks: Block[];
}

/**
 * The ids of an assistant message's tool calls, or `undefined` when it makes none.
 *
 * @param message - Any message.
 * @returns The call ids.
 */
export function toolCallIds(message: ChatCompletionMessageParam): string[] | undefined {
  if (message.role !== 'assistant' || !message.tool_calls || message.tool_calls.length === 0) {
    return undefined;
  }
  return message.tool_calls.map((call) => call.id);
}

function answersAll(ids: readonly string[], results: readonly ChatCompletionMessageParam[]) {
  const answered = new Set<string>();
  for (const result of results) {
    if (result.role !== 'tool' || !ids.includes(result.tool_call_id)) return false;
    answered.add(result.tool_call_id);
  }
  return ids.every((id) => answered.has(id));
}

/**
 * The block that ends at `end` (exclusive).
 *
 * @param messages - The conversation.
 * @param end - Index after the block's last message (> 0).
 * @returns The block.
 */
export function blockEndingAt(messages: readonly ChatCompletionMessageParam[], end: number): Block {
  const last = end - 1;
  const message = messages[last] as ChatCompletionMessageParam;
  const imagesFor = last > 0 ? toolImagesCallIds(message) : undefined;
  if (imagesFor && (messages[last - 1] as ChatCompletionMessageParam).role === 'tool') {
    // The images of tool results go with those results: kept or dropped as one block.
    const results = blockEndingAt(messages, last);
    const answered = new Set<string>();
    for (let i = results.start; i < last; i++) {
      const m = messages[i] as ChatCompletionMessageParam;
      if (m.role === 'tool') answered.add(m.tool_call_id);
    }
    if (imagesFor.every((id) => answered.has(id))) {
      return { start: results.start, end, valid: results.valid };
    }
  }
  if (message.role === 'tool') {
    let first = last;
    while (first > 0 && (messages[first - 1] as ChatCompletionMessageParam).role === 'tool')
      first--;
    const caller = first > 0 ? (messages[first - 1] as ChatCompletionMessageParam) : undefined;
    const ids = caller ? toolCallIds(caller) : undefined;
    if (ids && answersAll(ids, messages.slice(first, end))) {
      return { start: first - 1, end, valid: true };
    }
    return { start: first, end, valid: false };
  }
  // A caller not directly followed by its results has unanswered calls.
  return { start: last, end, valid: toolCallIds(message) === undefined };
}

/**
 * The turns of `messages[from..]`, newest first. A turn starts at a user message; the messages
 * before the first user message form a turn of their own.
 *
 * @param messages - The conversation.
 * @param from - Messages before this index are not read.
 * @returns A lazy sequence of turns, newest first.
 */
export function* turnsFromNewest(
  messages: readonly ChatCompletionMessageParam[],
  from = 0,
): Generator<Turn, void, undefined> {
  let end = messages.length;
  while (end > from) {
    const turnEnd = end;
    const blocks: Block[] = [];
    while (end > from) {
      let block = blockEndingAt(messages, end);
      // A block reaching before `from` is cut there; what is cut off belongs to covered history.
      if (block.start < from) block = { start: from, end: block.end, valid: false };
      blocks.push(block);
      end = block.start;
      if (block.end - block.start === 1 && messages[block.start]?.role === 'user') break;
    }
    blocks.reverse();
    yield { start: end, end: turnEnd, blocks };
  }
}
