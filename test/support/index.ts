/**
 * Test support: a local OpenAI-compatible server and a validator of chat-completions requests
 * that rejects what the real API rejects. See `README.md` in this folder.
 *
 * @module
 */

export { type ApiErrorBody, type ApiErrorObject, apiErrorBody } from './api-error.js';
export { startTestServer, type TestServer, type TestServerOptions } from './openai-test-server.js';
export type { ProviderRules } from './provider-rules.js';
export { type IssuedReasoning, ReasoningLedger } from './reasoning-ledger.js';
export type { ReasoningMode } from './responses-body.js';
export type {
  FaultStep,
  FinishReason,
  HangStep,
  RawStep,
  RecordedRequest,
  ReplyStep,
  ResetStep,
  Responder,
  Step,
  StreamShape,
  ToolCallSpec,
  UsageSpec,
} from './script.js';
export { validateStrictSchema } from './strict-schema.js';
export {
  MESSAGE_ROLES,
  TOOL_NAME_PATTERN,
  type ValidationFailure,
  type ValidationResult,
  validateChatRequest,
} from './validate-request.js';
export {
  INPUT_ITEM_TYPES,
  type ResponsesFailure,
  validateResponsesInput,
} from './validate-responses-input.js';
export { validateResponsesRequest } from './validate-responses-request.js';
