import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { ModelError } from '../errors/model-error.js';
import { contentText } from './content-text.js';
import type { FinishReason, ModelResponse, ModelToolCall } from './model.js';
import { messageProviderFields, toolCallProviderFields } from './provider-fields.js';
import { scrub } from './redact.js';
import { argumentsText } from './tool-call-arguments.js';

const FINISH_REASONS = new Set<string>([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'function_call',
]);

/**
 * The API's `finish_reason`, or `null` when it is missing or not one the API defines (some
 * compatible servers invent their own; guessing what they mean could end a run wrongly).
 */
export function toFinishReason(value: unknown): FinishReason | null {
  return typeof value === 'string' && FINISH_REASONS.has(value) ? (value as FinishReason) : null;
}

/**
 * A tool-call id for a provider that sent none (some local servers), so the loop can still pair
 * the call with its result.
 */
export function syntheticToolCallId(): string {
  return `call_${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/**
 * The start of a provider's body for an error message, with the secrets scrubbed before it is
 * cut (a key cut in half would escape a later scrub).
 *
 * @param value - the body, or what was parsed from it.
 * @param secrets - strings that must not appear (the API key).
 */
function preview(value: unknown, secrets: readonly string[]): string {
  const text = scrub(
    typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)),
    secrets,
  );
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}

interface RawToolCall {
  type?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

/**
 * Converts a chat completion into a {@link ModelResponse}, keeping only function tool calls.
 * Throws a non-retryable `ModelError` when the body is not a completion, has no choices, or its
 * choice has no message.
 *
 * @param completion - what the client returned (a string when the body was not JSON).
 * @param model - the model name, for messages.
 * @param secrets - strings that must not appear in an error (the API key).
 */
export function fromCompletion(
  completion: unknown,
  model: string,
  secrets: readonly string[] = [],
): ModelResponse {
  if (typeof completion !== 'object' || completion === null) {
    throw new ModelError({
      message: `The provider's reply for ${model} is not a chat completion (got ${completion === null ? 'an empty body' : `${typeof completion}: ${preview(completion, secrets)}`}). Check that baseURL points at an OpenAI-compatible /v1 endpoint.`,
      retryable: false,
      model,
    });
  }
  const body = completion as Partial<ChatCompletion>;
  const choices = Array.isArray(body.choices) ? body.choices : [];
  const choice = choices.find((c) => c?.index === 0) ?? choices[0];
  if (!choice) {
    throw new ModelError({
      message: `The provider's reply for ${model} has no choices (${preview(completion, secrets)}), so there is no answer to use. This usually means the provider filtered or dropped the reply; try again or check the provider's status.`,
      retryable: false,
      model,
    });
  }
  if (typeof choice.message !== 'object' || choice.message === null) {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    throw new ModelError({
      message: `The provider's reply for ${model} has a choice, but choice ${index} has no message (${preview(completion, secrets)}), so there is no answer to use. A chat completion's choice carries a "message"; check that baseURL points at an OpenAI-compatible /v1 endpoint and that the provider supports this request.`,
      retryable: false,
      model,
    });
  }
  const message = choice.message;
  const toolCalls: ModelToolCall[] = [];
  for (const raw of (message.tool_calls ?? []) as RawToolCall[]) {
    if ((raw.type !== undefined && raw.type !== 'function') || typeof raw.function !== 'object') {
      continue;
    }
    toolCalls.push({
      ...toolCallProviderFields(raw),
      id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : syntheticToolCallId(),
      type: 'function',
      function: {
        name: typeof raw.function.name === 'string' ? raw.function.name : '',
        arguments: argumentsText(raw.function.arguments),
      },
    });
  }
  const response: ModelResponse = {
    message: {
      ...messageProviderFields(message),
      role: 'assistant',
      content: contentText(message.content) ?? null,
      ...(typeof message.refusal === 'string' ? { refusal: message.refusal } : {}),
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    finishReason: toFinishReason(choice.finish_reason),
  };
  return withMeta(response, body.usage, body.id, body.model);
}

/** Adds the optional `usage`, `id` and `model` fields that are present to a reply just built. */
export function withMeta(
  response: ModelResponse,
  usage: CompletionUsage | null | undefined,
  id: unknown,
  model: unknown,
): ModelResponse {
  if (usage && typeof usage === 'object') response.usage = usage;
  if (typeof id === 'string' && id !== '') response.id = id;
  if (typeof model === 'string' && model !== '') response.model = model;
  return response;
}
