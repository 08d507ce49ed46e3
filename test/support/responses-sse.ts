/**
 * Renders a scripted reply as the typed server-sent events of `/v1/responses`:
 * `response.created`, `response.in_progress`, each output item added, its deltas and done, then
 * `response.completed` (or `response.incomplete`). There is no `[DONE]`.
 *
 * Text and arguments are split exactly as the Chat Completions stream of the same reply splits
 * them (same seeded generator, consumed in the same order), so both APIs deliver the same
 * deltas and a conformance test can compare `text:delta` and `tool:args` events one to one.
 *
 * @module
 */

import type { ResolvedReply } from './completion.js';
import {
  buildResponse,
  type PlannedItem,
  type ResponsesRequestView,
  renderItem,
} from './responses-body.js';
import type { StreamShape } from './script.js';
import { seededRandom, splitText } from './sse.js';

/** One event: its `type` and the rest of its payload (the sequence number is added). */
export type ResponsesEvent = { type: string } & Record<string, unknown>;

/**
 * The events of a streamed reply, in order, each with its `sequence_number`.
 *
 * @param reply - The resolved reply.
 * @param items - Its planned output items.
 * @param request - The request it answers.
 * @param shape - How text and arguments are split.
 */
export function buildResponsesEvents(
  reply: ResolvedReply,
  items: readonly PlannedItem[],
  request: ResponsesRequestView,
  shape: Required<StreamShape>,
): ResponsesEvent[] {
  const random = seededRandom(shape.seed);
  const split = (text: string) => splitText(text, random, shape.maxPieceLength);
  // The Chat Completions stream splits reasoning, content, refusal, then each call's arguments.
  split(reply.reasoningContent ?? '');
  split(reply.reasoning ?? '');
  const contentPieces = split(reply.content ?? '');
  const refusalPieces = split(reply.refusal ?? '');
  const argumentPieces = new Map<string, string[]>();
  for (const item of items) {
    if (item.kind === 'function_call') argumentPieces.set(item.id, split(item.arguments));
  }

  const events: ResponsesEvent[] = [
    { type: 'response.created', response: buildResponse(reply, items, request, false) },
    { type: 'response.in_progress', response: buildResponse(reply, items, request, false) },
  ];
  items.forEach((item, outputIndex) => {
    const base = { output_index: outputIndex };
    const done = renderItem(item);
    if (item.kind === 'reasoning') {
      events.push({
        type: 'response.output_item.added',
        ...base,
        item: { id: item.id, type: 'reasoning', summary: [] },
      });
      if (item.summary !== '') {
        const part = { type: 'summary_text', text: item.summary };
        const at = { item_id: item.id, ...base, summary_index: 0 };
        events.push({
          type: 'response.reasoning_summary_part.added',
          ...at,
          part: { ...part, text: '' },
        });
        events.push({ type: 'response.reasoning_summary_text.delta', ...at, delta: item.summary });
        events.push({ type: 'response.reasoning_summary_text.done', ...at, text: item.summary });
        events.push({ type: 'response.reasoning_summary_part.done', ...at, part });
      }
    } else if (item.kind === 'message') {
      events.push({
        type: 'response.output_item.added',
        ...base,
        item: {
          id: item.id,
          type: 'message',
          status: 'in_progress',
          role: 'assistant',
          content: [],
        },
      });
      let contentIndex = 0;
      if (item.content !== null) {
        const at = { item_id: item.id, ...base, content_index: contentIndex++ };
        const part = { type: 'output_text', annotations: [], logprobs: [] };
        events.push({ type: 'response.content_part.added', ...at, part: { ...part, text: '' } });
        for (const delta of contentPieces) {
          events.push({ type: 'response.output_text.delta', ...at, delta, logprobs: [] });
        }
        events.push({ type: 'response.output_text.done', ...at, text: item.content, logprobs: [] });
        events.push({
          type: 'response.content_part.done',
          ...at,
          part: { ...part, text: item.content },
        });
      }
      if (item.refusal !== null) {
        const at = { item_id: item.id, ...base, content_index: contentIndex++ };
        events.push({
          type: 'response.content_part.added',
          ...at,
          part: { type: 'refusal', refusal: '' },
        });
        for (const delta of refusalPieces)
          events.push({ type: 'response.refusal.delta', ...at, delta });
        events.push({ type: 'response.refusal.done', ...at, refusal: item.refusal });
        events.push({
          type: 'response.content_part.done',
          ...at,
          part: { type: 'refusal', refusal: item.refusal },
        });
      }
    } else {
      events.push({
        type: 'response.output_item.added',
        ...base,
        item: { ...done, status: 'in_progress', arguments: '' },
      });
      const at = { item_id: item.id, ...base };
      for (const delta of argumentPieces.get(item.id) ?? []) {
        events.push({ type: 'response.function_call_arguments.delta', ...at, delta });
      }
      events.push({
        type: 'response.function_call_arguments.done',
        ...at,
        name: item.call.name,
        arguments: item.arguments,
      });
    }
    events.push({ type: 'response.output_item.done', ...base, item: done });
  });
  const final = buildResponse(reply, items, request);
  events.push({
    type: final.status === 'incomplete' ? 'response.incomplete' : 'response.completed',
    response: final,
  });
  return events.map((event, i) => ({ ...event, sequence_number: i }));
}

/**
 * Frames one event as the API does: an `event:` line naming its type, then its JSON.
 *
 * @param event - The event.
 */
export function encodeResponsesEvent(event: ResponsesEvent): Buffer {
  return Buffer.from(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`, 'utf8');
}
