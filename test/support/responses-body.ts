/**
 * Builds `/v1/responses` answers shaped like the real API's from a scripted reply: the output
 * items (reasoning, message, function calls, with their ids) and the `response` object.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { type ResolvedReply, type ResolvedToolCall, randomId } from './completion.js';
import type { ReasoningLedger } from './reasoning-ledger.js';

/** How reasoning items appear in a reply: one before the first item, or one before each. */
export type ReasoningMode = boolean | 'interleaved';

/** One output item of a reply, before it is rendered. */
export type PlannedItem =
  | { kind: 'reasoning'; id: string; summary: string; encrypted: string | undefined }
  | { kind: 'message'; id: string; content: string | null; refusal: string | null }
  | { kind: 'function_call'; id: string; call: ResolvedToolCall; arguments: string };

/** The request fields an answer echoes or depends on. */
export interface ResponsesRequestView {
  model: string;
  include?: unknown;
  store?: unknown;
  tools?: unknown;
  tool_choice?: unknown;
  parallel_tool_calls?: unknown;
  text?: unknown;
  reasoning?: unknown;
  max_output_tokens?: unknown;
  temperature?: unknown;
  top_p?: unknown;
}

function encryptedContent(): string {
  // Real blobs are Fernet tokens ("gAAAAA..."); only their opacity matters here.
  return `gAAAAA${randomBytes(48).toString('base64url')}`;
}

/**
 * The output items of a reply, with fresh ids, and the reasoning items recorded in the ledger
 * with the item that follows each.
 *
 * @param reply - The resolved reply.
 * @param reasoning - Whether (and where) reasoning items come.
 * @param request - The request (its `include` decides whether reasoning is encrypted).
 * @param ledger - Where the issued reasoning items are recorded.
 */
export function planOutput(
  reply: ResolvedReply,
  reasoning: ReasoningMode,
  request: ResponsesRequestView,
  ledger: ReasoningLedger,
): PlannedItem[] {
  const items: PlannedItem[] = [];
  if (reply.content !== null || reply.refusal !== null || reply.toolCalls.length === 0) {
    items.push({
      kind: 'message',
      id: randomId('msg_', 40),
      content: reply.content ?? (reply.refusal === null ? '' : null),
      refusal: reply.refusal,
    });
  }
  for (const call of reply.toolCalls) {
    const args = call.arguments;
    items.push({
      kind: 'function_call',
      id: randomId('fc_', 40),
      call,
      arguments: args === undefined ? '' : typeof args === 'string' ? args : JSON.stringify(args),
    });
  }
  if (!reasoning) return items;
  const encrypted =
    Array.isArray(request.include) && request.include.includes('reasoning.encrypted_content');
  const summary = reply.reasoningContent ?? reply.reasoning ?? '';
  const out: PlannedItem[] = [];
  items.forEach((item, i) => {
    if (i === 0 || reasoning === 'interleaved') {
      const id = randomId('rs_', 40);
      const blob = encrypted ? encryptedContent() : undefined;
      ledger.issue(id, { encrypted: blob, followerId: item.id, followerType: typeOf(item) });
      out.push({ kind: 'reasoning', id, summary: i === 0 ? summary : '', encrypted: blob });
    }
    out.push(item);
  });
  return out;
}

function typeOf(item: PlannedItem): string {
  return item.kind;
}

/** An item as the API writes it once it is done. */
export function renderItem(item: PlannedItem): Record<string, unknown> {
  switch (item.kind) {
    case 'reasoning':
      return {
        id: item.id,
        type: 'reasoning',
        summary: item.summary === '' ? [] : [{ type: 'summary_text', text: item.summary }],
        ...(item.encrypted !== undefined ? { encrypted_content: item.encrypted } : {}),
      };
    case 'message':
      return {
        id: item.id,
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [
          ...(item.content !== null
            ? [{ type: 'output_text', text: item.content, annotations: [], logprobs: [] }]
            : []),
          ...(item.refusal !== null ? [{ type: 'refusal', refusal: item.refusal }] : []),
        ],
      };
    case 'function_call':
      return {
        id: item.id,
        type: 'function_call',
        status: 'completed',
        arguments: item.arguments,
        call_id: item.call.id,
        name: item.call.name,
      };
  }
}

/** The `usage` of a reply in the Responses shape (reasoning inside the output tokens). */
function usageOf(reply: ResolvedReply): ApiResponse['usage'] {
  const { prompt_tokens, total_tokens } = reply.usage;
  return {
    input_tokens: prompt_tokens,
    input_tokens_details: {
      cached_tokens: reply.usage.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: 0,
    },
    output_tokens: total_tokens - prompt_tokens,
    output_tokens_details: {
      reasoning_tokens: reply.usage.completion_tokens_details?.reasoning_tokens ?? 0,
    },
    total_tokens,
  };
}

/**
 * The `response` object of a reply: `completed`, or `incomplete` for a scripted `length`
 * (`max_output_tokens`) or `content_filter` finish.
 *
 * @param reply - The resolved reply.
 * @param items - Its output items.
 * @param request - The request it answers.
 * @param done - `false` for the object of `response.created` (in progress, no output, no usage).
 */
export function buildResponse(
  reply: ResolvedReply,
  items: readonly PlannedItem[],
  request: ResponsesRequestView,
  done = true,
): Record<string, unknown> {
  const incomplete = reply.finishReason === 'length' || reply.finishReason === 'content_filter';
  const status = !done ? 'in_progress' : incomplete ? 'incomplete' : 'completed';
  return {
    id: reply.id,
    object: 'response',
    created_at: reply.created,
    status,
    background: false,
    error: null,
    incomplete_details:
      done && incomplete
        ? { reason: reply.finishReason === 'length' ? 'max_output_tokens' : 'content_filter' }
        : null,
    instructions: null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: request.model,
    output: done ? items.map(renderItem) : [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: request.reasoning ?? { effort: null, summary: null },
    service_tier: 'default',
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: done ? usageOf(reply) : null,
    user: null,
    metadata: {},
  };
}
