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
  /** Tokens of `text`. */
  tokens: number;
  /** Tokens of the whole message. */
  size: number;
  /** Tokens of the message with empty content: what a cut copy costs besides its text. */
  overhead: number;
  /** Tokens of the longest marker this output can get; counted when it is first cut. */
  markerTokens: number | undefined;
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

/** What {@link shrinkToolOutputs} did when the cuts save enough. */
export interface ShrinkResult {
  ok: true;
  /** The shrunk copies, by index. */
  replacements: Map<number, ChatCompletionToolMessageParam>;
  /** One entry per shrunk output. */
  shrunk: ShrunkToolOutput[];
  /** Tokens saved (by message size). */
  saved: number;
}

/** What {@link shrinkToolOutputs} reports when no cut saves enough. */
export interface ShrinkFailure {
  ok: false;
  /** Tokens that cutting every output to `minTokens` would save (by their text's size). */
  possible: number;
}

function savingAt(candidates: readonly Candidate[], cap: number): number {
  return candidates.reduce((sum, c) => sum + Math.max(0, c.tokens - cap), 0);
}

function capFor(candidates: readonly Candidate[], excess: number, minTokens: number): number {
  // The largest cap whose cuts save at least `excess`: cut the biggest outputs first, evenly.
  let low = minTokens;
  let high = Math.max(minTokens, ...candidates.map((c) => c.tokens));
  if (savingAt(candidates, low) < excess) return low;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (savingAt(candidates, mid) >= excess) low = mid;
    else high = mid - 1;
  }
  return low;
}

function candidateAt(
  messages: readonly ChatCompletionMessageParam[],
  index: number,
  counter: TokenCounter,
): Candidate {
  const message = messages[index] as ChatCompletionToolMessageParam;
  const size = counter.countMessage(message);
  const overhead = counter.countMessage({ ...message, content: '' });
  // A message's size is its string content's tokens plus the rest, and the caller has just
  // counted the message (cached): subtracting avoids encoding a large output a second time.
  // Parts are counted one by one in a message, so their joined text is counted on its own.
  const text = contentText(message);
  const tokens = typeof message.content === 'string' ? size - overhead : counter.countText(text);
  return { index, message, text, tokens, size, overhead, markerTokens: undefined };
}

/**
 * Cuts the biggest tool outputs down to a common cap so that the messages shrink by at least
 * `excess` tokens.
 *
 * @param options - See {@link ShrinkOptions}.
 * @returns What was cut; or, when even cutting every output to `minTokens` saves too little, what
 * that would have saved.
 */
export function shrinkToolOutputs(options: ShrinkOptions): ShrinkResult | ShrinkFailure {
  const { messages, indices, excess, minTokens, counter } = options;
  const candidates = indices.map((index) => candidateAt(messages, index, counter));
  let cap = capFor(candidates, excess, minTokens);
  for (let attempt = 0; attempt < 8 && cap >= minTokens; attempt++) {
    const replacements = new Map<number, ChatCompletionToolMessageParam>();
    const shrunk: ShrunkToolOutput[] = [];
    let saved = 0;
    for (const c of candidates) {
      if (c.tokens <= cap) continue;
      c.markerTokens ??= counter.countText(shrinkMarker(c.tokens, c.tokens));
      const head = counter.truncateText(c.text, Math.max(0, cap - c.markerTokens));
      const keptTokens = counter.countText(head);
      const content = head + shrinkMarker(c.tokens - keptTokens, c.tokens);
      const copy: ChatCompletionToolMessageParam = { ...c.message, content };
      replacements.set(c.index, copy);
      // Counted as a message (cached by content, so the same cut is not encoded again next time).
      const copySize = counter.countMessage(copy);
      shrunk.push({
        index: c.index,
        toolCallId: c.message.tool_call_id,
        originalTokens: c.tokens,
        tokens: copySize - c.overhead,
      });
      saved += c.size - copySize;
    }
    if (saved >= excess && shrunk.length > 0) return { ok: true, replacements, shrunk, saved };
    // Re-encoding a cut text can differ by a token or two from the estimate: tighten and retry.
    const cutCount = Math.max(1, shrunk.length);
    cap -= Math.ceil((excess - saved) / cutCount) + 1;
  }
  return { ok: false, possible: savingAt(candidates, minTokens) };
}
