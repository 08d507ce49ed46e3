/**
 * @agentloop/core: the agent loop. `Agent` runs a chat model and its tools until it answers,
 * with bounded parallel tools, retries, cancellation, lifecycle events, middleware,
 * structured output, memory and streaming.
 *
 * @packageDocumentation
 */
export {
  Agent,
  type AnyEventListener,
  DEFAULT_MAX_HANDOFFS,
  DEFAULT_MAX_OUTPUT_REPAIRS,
  DEFAULT_MAX_TURNS,
  DEFAULT_TOOL_CONCURRENCY,
} from './agent/agent.js';
export type {
  AgentOptions,
  AgentTools,
  Instructions,
  MemoryOptions,
  OutputSchema,
  RunHooks,
  RunInput,
  RunOptions,
} from './agent/agent-options.js';
export { AgentStream, STREAM_HIGH_WATER_MARK, type StreamOptions } from './agent/agent-stream.js';
export type { AgentToolInput, AgentToolOptions, ArgsOf } from './agent/agent-tool.js';
export {
  defaultHandoffToolName,
  type Handoff,
  type HandoffAgent,
  type HandoffInfo,
  type HandoffInput,
  type HandoffInputFilter,
  type HandoffItem,
  type HandoffOptions,
  handoff,
} from './agent/handoff.js';
export type {
  ToolArgsShape,
  ToolArgsShapes,
  ToolCallShape,
  ToolCallShapes,
  ToolList,
  ToolNameOf,
} from './agent/tool-calls.js';
export { type CachedModelOptions, cachedModel } from './cache/cached-model.js';
export {
  InMemoryResponseCache,
  type InMemoryResponseCacheOptions,
} from './cache/in-memory-response-cache.js';
export type { ResponseCacheStore } from './cache/response-cache-store.js';
export { BudgetExceededError, type BudgetLimit } from './errors/budget-error.js';
export {
  AgentError,
  type AgentErrorCode,
  type AgentErrorLike,
  ConfigurationError,
  DeadlineExceededError,
  MaxHandoffsExceededError,
  MaxTurnsExceededError,
  ModelError,
  type ModelErrorOptions,
  type ModelTimeoutKind,
  OutputValidationError,
  type OutputValidationIssue,
  RunAbortedError,
} from './errors/errors.js';
export { RunStateError, type RunStateErrorCode } from './errors/run-state-error.js';
export { RunStoreError } from './errors/run-store-error.js';
export type { EventHooks, ListenerErrorHandler } from './events/event-bus.js';
export type * from './events/events.js';
export {
  type AgentEvent,
  type AgentEventType,
  EVENT_TYPES,
  type EventListener,
  type EventOf,
} from './events/events.js';
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
  type WireInterruption,
  type WireModelEndEvent,
  type WireModelStartEvent,
  type WireRunEndEvent,
  type WireRunErrorEvent,
  type WireRunStartEvent,
  type WireToolEndEvent,
  type WireToolInterruptEvent,
} from './http/wire-event.js';
export { RateLimiter, type RateLimiterOptions } from './limits/rate-limiter.js';
export {
  DEFAULT_OUTPUT_RESERVATION,
  type ProviderBudget,
  type RateLimitKind,
  type RateLimitLease,
  type RateLimitOutcome,
  type RateLimitRequest,
  type RequestLimiter,
} from './limits/request-limiter.js';
export type {
  BeforeModel,
  BeforeTool,
  ModelCallInfo,
  ToolCallInfo,
  ToolCallInfoOf,
  ToolDecision,
} from './middleware/interceptors.js';
export type {
  Middleware,
  WrapModelCall,
  WrapRun,
  WrapToolCall,
} from './middleware/middleware.js';
export type {
  ModelCallContext,
  RunMiddlewareContext,
  ToolCallContext,
  ToolCallContextOf,
} from './middleware/middleware-context.js';
export type {
  FinishReason,
  Model,
  ModelCallEvent,
  ModelCallOptions,
  ModelMessage,
  ModelRequest,
  ModelResponse,
  ModelSettings,
  ModelStreamEvent,
  ModelToolCall,
  ProviderFields,
} from './models/model.js';
export { isAbortError, type OpenAIModelOptions, openai } from './models/openai-model.js';
export {
  type BillableTokens,
  type CostBreakdown,
  costBreakdown,
  definePrice,
  type InputBreakdown,
  inputBreakdown,
  type ModelPrice,
  priceFor,
} from './models/pricing.js';
export {
  type OpenAIResponsesModelOptions,
  openaiResponses,
} from './models/responses-model.js';
export { DEFAULT_MAX_RETRIES, type RetryInfo, type RetryOptions } from './models/retry.js';
export { sumUsage, type Usage } from './models/usage.js';
export { keepLastUserMessage, removeToolCalls } from './run/handoff-filters.js';
export { InMemoryRunStore } from './run/in-memory-run-store.js';
export { DEFAULT_MODEL_TIMEOUTS, type ModelTimeouts } from './run/model-timeouts.js';
export type {
  PartialRunResult,
  RunFinishReason,
  RunResult,
  RunResultStatus,
  ToolCallRecord,
  ToolCallRecordOf,
} from './run/run-result.js';
export {
  type PendingToolCall,
  type PendingToolCallStatus,
  RUN_SNAPSHOT_VERSION,
  type RunSnapshot,
  type RunStatus,
  type SnapshotInterruption,
  type SnapshotToolOutcome,
} from './run/run-snapshot.js';
export { type Interruption, type RejectOptions, RunState } from './run/run-state.js';
export type { RunClaim, RunStore } from './run/run-store.js';
export { assertSnapshotRunId } from './run/run-store-errors.js';
export {
  type RunStopCondition,
  type StopAtTool,
  type StopCondition,
  type StopPredicate,
  type StopView,
  stopAtTool,
} from './run/stop-when.js';
export type { RunBudget } from './tree/budget.js';
