/**
 * @agentloop/core: the agent loop. `Agent` runs a chat model and its tools until it answers,
 * with bounded parallel tools, retries, cancellation, lifecycle events, interceptors,
 * structured output, memory and streaming.
 *
 * @packageDocumentation
 */
export {
  Agent,
  type AnyEventListener,
  DEFAULT_MAX_OUTPUT_REPAIRS,
  DEFAULT_MAX_TURNS,
  DEFAULT_TOOL_CONCURRENCY,
} from './agent.js';
export type {
  AgentOptions,
  AgentTools,
  Instructions,
  MemoryOptions,
  OutputSchema,
  RunHooks,
  RunInput,
  RunOptions,
} from './agent-options.js';
export { AgentStream, STREAM_HIGH_WATER_MARK, type StreamOptions } from './agent-stream.js';
export {
  AgentError,
  type AgentErrorCode,
  type AgentErrorLike,
  ConfigurationError,
  DeadlineExceededError,
  MaxTurnsExceededError,
  ModelError,
  type ModelErrorOptions,
  type ModelTimeoutKind,
  OutputValidationError,
  type OutputValidationIssue,
  RunAbortedError,
} from './errors.js';
export type { EventHooks, ListenerErrorHandler } from './event-bus.js';
export type * from './events.js';
export {
  type AgentEvent,
  type AgentEventType,
  EVENT_TYPES,
  type EventListener,
  type EventOf,
} from './events.js';
export { formatSSE, SSE_HEADERS, type SSEOptions } from './http/sse-encode.js';
export {
  type PipeSSEOptions,
  pipeSSEToResponse,
  type SSEServerResponse,
} from './http/sse-node.js';
export { type SSEResponseOptions, toSSEResponse, toSSEStream } from './http/sse-stream.js';
export { WIRE_LIMITS, type WireLimits } from './http/wire-bounds.js';
export {
  toWireError,
  toWireEvent,
  type WireError,
  type WireEvent,
  type WireModelEndEvent,
  type WireModelStartEvent,
  type WireRunEndEvent,
  type WireRunErrorEvent,
  type WireRunStartEvent,
  type WireToolEndEvent,
} from './http/wire-event.js';
export type {
  BeforeModel,
  BeforeTool,
  ModelCallInfo,
  ToolCallInfo,
  ToolCallInfoOf,
  ToolDecision,
} from './interceptors.js';
export type {
  FinishReason,
  Model,
  ModelCallOptions,
  ModelMessage,
  ModelRequest,
  ModelResponse,
  ModelSettings,
  ModelStreamEvent,
  ModelToolCall,
  ProviderFields,
} from './model.js';
export { isAbortError, type OpenAIModelOptions, openai } from './openai-model.js';
export { definePrice, type ModelPrice, priceFor } from './pricing.js';
export { DEFAULT_MAX_RETRIES, type RetryInfo, type RetryOptions } from './retry.js';
export { DEFAULT_MODEL_TIMEOUTS, type ModelTimeouts } from './run/model-timeouts.js';
export type {
  PartialRunResult,
  RunResult,
  ToolCallRecord,
  ToolCallRecordOf,
} from './run-result.js';
export type {
  ToolArgsShape,
  ToolArgsShapes,
  ToolCallShape,
  ToolCallShapes,
  ToolList,
  ToolNameOf,
} from './tool-calls.js';
export { sumUsage, type Usage } from './usage.js';
