/**
 * A loop's request (the Chat Completions body) as a Responses request body.
 *
 * @module
 */

import type {
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type {
  ResponseCreateParamsBase,
  ResponseFormatTextConfig,
  ResponseIncludable,
  ResponseTextConfig,
  Tool,
} from 'openai/resources/responses/responses';
import type { Reasoning } from 'openai/resources/shared';
import { ConfigurationError } from '../errors/errors.js';
import type { ModelRequest } from './model.js';
import { toResponsesInput } from './responses-input.js';

/** What the adapter adds to every request (see `OpenAIResponsesModelOptions`). */
export interface ResponsesDefaults {
  /** `store` when the request does not set it. */
  store: boolean;
  /** Whether to ask for `reasoning.encrypted_content`. */
  encryptedReasoning: boolean;
  /** Reasoning settings merged under the request's `reasoning_effort`. */
  reasoning: Reasoning | undefined;
}

// Settings with the same name and meaning in both APIs (temperature, top_p, metadata,
// parallel_tool_calls, service_tier, prompt_cache_key, safety_identifier, user, ...) are sent as
// they are, like any setting this adapter does not know.

/** Settings the adapter translates. */
const MAPPED = new Set([
  'messages',
  'tools',
  'tool_choice',
  'response_format',
  'max_completion_tokens',
  'max_tokens',
  'reasoning_effort',
  'verbosity',
]);

/**
 * Chat Completions settings the Responses API has no equivalent for, with the value that means
 * "not used" (sent by some programs anyway, and harmless).
 */
const UNSUPPORTED: Record<string, (value: unknown) => boolean> = {
  audio: (v) => v == null,
  frequency_penalty: (v) => v == null || v === 0,
  presence_penalty: (v) => v == null || v === 0,
  function_call: (v) => v == null,
  functions: (v) => v == null,
  logit_bias: (v) => v == null,
  logprobs: (v) => v == null || v === false,
  modalities: (v) => v == null || (Array.isArray(v) && v.every((m) => m === 'text')),
  n: (v) => v == null || v === 1,
  prediction: (v) => v == null,
  seed: (v) => v == null,
  stop: (v) => v == null,
  web_search_options: (v) => v == null,
};

/**
 * The Responses body for a loop's request, without `model` and `stream`: the conversation as
 * input items, function tools, `tool_choice`, the output schema as `text.format`, the token
 * limit as `max_output_tokens`, `reasoning_effort` as `reasoning.effort`, `store` (false unless
 * set) and, for reasoning models, `include: ['reasoning.encrypted_content']`, so that reasoning
 * can be sent back without the provider keeping it. Settings the adapter does not know
 * (Responses-only ones a `beforeModel` interceptor adds, such as `truncation`) are sent as they
 * are.
 *
 * @param request - The loop's request.
 * @param defaults - What the model adds to every request.
 * @throws ConfigurationError for a setting the Responses API has no equivalent for (`seed`,
 *   `stop`, `n > 1`, ...), naming it.
 */
export function toResponsesBody(
  request: ModelRequest,
  defaults: ResponsesDefaults,
): ResponseCreateParamsBase {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || MAPPED.has(key)) continue;
    const unused = UNSUPPORTED[key];
    if (unused) {
      if (unused(value)) continue;
      throw new ConfigurationError(
        `The setting "${key}" (${JSON.stringify(value)}) has no equivalent in the Responses API, so openaiResponses() cannot send it. Remove it from modelSettings (or the beforeModel interceptor that sets it), or use openai() for the Chat Completions API.`,
        { option: 'modelSettings' },
      );
    }
    // Same-named settings, and ones this adapter does not know (Responses-only), go as they are.
    body[key] = value;
  }

  body.input = toResponsesInput(request.messages);
  body.store = request.store ?? defaults.store;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) body.max_output_tokens = maxTokens;

  const reasoning = {
    ...defaults.reasoning,
    ...(isRecord(body.reasoning) ? body.reasoning : {}),
    ...(request.reasoning_effort != null ? { effort: request.reasoning_effort } : {}),
  };
  if (Object.keys(reasoning).length > 0) body.reasoning = reasoning;
  if (defaults.encryptedReasoning) {
    const include = Array.isArray(body.include) ? (body.include as ResponseIncludable[]) : [];
    if (!include.includes('reasoning.encrypted_content')) {
      body.include = [...include, 'reasoning.encrypted_content'];
    }
  }

  const text: ResponseTextConfig = isRecord(body.text) ? { ...body.text } : {};
  if (request.response_format) text.format = toTextFormat(request.response_format);
  if (request.verbosity != null) text.verbosity = request.verbosity;
  if (Object.keys(text).length > 0) body.text = text;

  if (request.tools) body.tools = request.tools.map(toResponsesTool);
  if (request.tool_choice !== undefined) body.tool_choice = toToolChoice(request.tool_choice);
  return body as ResponseCreateParamsBase;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A Chat Completions tool as a Responses tool. `strict` is always sent: the Responses API
 * takes a missing `strict` as `true`, Chat Completions as `false`.
 */
function toResponsesTool(tool: ChatCompletionTool): Tool {
  if (tool.type === 'custom') {
    const { name, description, format } = tool.custom;
    return {
      type: 'custom',
      name,
      ...(description !== undefined ? { description } : {}),
      ...(format !== undefined ? { format: format as never } : {}),
    };
  }
  const { name, description, parameters, strict } = tool.function;
  return {
    type: 'function',
    name,
    ...(description !== undefined ? { description } : {}),
    parameters: (parameters ?? { type: 'object', properties: {} }) as Record<string, unknown>,
    strict: strict ?? false,
  };
}

function toToolChoice(
  choice: ChatCompletionToolChoiceOption,
): NonNullable<ResponseCreateParamsBase['tool_choice']> {
  if (typeof choice === 'string') return choice;
  switch (choice.type) {
    case 'function':
      return { type: 'function', name: choice.function.name };
    case 'custom':
      return { type: 'custom', name: choice.custom.name };
    case 'allowed_tools':
      return {
        type: 'allowed_tools',
        mode: choice.allowed_tools.mode,
        tools: choice.allowed_tools.tools.map((tool) => {
          const { function: fn, custom } = tool as {
            function?: { name?: unknown };
            custom?: { name?: unknown };
          };
          if (tool.type === 'function' && fn) return { type: 'function', name: fn.name };
          if (tool.type === 'custom' && custom) return { type: 'custom', name: custom.name };
          return tool;
        }),
      };
    default:
      return choice as never;
  }
}

function toTextFormat(
  format: NonNullable<ModelRequest['response_format']>,
): ResponseFormatTextConfig {
  if (format.type !== 'json_schema') return format;
  const { name, schema, strict, description } = format.json_schema;
  return {
    type: 'json_schema',
    name,
    schema: (schema ?? {}) as Record<string, unknown>,
    ...(strict != null ? { strict } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}
