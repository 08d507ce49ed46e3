/**
 * A Responses reply (the `response` object) as a {@link ModelResponse}.
 *
 * @module
 */

import type { APIError } from 'openai';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ResponseUsage } from 'openai/resources/responses/responses';
import { ModelError } from '../errors/model-error.js';
import type { FinishReason, ModelMessage, ModelResponse, ModelToolCall } from './model.js';
import { syntheticToolCallId, withMeta } from './openai-response.js';
import { loadedOpenAI } from './openai-sdk.js';
import { scrub } from './redact.js';
import { type OutputEntry, RESPONSES_OUTPUT_FIELD } from './responses-output.js';
import { argumentsText } from './tool-call-arguments.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The usage of a Responses reply in the Chat Completions shape the loop prices: input tokens as
 * prompt tokens (cached ones among them), output tokens as completion tokens (reasoning ones
 * among them, as OpenAI counts them).
 *
 * @param usage - The reply's `usage`.
 * @returns The usage, or `undefined` when the reply had none.
 */
export function toCompletionUsage(usage: unknown): CompletionUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const u = usage as Partial<ResponseUsage>;
  const prompt = typeof u.input_tokens === 'number' ? u.input_tokens : 0;
  const completion = typeof u.output_tokens === 'number' ? u.output_tokens : 0;
  const cached = u.input_tokens_details?.cached_tokens;
  const reasoning = u.output_tokens_details?.reasoning_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : prompt + completion,
    prompt_tokens_details: { cached_tokens: typeof cached === 'number' ? cached : 0 },
    completion_tokens_details: { reasoning_tokens: typeof reasoning === 'number' ? reasoning : 0 },
  };
}

/**
 * The error the provider reported in a reply or a stream (`response.failed`, an `error` event,
 * a reply whose `status` is `failed`), as the `openai` client's own `APIError` without a status,
 * so it is classified like an error event of a Chat Completions stream: retryable when its code
 * says the fault was the server's (`server_error`, `rate_limit_exceeded`), unless text had
 * already streamed.
 *
 * @param error - The provider's `{ code, message }`, when it gave one.
 * @param fallback - The message when it gave none.
 */
export function providerFailure(error: unknown, fallback: string): APIError {
  const body = isRecord(error) ? error : {};
  const message = typeof body.message === 'string' && body.message !== '' ? body.message : fallback;
  const code = typeof body.code === 'string' ? body.code : undefined;
  const { APIError: ProviderError } = loadedOpenAI();
  return new ProviderError(undefined, { message, code, type: code }, message, undefined);
}

function preview(value: unknown, secrets: readonly string[]): string {
  const text = scrub(JSON.stringify(value) ?? String(value), secrets);
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}

/**
 * Converts a Responses reply into a {@link ModelResponse}: the text of its message items, its
 * refusal, its function calls as `tool_calls` (the `call_id` is the call's id), its usage, and,
 * when it holds reasoning items (or items of hosted tools), every output item in order in the
 * message's `responses_output` field, so the next request sends each back in its place.
 *
 * @param reply - The reply as the client returned it.
 * @param model - The model name, for messages.
 * @param secrets - Strings that must not appear in an error (the API key).
 * @throws ModelError when the body is not a reply, when the reply failed (`status: failed`,
 *   classified by its code), was cancelled, or is still running in the background.
 */
export function fromResponse(
  reply: unknown,
  model: string,
  secrets: readonly string[] = [],
): ModelResponse {
  if (!isRecord(reply) || !Array.isArray(reply.output)) {
    throw new ModelError({
      message: `The provider's reply for ${model} is not a Responses API response (got ${preview(reply, secrets)}). Check that baseURL points at an endpoint that serves /v1/responses, or use openai() for a Chat Completions endpoint.`,
      retryable: false,
      model,
    });
  }
  const status = reply.status;
  if (status === 'failed') {
    throw providerFailure(reply.error, `The response for ${model} failed.`);
  }
  if (status === 'cancelled' || status === 'queued' || status === 'in_progress') {
    throw new ModelError({
      message: `The response for ${model} has status "${status}", so it holds no answer. The adapter waits for complete replies; do not set "background" in the request.`,
      retryable: false,
      model,
    });
  }
  const { message, calls } = messageOf(reply.output as unknown[]);
  const incomplete = isRecord(reply.incomplete_details)
    ? reply.incomplete_details.reason
    : undefined;
  let finishReason: FinishReason = calls > 0 ? 'tool_calls' : 'stop';
  if (status === 'incomplete') {
    finishReason = incomplete === 'content_filter' ? 'content_filter' : 'length';
  }
  return withMeta({ message, finishReason }, toCompletionUsage(reply.usage), reply.id, reply.model);
}

function messageOf(output: readonly unknown[]): { message: ModelMessage; calls: number } {
  let text: string | undefined;
  let refusal: string | undefined;
  const toolCalls: ModelToolCall[] = [];
  const entries: OutputEntry[] = [];
  let keep = false;
  for (const item of output) {
    if (!isRecord(item) || typeof item.type !== 'string') continue;
    if (item.type === 'message') {
      let own: string | undefined;
      for (const part of Array.isArray(item.content) ? item.content : []) {
        if (!isRecord(part)) continue;
        if (part.type === 'output_text' && typeof part.text === 'string') {
          own = (own ?? '') + part.text;
        }
        if (part.type === 'refusal' && typeof part.refusal === 'string') {
          refusal = (refusal ?? '') + part.refusal;
        }
      }
      // A message of only a refusal has no text, as a Chat Completions refusal has `content: null`.
      if (own !== undefined) text = (text ?? '') + own;
      entries.push({
        type: 'message',
        id: typeof item.id === 'string' ? item.id : '',
        text: own ?? '',
        ...(typeof item.phase === 'string' ? { phase: item.phase } : {}),
      });
    } else if (item.type === 'function_call') {
      const callId =
        typeof item.call_id === 'string' && item.call_id !== ''
          ? item.call_id
          : syntheticToolCallId();
      toolCalls.push({
        id: callId,
        type: 'function',
        function: {
          name: typeof item.name === 'string' ? item.name : '',
          arguments: argumentsText(item.arguments),
        },
      });
      entries.push({
        type: 'function_call',
        ...(typeof item.id === 'string' ? { id: item.id } : {}),
        call_id: callId,
      });
    } else {
      // Reasoning, or a hosted tool's item: kept whole, to be sent back as it came.
      keep = true;
      entries.push(item as OutputEntry);
    }
  }
  // One message item needs no text of its own: the message's text is its text.
  const messages = entries.filter(
    (e): e is { type: 'message'; text?: string } => e.type === 'message',
  );
  if (messages.length === 1) delete (messages[0] as { text?: string }).text;
  const message: ModelMessage = {
    role: 'assistant',
    content: text ?? null,
    ...(refusal !== undefined ? { refusal } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    // Without reasoning or hosted items there is nothing to place: the message alone says it all.
    ...(keep ? { [RESPONSES_OUTPUT_FIELD]: entries } : {}),
  };
  return { message, calls: toolCalls.length };
}
