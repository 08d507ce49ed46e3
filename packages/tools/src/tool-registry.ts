import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { ToolDefinitionError } from './errors.js';
import { executeToolCall } from './execute-tool-call.js';
import { DEFAULT_MAX_OUTPUT_CHARS } from './format-output.js';
import { copyJson } from './json-schema-utils.js';
import {
  type PreparedToolCall,
  prepareToolCall,
  type ToolPreparation,
} from './prepare-tool-call.js';
import { runToolCall } from './run-tool-call.js';
import { convertParameters } from './to-json-schema.js';
import { assertLimit, assertToolName } from './tool-fields.js';
import type { AnyTool, ToolCall, ToolOutcome } from './types.js';

/** Options of a {@link ToolRegistry}. */
export interface ToolRegistryOptions {
  /**
   * Outputs longer than this many characters are cut with a marker saying how many were cut.
   * A tool's own `maxOutputChars` wins. `Infinity` disables the limit.
   * @default 20_000
   */
  maxOutputChars?: number | undefined;
  /** Timeout for tools that set none themselves, in milliseconds. @default no timeout */
  timeoutMs?: number | undefined;
}

/**
 * Per-call options of {@link ToolRegistry.execute}.
 *
 * @typeParam TContext - The run's user context object.
 */
export interface ToolExecuteOptions<TContext = unknown> {
  /** Aborting it aborts the tool's `ctx.signal` and resolves the call at once with `aborted`. */
  signal?: AbortSignal | undefined;
  /**
   * Whether an abort of `signal` resolves the call at once with `aborted`, even when the tool
   * ignores its signal. A caller that races the abort itself can turn this off and save a
   * listener per call; the tool's `ctx.signal` still aborts. @default true
   */
  settleOnAbort?: boolean | undefined;
  /** The run id passed to the tool as `ctx.runId`. */
  runId?: string | undefined;
  /** The user context passed to the tool as `ctx.context`. */
  context?: TContext | undefined;
  /**
   * The arguments, already parsed from `call.arguments` with `parseToolArguments` (for example
   * to show or approve them first); they are then validated but not parsed again.
   */
  args?: unknown;
}

/** Per-call options of {@link ToolRegistry.prepare}. */
export interface ToolPrepareOptions {
  /**
   * The arguments to validate instead of parsing `call.arguments`: already parsed with
   * `parseToolArguments`, or others (for example an approval step's rewrite).
   */
  args?: unknown;
}

/**
 * Per-call options of {@link ToolRegistry.run}.
 *
 * @typeParam TContext - The run's user context object.
 */
export type ToolRunOptions<TContext = unknown> = Omit<ToolExecuteOptions<TContext>, 'args'>;

/**
 * Holds the tools of an agent by name, describes them to the model and runs the calls it makes.
 *
 * @typeParam TContext - The run's user context object every tool receives.
 * @example
 * ```ts
 * const registry = new ToolRegistry([getWeather]);
 * const request = { model: 'gpt-4o-mini', messages, tools: registry.toOpenAITools() };
 * const outcome = await registry.execute({ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' });
 * if (!outcome.ok) console.warn(outcome.error.code, outcome.error.message);
 * messages.push({ role: 'tool', tool_call_id: outcome.toolCallId, content: outcome.output });
 * ```
 */
export class ToolRegistry<TContext = unknown> {
  readonly #tools = new Map<string, AnyTool<TContext>>();
  readonly #maxOutputChars: number;
  readonly #timeoutMs: number | undefined;

  /**
   * @param tools - The tools to register; a duplicate or invalid name throws at once.
   * @param options - `maxOutputChars` (default 20,000) and a default `timeoutMs`.
   * @throws ToolDefinitionError `duplicate_tool`, `invalid_tool_name` or `invalid_config` (a bad
   *   option or a value that is not a tool).
   */
  constructor(
    tools: Iterable<AnyTool<TContext>> = [],
    { maxOutputChars = DEFAULT_MAX_OUTPUT_CHARS, timeoutMs }: ToolRegistryOptions = {},
  ) {
    assertLimit(maxOutputChars, 'maxOutputChars', undefined, true);
    assertLimit(timeoutMs, 'timeoutMs', undefined, true);
    this.#maxOutputChars = maxOutputChars;
    this.#timeoutMs = timeoutMs;
    for (const item of tools) this.register(item);
  }

  /**
   * Adds a tool.
   *
   * @returns The registry, for chaining.
   * @throws ToolDefinitionError `duplicate_tool` when a tool of that name is registered,
   *   `invalid_tool_name`, `invalid_parameters` when its schema is not a zod object schema, or
   *   `invalid_config` for an object that is not a tool.
   */
  register(tool: AnyTool<TContext>): this {
    if (typeof tool !== 'object' || tool === null || typeof tool.execute !== 'function') {
      throw new ToolDefinitionError(
        'Invalid tool: expected a tool made by tool({ name, description, parameters, execute }), received a value without an execute function.',
        { code: 'invalid_config' },
      );
    }
    assertToolName(tool.name);
    // Converted once per schema and cached; a tool not made by tool() fails here, not mid-run.
    convertParameters(tool.parameters, tool.name);
    if (this.#tools.has(tool.name)) {
      throw new ToolDefinitionError(
        `Duplicate tool name "${tool.name}": a registry already holds a tool of that name. Tool names must be unique; rename one of them.`,
        { code: 'duplicate_tool', toolName: tool.name },
      );
    }
    this.#tools.set(tool.name, tool);
    return this;
  }

  /** The tool of that name, or `undefined`. */
  get(name: string): AnyTool<TContext> | undefined {
    return this.#tools.get(name);
  }

  /** Whether a tool of that name is registered. */
  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /** The registered tools, in registration order. */
  list(): AnyTool<TContext>[] {
    return [...this.#tools.values()];
  }

  /** How many tools are registered. */
  get size(): number {
    return this.#tools.size;
  }

  /**
   * The tools in the shape of the chat-completions `tools` field: `type: 'function'`, the name,
   * the description (left out when empty), the JSON Schema, and `strict: true` only for a tool
   * whose schema is strict-compatible.
   */
  toOpenAITools(): ChatCompletionFunctionTool[] {
    return this.list().map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: copyJson(tool.jsonSchema),
        ...(tool.strict ? { strict: true } : {}),
      },
    }));
  }

  /**
   * Runs one tool call: parses the JSON arguments, turns `null`s sent for optional fields into
   * absent ones, validates with the zod schema, runs the tool under its timeout and the caller's
   * signal, and serialises the result.
   *
   * Never rejects for a fault of the model or the tool: malformed JSON, invalid arguments, an
   * unknown tool, a throw, a timeout or an abort each resolve to `{ ok: false, error, output }`,
   * where `output` tells the model what went wrong and what to do.
   *
   * @param call - `{ id, name, arguments }` as the model sent it (`arguments` is raw JSON text).
   * @param options - `signal`, `runId` and the user `context` passed to the tool.
   * @returns The outcome; `output` is the tool message content.
   */
  execute(call: ToolCall, options: ToolExecuteOptions<TContext> = {}): Promise<ToolOutcome> {
    return executeToolCall({
      call,
      tools: this.#tools,
      args: options.args,
      signal: options.signal,
      settleOnAbort: options.settleOnAbort ?? true,
      runId: options.runId,
      context: options.context as TContext,
      defaultTimeoutMs: this.#timeoutMs,
      defaultMaxOutputChars: this.#maxOutputChars,
    });
  }

  /**
   * The first half of {@link ToolRegistry.execute}: looks the tool up, parses the JSON arguments
   * (unless `options.args` gives them), turns `null`s sent for optional fields into absent ones
   * and validates them with the tool's schema, without running anything. Use it to show, approve
   * or log the arguments the tool will really get (defaults applied), then
   * {@link ToolRegistry.run} the prepared call.
   *
   * Never throws or rejects for a fault of the model: an unknown tool, malformed JSON or invalid
   * arguments give the same failed outcome `execute` resolves to (`unknown_tool`,
   * `invalid_json`, `invalid_arguments`, or `tool_error` when validating throws). The result is
   * synchronous when the schema validates synchronously (zod's do, unless a refinement awaits),
   * and a promise otherwise: `await` it either way.
   *
   * @param call - `{ id, name, arguments }` as the model sent it.
   * @param options - `args`: arguments to validate instead of parsing `call.arguments`.
   * @returns `{ ok: true, call, tool, args }` with the validated `args`, or the failed outcome.
   * @example
   * ```ts
   * const prepared = await registry.prepare(call);
   * if (!prepared.ok) return prepared; // the failed outcome, `output` for the model
   * console.log(`${prepared.tool.name}`, prepared.args); // validated, defaults applied
   * const outcome = await registry.run(prepared, { signal });
   * ```
   */
  prepare(
    call: ToolCall,
    options: ToolPrepareOptions = {},
  ): ToolPreparation<TContext> | Promise<ToolPreparation<TContext>> {
    return prepareToolCall({
      call,
      tools: this.#tools,
      args: options.args,
      defaultMaxOutputChars: this.#maxOutputChars,
    });
  }

  /**
   * The second half of {@link ToolRegistry.execute}: runs a call {@link ToolRegistry.prepare}
   * prepared, with its validated arguments, under its timeout and the caller's signal, and
   * serialises the result. Never rejects for a fault of the tool: a throw, a timeout or an abort
   * resolve to `{ ok: false, error, output }`.
   *
   * @param prepared - What `prepare` resolved to when `ok` is `true`.
   * @param options - `signal`, `settleOnAbort`, `runId` and the user `context` passed to the tool.
   * @returns The outcome; `output` is the tool message content, `durationMs` counts the run only.
   */
  run(
    prepared: PreparedToolCall<TContext>,
    options: ToolRunOptions<TContext> = {},
  ): Promise<ToolOutcome> {
    return runToolCall(prepared, {
      signal: options.signal,
      settleOnAbort: options.settleOnAbort ?? true,
      runId: options.runId,
      context: options.context as TContext,
      defaultTimeoutMs: this.#timeoutMs,
      defaultMaxOutputChars: this.#maxOutputChars,
    });
  }
}
