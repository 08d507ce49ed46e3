/**
 * The HTTP service example: agentloop agents behind a plain `node:http` server.
 *
 * @module
 */

export {
  type ApproveRequest,
  applyDecisions,
  parseApproveRequest,
  type Rejection,
} from './approve-request.js';
export {
  type ChatResponse,
  type CompletedChatResponse,
  type InterruptedChatResponse,
  toChatResponse,
  type WaitingCall,
} from './chat-json.js';
export { type ChatRequest, parseChatRequest } from './chat-request.js';
export { type Config, type QueueConfig, readConfig, readQueueConfig } from './config.js';
export { exampleAgents, Poem } from './example-agents.js';
export { getTimeTool, type TimeReading } from './get-time-tool.js';
export { type ErrorBody, HttpError } from './http-error.js';
export { offlineResponder } from './offline-responder.js';
export { type Refund, refundOrderTool } from './refund-order-tool.js';
export { type ServiceLog, statusForRunError } from './run-error.js';
export { type ChatService, createService } from './service.js';
export {
  type ChatContext,
  SERVICE_DEFAULTS,
  type ServiceAgentOptions,
  type ServiceOptions,
} from './service-options.js';
