/**
 * @agentloop/mcp: Model Context Protocol servers as agentloop tools, on the official SDK.
 * `connectMcpServer` over stdio or HTTP, `server.tools()` for an agent, `server.close()`.
 *
 * @packageDocumentation
 */
export { connectMcpServer } from './connect.js';
export {
  McpServerError,
  type McpServerErrorCode,
  type McpServerErrorOptions,
  McpToolCallError,
} from './errors.js';
export { McpServer } from './mcp-server.js';
export type {
  McpCommonOptions,
  McpHttpServerOptions,
  McpReconnectOptions,
  McpServerOptions,
  McpStdioServerOptions,
} from './options.js';
export { type McpContentPart, McpToolContent } from './results.js';
export type {
  McpConnectionLostEvent,
  McpConnectionRestoredEvent,
  McpErrorEvent,
  McpServerEvent,
  McpServerEventOf,
  McpToolsChangedEvent,
} from './server-events.js';
export type { McpApprovalCheck } from './tool-adapter.js';
export type { McpToolDefinition } from './tool-list.js';
export type { McpToolsOptions } from './tool-selection.js';
export type { TransportKind } from './transports.js';
