import { type Tool, ToolDefinitionError } from '@agentloop/tools';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpConnection } from './connection.js';
import { McpServerError, McpToolCallError } from './errors.js';
import type { ResolvedMcpOptions } from './options.js';
import { type McpServerEvent, type McpServerEventOf, ServerEvents } from './server-events.js';
import { adaptTool, type ToolHost } from './tool-adapter.js';
import { callMcpTool } from './tool-call.js';
import { diffTools, fingerprint, listAllTools, type McpToolDefinition } from './tool-list.js';
import {
  adaptOptions,
  checkToolsOptions,
  type McpToolsOptions,
  selectTools,
} from './tool-selection.js';
import type { TransportKind } from './transports.js';

/**
 * A connected MCP server: made by `connectMcpServer`, it holds one connection (one child
 * process or one HTTP session) that every tool it hands out shares, across agents and
 * concurrent runs. A lost connection is made again on the next call.
 */
export class McpServer {
  /** The `name` given to `connectMcpServer`. */
  readonly name: string;
  readonly #options: ResolvedMcpOptions;
  readonly #events = new ServerEvents();
  readonly #connection: McpConnection;
  /** The tools as last listed, by the server's names; `undefined` before the first listing. */
  #definitions: Map<string, McpToolDefinition> | undefined;
  /** A change was announced (or the connection was made again) since the last listing. */
  #stale = true;
  #refreshing: Promise<void> | undefined;
  readonly #host: ToolHost;

  /** @internal Use `connectMcpServer`. */
  constructor(options: ResolvedMcpOptions) {
    this.name = options.name;
    this.#options = options;
    this.#connection = new McpConnection(options, this.#events, {
      onToolsChanged: () => {
        this.#stale = true;
        // Refreshed now, so that `tools:changed` is reported when it happens.
        this.#fresh().catch((error: unknown) => {
          this.#events.emit({ type: 'error', server: this.name, error });
        });
      },
      onReconnected: () => {
        // A server that restarted may offer other tools: listed again before the next call.
        this.#stale = true;
      },
    });
    this.#host = {
      serverName: this.name,
      ensureCurrent: (toolName, print) => this.#ensureCurrent(toolName, print),
      call: (toolName, args, signal) => this.#call(toolName, args, signal),
    };
  }

  /** @internal The first connection and listing, made by `connectMcpServer`. */
  async start(): Promise<void> {
    await this.#connection.open();
    await this.#fresh();
  }

  /** The transport of the live connection, or `undefined` while there is none. */
  get transport(): TransportKind | undefined {
    return this.#connection.current?.kind;
  }

  /** The process id of a stdio server's live child, or `undefined`. */
  get pid(): number | undefined {
    const transport = this.#connection.current?.client.transport as { pid?: number | null };
    return transport?.pid ?? undefined;
  }

  /**
   * Listens to the server's events: `tools:changed`, `connection:lost`,
   * `connection:restored`, `error`.
   *
   * @returns A function that removes the listener.
   */
  on<TType extends McpServerEvent['type']>(
    type: TType,
    listener: (event: McpServerEventOf<TType>) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * The server's tool definitions as it lists them (name, description, input schema,
   * annotations), refreshed when it announced a change.
   *
   * @throws McpServerError when the server cannot be reached or refuses to list its tools.
   */
  async listTools(): Promise<McpToolDefinition[]> {
    await this.#connection.session();
    await this.#fresh();
    return [...(this.#definitions?.values() ?? [])];
  }

  /**
   * The server's tools as agentloop tools, for an `Agent` or a `ToolRegistry`. Names are made
   * valid for models (`^[a-zA-Z0-9_-]{1,64}$`) and unique; schemas are validated by ajv and sent
   * strict when they can be. Calling it again after `tools:changed` gives the new definitions.
   *
   * @param options - `include`, `exclude`, `prefix`, `needsApproval`, `idempotent`, `strict`,
   *   `timeoutMs`, `maxOutputChars`.
   * @returns The tools, in the server's order. Never silently empty: a server that cannot be
   *   reached throws.
   * @throws McpServerError `mcp_unavailable` or `mcp_closed`; `mcp_list_failed`;
   *   `mcp_invalid_tool_schema` naming the tools whose schema cannot be compiled (exclude them);
   *   `invalid_config` for an option, or an `include`/`exclude` name the server does not offer.
   * @example
   * ```ts
   * const fs = await connectMcpServer({ name: 'fs', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', dir] });
   * const tools = await fs.tools({ exclude: ['move_file'], needsApproval: ['write_file', 'edit_file'] });
   * const agent = new Agent({ name: 'files', model, tools });
   * ```
   */
  async tools(options: McpToolsOptions = {}): Promise<Tool<Record<string, unknown>, unknown>[]> {
    checkToolsOptions(this.name, options);
    // A lost connection is made again (or the failure thrown) before any list is given out:
    // a list kept from before would hide that the server is gone.
    await this.#connection.session();
    await this.#fresh();
    const chosen = selectTools(this.name, [...(this.#definitions?.values() ?? [])], options);
    const tools: Tool<Record<string, unknown>, unknown>[] = [];
    const broken: string[] = [];
    const brokenNames: string[] = [];
    for (const { definition, name } of chosen) {
      try {
        tools.push(adaptTool(definition, this.#host, adaptOptions(definition, name, options)));
      } catch (error) {
        if (!ToolDefinitionError.isInstance(error)) throw error;
        broken.push(`"${definition.name}": ${error.message}`);
        brokenNames.push(definition.name);
      }
    }
    if (broken.length > 0) {
      throw new McpServerError(
        `MCP server "${this.name}" offers tools whose input schema cannot be used: ${broken.join('; ')}. Leave them out with tools({ exclude: [...] }).`,
        {
          code: 'mcp_invalid_tool_schema',
          serverName: this.name,
          toolNames: brokenNames,
        },
      );
    }
    return tools;
  }

  /**
   * Ends the connection: a stdio child is ended (stdin closed, then SIGTERM, then SIGKILL), an
   * HTTP session is deleted. Later calls of its tools are tool faults; `tools()` throws
   * `mcp_closed`. Idempotent.
   */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  /** Lists the tools again if a change was announced or the connection was made again. */
  async #fresh(): Promise<void> {
    while (this.#stale || this.#refreshing !== undefined) {
      if (this.#refreshing === undefined) {
        this.#stale = false;
        this.#refreshing = this.#list().finally(() => {
          this.#refreshing = undefined;
        });
      }
      try {
        await this.#refreshing;
      } catch (error) {
        this.#stale = true;
        throw error;
      }
    }
  }

  async #list(): Promise<void> {
    const session = await this.#connection.session();
    let listed: McpToolDefinition[];
    try {
      listed = await listAllTools(session.client, this.#options.callTimeoutMs);
    } catch (error) {
      throw new McpServerError(
        `MCP server "${this.name}" did not list its tools: ${error instanceof Error ? error.message : String(error)}.`,
        { code: 'mcp_list_failed', serverName: this.name, cause: error },
      );
    }
    const before = this.#definitions;
    this.#definitions = new Map(listed.map((tool) => [tool.name, tool]));
    if (before === undefined) return;
    const diff = diffTools(before, listed);
    if (diff.added.length + diff.removed.length + diff.changed.length > 0) {
      this.#events.emit({ type: 'tools:changed', server: this.name, ...diff });
    }
  }

  async #ensureCurrent(toolName: string, print: string): Promise<void> {
    if (this.#connection.closed) {
      throw new McpToolCallError(
        'unavailable',
        `MCP server "${this.name}" is closed; the call to "${toolName}" was not made. Continue without it.`,
      );
    }
    try {
      await this.#fresh();
    } catch (error) {
      throw new McpToolCallError(
        'unavailable',
        `${error instanceof Error ? error.message : String(error)} The call to "${toolName}" was not made; try again later or continue without it.`,
        error,
      );
    }
    const now = this.#definitions?.get(toolName);
    if (now === undefined) {
      throw new McpToolCallError(
        'tool_removed',
        `MCP server "${this.name}" no longer offers the tool "${toolName}"; the call was not made. Continue without it.`,
      );
    }
    if (fingerprint(now) !== print) {
      throw new McpToolCallError(
        'tool_changed',
        `the tool "${toolName}" of MCP server "${this.name}" changed its description or parameters since this agent was given it; the call was not made. The application must load the server's tools again before it can be used.`,
      );
    }
  }

  #call(
    toolName: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    return callMcpTool({
      connection: this.#connection,
      serverName: this.name,
      toolName,
      args,
      signal,
      callTimeoutMs: this.#options.callTimeoutMs,
    });
  }
}
