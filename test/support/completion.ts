/**
 * Builds `chat.completion` JSON bodies shaped exactly like the real API's from a scripted reply.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import type {
  ChatCompletion,
  ChatCompletionCreateParams,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { FinishReason, ReplyStep, ToolCallSpec } from './script.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random base-62 id with a prefix, like the API's (`call_…`, `chatcmpl-…`).
 *
 * @param prefix - e.g. `call_`.
 * @param length - Number of random characters. @default 24
 */
export function randomId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/** A tool call of a reply with its id and its arguments as they go on the wire. */
export interface ResolvedToolCall {
  /** The call id. */
  id: string;
  /** The function name. */
  name: string;
  /**
   * The arguments as sent: a string (the API's shape), a JSON value (`argumentsAsObject`), or
   * `undefined` for a call without an `arguments` key.
   */
  arguments: string | Record<string, unknown> | unknown[] | undefined;
  /** `extra_content` of the call, when scripted. */
  extraContent: Record<string, unknown> | undefined;
}

/** A scripted reply with every default applied, ready to render as JSON or SSE. */
export interface ResolvedReply {
  /** `chatcmpl-…` id shared by the completion and all its chunks. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model name echoed from the request. */
  model: string;
  /** Assistant text (`null` when there is none). */
  content: string | null;
  /** Refusal text (`null` when none). */
  refusal: string | null;
  /** `reasoning_content` (`null` when none). */
  reasoningContent: string | null;
  /** `reasoning` (`null` when none). */
  reasoning: string | null;
  /** Tool calls, ids assigned. */
  toolCalls: ResolvedToolCall[];
  /** The finish reason. */
  finishReason: FinishReason;
  /** Token usage. */
  usage: CompletionUsage;
}

function resolveCall(call: ToolCallSpec): ResolvedToolCall {
  const args = call.arguments;
  return {
    id: call.id ?? randomId('call_'),
    name: call.name,
    arguments:
      typeof args === 'string' || args === undefined || call.argumentsAsObject
        ? args
        : JSON.stringify(args),
    extraContent: call.extraContent,
  };
}

/** The length of a call's arguments as text, for the usage estimate. */
function argumentsLength(call: ResolvedToolCall): number {
  if (call.arguments === undefined) return 0;
  return typeof call.arguments === 'string'
    ? call.arguments.length
    : JSON.stringify(call.arguments).length;
}

/** A rough tokens-from-characters estimate (about 4 characters per token), at least 1. */
export function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}

/**
 * Applies the defaults of a scripted reply: ids, content, finish reason and plausible usage.
 *
 * @param step - The scripted reply.
 * @param request - The request it answers (its size drives the usage estimate).
 * @param nowMs - The server clock, in milliseconds.
 */
export function resolveReply(
  step: ReplyStep,
  request: ChatCompletionCreateParams,
  nowMs: number,
): ResolvedReply {
  const toolCalls = (step.toolCalls ?? []).map(resolveCall);
  const refusal = step.refusal ?? null;
  const content =
    step.content !== undefined
      ? step.content
      : toolCalls.length > 0 || refusal !== null
        ? null
        : '';
  const finishReason = step.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');

  const spec = step.usage ?? {};
  const reasoningTokens = spec.reasoningTokens ?? 0;
  const promptTokens =
    spec.promptTokens ??
    estimateTokens(
      JSON.stringify([
        request.messages ?? (request as { input?: unknown }).input,
        request.tools ?? [],
      ]).length,
    );
  const replyCharacters =
    (content?.length ?? 0) +
    (refusal?.length ?? 0) +
    toolCalls.reduce((sum, call) => sum + call.name.length + argumentsLength(call), 0);
  const reasoningIn = spec.reasoningIn ?? 'completion';
  const completionTokens =
    spec.completionTokens ??
    estimateTokens(replyCharacters) + (reasoningIn === 'completion' ? reasoningTokens : 0);
  const usage: CompletionUsage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens:
      promptTokens + completionTokens + (reasoningIn === 'completion' ? 0 : reasoningTokens),
    prompt_tokens_details: {
      cached_tokens: spec.cachedTokens ?? 0,
      audio_tokens: 0,
      ...(spec.cacheWriteTokens !== undefined ? { cache_write_tokens: spec.cacheWriteTokens } : {}),
    } as NonNullable<CompletionUsage['prompt_tokens_details']>,
  };
  if (reasoningIn !== 'total') {
    usage.completion_tokens_details = {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    };
  }
  return {
    id: randomId('chatcmpl-', 29),
    created: Math.floor(nowMs / 1000),
    model: request.model,
    content,
    refusal,
    reasoningContent: step.reasoningContent ?? null,
    reasoning: step.reasoning ?? null,
    toolCalls,
    finishReason,
    usage,
  };
}

/**
 * Renders a resolved reply as the API's non-streaming `chat.completion` body.
 *
 * @param reply - The resolved reply.
 * @returns The body, typed with the `openai` package's own `ChatCompletion`.
 */
export function buildCompletion(reply: ResolvedReply): ChatCompletion {
  // Scripted deviations from the API's shape (no `arguments`, object arguments, provider
  // fields) are what the type cannot express, hence the cast.
  const toolCalls = reply.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: {
      name: call.name,
      ...(call.arguments !== undefined ? { arguments: call.arguments } : {}),
    },
    ...(call.extraContent !== undefined ? { extra_content: call.extraContent } : {}),
  })) as ChatCompletionMessageFunctionToolCall[];
  return {
    id: reply.id,
    object: 'chat.completion',
    created: reply.created,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content,
          refusal: reply.refusal,
          ...(reply.reasoningContent !== null ? { reasoning_content: reply.reasoningContent } : {}),
          ...(reply.reasoning !== null ? { reasoning: reply.reasoning } : {}),
          annotations: [],
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: reply.usage,
    service_tier: 'default',
    system_fingerprint: 'fp_test_server',
  };
}
