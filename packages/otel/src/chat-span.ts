/**
 * The attributes of a `chat {model}` span: the request's settings when it starts, the reply's
 * id, model, finish reason and tokens when it ends.
 *
 * @module
 */
import type { ModelCallContext, ModelResponse, Usage } from '@agentloop/core';
import type { Attributes, Span } from '@opentelemetry/api';
import { ATTRIBUTES, OPERATIONS } from './attributes.js';
import { type ContentLimits, messagesJson, replyJson, toolDefinitionsJson } from './content.js';
import type { CallTokens } from './run-traces.js';

/** The attributes a `chat` span starts with: what the request asks for. */
export function chatStartAttributes(
  ctx: ModelCallContext<unknown>,
  providerName: string,
  sessionId: string | undefined,
): Attributes {
  const request = ctx.request;
  const attributes: Attributes = {
    [ATTRIBUTES.operationName]: OPERATIONS.chat,
    [ATTRIBUTES.providerName]: providerName,
    [ATTRIBUTES.requestModel]: ctx.model,
    [ATTRIBUTES.turn]: ctx.turn,
  };
  if (sessionId !== undefined) attributes[ATTRIBUTES.conversationId] = sessionId;
  setNumber(attributes, ATTRIBUTES.requestTemperature, request.temperature);
  setNumber(attributes, ATTRIBUTES.requestTopP, request.top_p);
  setNumber(
    attributes,
    ATTRIBUTES.requestMaxTokens,
    request.max_completion_tokens ?? request.max_tokens,
  );
  setNumber(attributes, ATTRIBUTES.requestFrequencyPenalty, request.frequency_penalty);
  setNumber(attributes, ATTRIBUTES.requestPresencePenalty, request.presence_penalty);
  setNumber(attributes, ATTRIBUTES.requestSeed, request.seed);
  if (typeof request.n === 'number' && request.n !== 1) {
    attributes[ATTRIBUTES.requestChoiceCount] = request.n;
  }
  const stop = request.stop;
  if (typeof stop === 'string') attributes[ATTRIBUTES.requestStopSequences] = [stop];
  else if (Array.isArray(stop) && stop.length > 0) {
    attributes[ATTRIBUTES.requestStopSequences] = stop.filter((s) => typeof s === 'string');
  }
  const format = request.response_format?.type;
  if (format === 'json_schema' || format === 'json_object')
    attributes[ATTRIBUTES.outputType] = 'json';
  else if (format === 'text') attributes[ATTRIBUTES.outputType] = 'text';
  return attributes;
}

/** The Opt-In content of a request: the messages sent and the tools offered. */
export function chatInputContent(
  ctx: ModelCallContext<unknown>,
  limits: ContentLimits,
): Attributes {
  const attributes: Attributes = {
    [ATTRIBUTES.inputMessages]: messagesJson(ctx.request.messages, limits),
  };
  const tools = toolDefinitionsJson(ctx.request.tools, limits);
  if (tools !== undefined) attributes[ATTRIBUTES.toolDefinitions] = tools;
  return attributes;
}

/** Puts what a reply says of itself on its span, and returns its tokens. */
export function endChatSpan(
  span: Span,
  response: ModelResponse,
  counted: Usage | undefined,
  content: ContentLimits | undefined,
): CallTokens {
  if (response.id) span.setAttribute(ATTRIBUTES.responseId, response.id);
  if (response.model) span.setAttribute(ATTRIBUTES.responseModel, response.model);
  if (response.finishReason !== null) {
    span.setAttribute(ATTRIBUTES.responseFinishReasons, [response.finishReason]);
  }
  const tokens = counted ? tokensOfUsage(counted) : { ...NO_TOKENS };
  setTokens(span, tokens);
  if (content) {
    span.setAttribute(
      ATTRIBUTES.outputMessages,
      replyJson(response.message, response.finishReason ?? 'stop', content),
    );
  }
  return tokens;
}

/** Sets the token attributes (cached and reasoning ones only when there are some). */
export function setTokens(span: Span, tokens: CallTokens): void {
  span.setAttribute(ATTRIBUTES.usageInputTokens, tokens.input);
  span.setAttribute(ATTRIBUTES.usageOutputTokens, tokens.output);
  if (tokens.cached > 0) span.setAttribute(ATTRIBUTES.usageCacheReadInputTokens, tokens.cached);
  if (tokens.reasoning > 0) {
    span.setAttribute(ATTRIBUTES.usageReasoningOutputTokens, tokens.reasoning);
  }
  if (tokens.cost !== undefined) span.setAttribute(ATTRIBUTES.usageCost, tokens.cost);
}

/** The tokens as the loop counted them (reasoning already inside the output tokens). */
function tokensOfUsage(usage: Usage): CallTokens {
  return {
    input: usage.promptTokens,
    output: usage.completionTokens,
    cached: usage.cachedTokens,
    reasoning: usage.reasoningTokens,
    cost: usage.cost,
  };
}

/**
 * The tokens of a reply no model call produced (a middleware inside this one answered it, say
 * from a cache): none were used, as the loop counts it.
 */
const NO_TOKENS: Readonly<CallTokens> = { input: 0, output: 0, cached: 0, reasoning: 0, cost: 0 };

function setNumber(attributes: Attributes, name: string, value: number | null | undefined): void {
  if (typeof value === 'number' && Number.isFinite(value)) attributes[name] = value;
}
