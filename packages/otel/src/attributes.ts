/**
 * Every attribute, span event and operation name the middleware writes, in one table: the
 * OpenTelemetry GenAI semantic conventions' names (`gen_ai.*`, `error.type`) as of the pinned
 * version, and agentloop's own (`agentloop.*`) for what the conventions have no name for.
 *
 * The conventions are experimental; as their own code-generation guide advises, the names are
 * copied here rather than imported from `@opentelemetry/semantic-conventions/incubating`, whose
 * minor versions may rename them.
 *
 * @module
 */

/**
 * The version of the OpenTelemetry semantic conventions whose GenAI names and span shapes the
 * spans follow (the agent spans, the inference span and the execute-tool span of that release).
 */
export const GEN_AI_SEMCONV_VERSION = '1.41.0';

/**
 * The attribute names the spans carry. `gen_ai.*` and `error.type` are the conventions' (see
 * {@link GEN_AI_SEMCONV_VERSION}); `agentloop.*` are this package's own.
 */
export const ATTRIBUTES = {
  // Common to the GenAI spans.
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  conversationId: 'gen_ai.conversation.id',
  errorType: 'error.type',
  // invoke_agent
  agentName: 'gen_ai.agent.name',
  // chat (and invoke_agent where known)
  requestModel: 'gen_ai.request.model',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
  requestPresencePenalty: 'gen_ai.request.presence_penalty',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  requestSeed: 'gen_ai.request.seed',
  requestChoiceCount: 'gen_ai.request.choice.count',
  outputType: 'gen_ai.output.type',
  responseId: 'gen_ai.response.id',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  // execute_tool
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolDescription: 'gen_ai.tool.description',
  // Content: only with `captureContent` (the conventions' Opt-In attributes).
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolDefinitions: 'gen_ai.tool.definitions',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  // agentloop's own.
  runId: 'agentloop.run.id',
  runResumed: 'agentloop.run.resumed',
  runStatus: 'agentloop.run.status',
  runTurns: 'agentloop.run.turns',
  turn: 'agentloop.turn',
  usageCost: 'agentloop.usage.cost',
  toolDenied: 'agentloop.tool.denied',
  toolInterrupted: 'agentloop.tool.interrupted',
  retryAttempt: 'agentloop.retry.attempt',
  retryDelayMs: 'agentloop.retry.delay_ms',
  errorStatus: 'agentloop.error.status',
  errorMessage: 'agentloop.error.message',
  interruptionKind: 'agentloop.interruption.kind',
  linkKind: 'agentloop.link.kind',
} as const;

/** The `gen_ai.operation.name` of each span, which also starts its name. */
export const OPERATIONS = {
  invokeAgent: 'invoke_agent',
  chat: 'chat',
  executeTool: 'execute_tool',
} as const;

/** The names of the span events the middleware adds. */
export const SPAN_EVENTS = {
  /** On a `chat` span: a transient fault, after which the request is sent again. */
  modelRetry: 'agentloop.model.retry',
  /** On an `invoke_agent` span: a tool call paused the run for a decision. */
  toolInterrupt: 'agentloop.tool.interrupt',
} as const;

/** The `agentloop.link.kind` of a resumed run's links. */
export const LINK_KINDS = {
  /** The part of the run that paused right before this one. */
  previous: 'previous_part',
  /** The first part of the run, when it is not the previous one. */
  first: 'first_part',
} as const;
