/**
 * Renders a scripted reply as the API's server-sent events: `chat.completion.chunk` objects with
 * content and tool-call arguments split at seeded-random points, the usage chunk, `[DONE]`.
 *
 * @module
 */

import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ResolvedReply } from './completion.js';
import type { StreamShape } from './script.js';

type Delta = ChatCompletionChunk.Choice.Delta;
type ToolCallDelta = ChatCompletionChunk.Choice.Delta.ToolCall;

/** A small deterministic generator (mulberry32), so split points replay identically per seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Cuts text into pieces of 1..maxLength code points at random points (never inside a surrogate
 * pair); text of two or more code points always yields at least two pieces.
 */
export function splitText(text: string, random: () => number, maxLength: number): string[] {
  const points = Array.from(text);
  if (points.length === 0) return [];
  const cap = Math.max(1, Math.min(maxLength, Math.ceil(points.length / 2)));
  const pieces: string[] = [];
  let at = 0;
  while (at < points.length) {
    const size = 1 + Math.floor(random() * cap);
    pieces.push(points.slice(at, at + size).join(''));
    at += size;
  }
  return pieces;
}

/** The tool-call deltas of a reply: per call, a first delta with id/type/name, then argument pieces. */
function toolCallDeltas(
  reply: ResolvedReply,
  random: () => number,
  shape: Required<StreamShape>,
): ToolCallDelta[] {
  const queues = reply.toolCalls.map((call, index): ToolCallDelta[] => {
    const args = call.arguments;
    // The first delta names the call; a scripted `extra_content` rides on it, as Gemini sends it.
    const first = {
      index,
      id: call.id,
      type: 'function',
      function: { name: call.name, ...(args === undefined ? {} : { arguments: '' }) },
      ...(call.extraContent !== undefined ? { extra_content: call.extraContent } : {}),
    } as ToolCallDelta;
    if (args === undefined) return [first];
    if (typeof args !== 'string') {
      // Object arguments (`argumentsAsObject`) cannot be cut: they come whole in one delta.
      return [first, { index, function: { arguments: args } } as unknown as ToolCallDelta];
    }
    const pieces = splitText(args, random, shape.maxPieceLength);
    return [first, ...pieces.map((piece) => ({ index, function: { arguments: piece } }))];
  });
  if (!shape.interleaveToolCalls) return queues.flat();
  const out: ToolCallDelta[] = [];
  while (queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next) out.push(next);
    }
  }
  return out;
}

/** Stream shape defaults. */
export const DEFAULT_STREAM_SHAPE: Required<StreamShape> = {
  seed: 1,
  maxPieceLength: 6,
  interleaveToolCalls: false,
  splitUtf8: false,
};

/**
 * Builds the chunk sequence the API would stream for a reply.
 *
 * @param reply - The resolved reply.
 * @param shape - How to split it.
 * @param includeUsage - Whether the request set `stream_options.include_usage` (adds `usage: null`
 *   to every chunk and a final chunk with empty `choices` and the usage).
 * @returns The chunks, in order, without the closing `[DONE]`.
 */
export function buildChunks(
  reply: ResolvedReply,
  shape: Required<StreamShape>,
  includeUsage: boolean,
): ChatCompletionChunk[] {
  const random = seededRandom(shape.seed);
  const chunk = (
    delta: Delta,
    finishReason: ChatCompletionChunk.Choice['finish_reason'] = null,
  ): ChatCompletionChunk => ({
    id: reply.id,
    object: 'chat.completion.chunk',
    created: reply.created,
    model: reply.model,
    service_tier: 'default',
    system_fingerprint: 'fp_test_server',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });

  const chunks: ChatCompletionChunk[] = [
    chunk({ role: 'assistant', content: reply.content === null ? null : '', refusal: null }),
  ];
  // Reasoning streams before the answer, in deltas of its own (DeepSeek: `reasoning_content`).
  for (const piece of splitText(reply.reasoningContent ?? '', random, shape.maxPieceLength)) {
    chunks.push(chunk({ reasoning_content: piece } as Delta));
  }
  for (const piece of splitText(reply.reasoning ?? '', random, shape.maxPieceLength)) {
    chunks.push(chunk({ reasoning: piece } as Delta));
  }
  for (const piece of splitText(reply.content ?? '', random, shape.maxPieceLength)) {
    chunks.push(chunk({ content: piece }));
  }
  for (const piece of splitText(reply.refusal ?? '', random, shape.maxPieceLength)) {
    chunks.push(chunk({ refusal: piece }));
  }
  for (const delta of toolCallDeltas(reply, random, shape)) {
    chunks.push(chunk({ tool_calls: [delta] }));
  }
  chunks.push(chunk({}, reply.finishReason));
  if (includeUsage) {
    chunks.push({ ...chunk({}), choices: [], usage: reply.usage });
  }
  return chunks;
}

/**
 * Frames one SSE event as bytes: `data: <json>\n\n`, or `data: [DONE]\n\n`.
 *
 * @param payload - A chunk, or the string `'[DONE]'`.
 */
export function encodeEvent(payload: ChatCompletionChunk | '[DONE]'): Buffer {
  const data = payload === '[DONE]' ? payload : JSON.stringify(payload);
  return Buffer.from(`data: ${data}\n\n`, 'utf8');
}

/**
 * Cuts an encoded event into the byte runs to write: with `splitUtf8`, an event that holds a
 * multi-byte character is cut right after that character's first byte, so neither write is valid
 * UTF-8 on its own and the client must join bytes across reads before decoding.
 *
 * @param event - The encoded event.
 * @param splitUtf8 - Whether to cut inside the first multi-byte character.
 */
export function splitForWrite(event: Buffer, splitUtf8: boolean): Buffer[] {
  if (!splitUtf8) return [event];
  // A byte >= 0xC0 starts a multi-byte sequence; cutting after it leaves a dangling lead byte.
  const lead = event.findIndex((byte) => byte >= 0xc0);
  if (lead === -1) return [event];
  return [event.subarray(0, lead + 1), event.subarray(lead + 1)];
}
