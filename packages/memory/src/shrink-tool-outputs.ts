/**
 * Shrinks the biggest tool outputs of a turn that does not fit on its own, keeping the start of
 * each and saying with a marker how much was cut.
 *
 * @module
 * @internal
 */

import type {
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import type { TokenCounter } from './token-counter.js';

/** A tool output that `trimMessages` cut to make the newest turn fit. */
export interface ShrunkToolOutput {
  /** Index of the tool message in the `messages` given to `trimMessages`. */
  index: number;
  /** The `tool_call_id` of the message. */
  toolCallId: string;
  /** Tokens of its content before. */
  originalTokens: number;
  /** Tokens of its content after, marker included. */
  tokens: number;
}

/**
 * The marker appended to a cut tool output.
 *
 * @param removed - How many tokens were cut.
 * @param total - How many tokens the output had.
 * @returns The marker text.
 */
export function shrinkMarker(removed: number, total: number): string {
  return `\n\n[agentloop: ${removed} of ${total} tokens of this tool output were cut to fit the context window]`;
}

function contentText(message: ChatCompletionToolMessageParam): string {
  return typeof message.content === 'string'
    ? message.content
    : message.content.map((part) => part.text).join('');
}

interface Candidate {
  index: number;
  message: ChatCompletionToolMessageParam;
  text: string;
  tokens: number;
}

/** Options of {@link shrinkToolOutputs}. */
export interface ShrinkOptions {
  /** The conversation. */
  messages: readonly ChatCompletionMessageParam[];
  /** Indices of the tool messages that may be shrunk. */
  indices: readonly number[];
  /** Tokens to save, at least. */
  excess: number;
  /** No output is cut below this many tokens (marker included). */
  minTokens: number;
  /** The counter. */
  counter: TokenCounter;
}

/** What {@link shrinkToolOutputs} did. */
export interface ShrinkResult {
  /** The shrunk copies, by index. */
  replacements: Map<number, ChatCompletionToolMessageParam>;
  /** One entry per shrunk output. */
  shrunk: ShrunkToolOutput[];
  /** Tokens saved (by message size). */
  saved: number;
}

function capFor(candidates: readonly Candidate[], excess: number, minTokens: number): number {
  // The largest cap whose cuts save at least `excess`: cut the biggest outputs first, evenly.
  let low = minTokens;
  let high = Math.max(minTokens, ...candidates.map((c) => c.tokens));
  const saving = (cap: number) =>
    candidates.reduce((sum, c) => sum + Math.max(0, c.tokens - cap), 0);
  if (saving(low) < excess) return low;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (saving(mid) >= excess) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Cuts the biggest tool outputs down to a common cap so that the messages shrink by at least
 * `excess` tokens.
 *
 * @param options - See {@link ShrinkOptions}.
 * @returns What was cut, or `undefined` when even cutting every output to `minTokens` saves too little.
 */
export function shrinkToolOutputs(options: ShrinkOptions): ShrinkResult | undefined {
  const { messages, indices, excess, minTokens, counter } = options;
  const candidates: Candidate[] = [];
  for (const index of indices) {
    const message = messages[index] as ChatCompletionToolMessageParam;
    const text = contentText(message);
    candidates.push({ index, message, text, tokens: counter.countText(text) });
  }
  let cap = capFor(candidates, excess, minTokens);
  for (let attempt = 0; attempt < 8 && cap >= minTokens; attempt++) {
    const replacements = new Map<number, ChatCompletionToolMessageParam>();
    const shrunk: ShrunkToolOutput[] = [];
    let saved = 0;
    for (const c of candidates) {
      if (c.tokens <= cap) continue;
      const markerTokens = counter.countText(shrinkMarker(c.tokens, c.tokens));
      const head = counter.truncateText(c.text, Math.max(0, cap - markerTokens));
      const keptTokens = counter.countText(head);
      const content = head + shrinkMarker(c.tokens - keptTokens, c.tokens);
      const copy: ChatCompletionToolMessageParam = { ...c.message, content };
      replacements.set(c.index, copy);
      const tokens = counter.countText(content);
      shrunk.push({
        index: c.index,
        toolCallId: c.message.tool_call_id,
        originalTokens: c.tokens,
        tokens,
      });
      saved += counter.countMessage(c.message) - counter.countMessage(copy);
    }
    if (saved >= excess && shrunk.length > 0) return { replacements, shrunk, saved };
    // Re-encoding a cut text can differ by a token or two from the estimate: tighten and retry.
    const cutCount = Math.max(1, shrunk.length);
    cap -= Math.ceil((excess - saved) / cutCount) + 1;
  }
  return undefined;
}
