import {
  type ApprovalContext,
  jsonSchemaTool,
  type NeedsApproval,
  type StrictMode,
  type Tool,
} from '@agentloop/tools';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toolValueOf } from './results.js';
import { fingerprint, type McpToolDefinition } from './tool-list.js';

/** What a tool made from an MCP definition needs from its server. */
export interface ToolHost {
  /** The server's `name`. */
  readonly serverName: string;
  /**
   * Checks that the tool is still offered as it was when handed out (a list refresh in flight
   * is waited for first).
   *
   * @throws McpToolCallError `tool_changed` or `tool_removed`.
   */
  ensureCurrent(toolName: string, fingerprint: string): Promise<void>;
  /** Calls the tool on the server. @throws McpToolCallError, or the signal's reason. */
  call(
    toolName: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<CallToolResult>;
}

/** The options of one adapted tool, resolved from `tools()`'s. */
export interface AdaptOptions {
  name: string;
  needsApproval: NeedsApproval<Record<string, unknown>>;
  idempotent: boolean;
  strict: StrictMode | undefined;
  timeoutMs: number | undefined;
  maxOutputChars: number | undefined;
}

/** The approval check `tools({ needsApproval })` may give: of the arguments, with the tool. */
export type McpApprovalCheck = (
  args: Record<string, unknown>,
  ctx: ApprovalContext,
  tool: McpToolDefinition,
) => boolean | PromiseLike<boolean>;

/**
 * Makes an agentloop tool of an MCP tool: its input schema validated by ajv (`jsonSchemaTool`),
 * its description the server's (or its title), and `execute` a call through the server's one
 * connection, whose result becomes the tool's value (see `toolValueOf`).
 *
 * @throws ToolDefinitionError `invalid_parameters` when the schema cannot be compiled.
 */
export function adaptTool(
  definition: McpToolDefinition,
  host: ToolHost,
  options: AdaptOptions,
): Tool<Record<string, unknown>, unknown> {
  const print = fingerprint(definition);
  const serverToolName = definition.name;
  return jsonSchemaTool<Record<string, unknown>>({
    name: options.name,
    description: definition.description ?? definition.title ?? '',
    inputSchema: definition.inputSchema as Record<string, unknown>,
    needsApproval: options.needsApproval,
    idempotent: options.idempotent,
    strict: options.strict,
    timeoutMs: options.timeoutMs,
    maxOutputChars: options.maxOutputChars,
    execute: async (args, { signal }) => {
      await host.ensureCurrent(serverToolName, print);
      const result = await host.call(serverToolName, args, signal);
      return toolValueOf(result, serverToolName);
    },
  });
}
