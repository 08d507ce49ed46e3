import { ToolDefinitionError } from './errors.js';
import { jsonSchemaParameters } from './json-schema-parameters.js';
import { assertToolFields, frozenTool } from './tool-fields.js';
import type { NeedsApproval, StrictMode, Tool, ToolContext } from './types.js';

/**
 * What `jsonSchemaTool()` takes: `tool()`'s definition with a JSON Schema in `inputSchema`
 * instead of a zod schema in `parameters`.
 *
 * @typeParam TArgs - The arguments the schema describes (a JSON Schema carries no TypeScript
 *   type, so give it when you want `execute`'s arguments typed).
 * @typeParam TResult - What `execute` resolves to.
 * @typeParam TContext - The run's user context object.
 * @typeParam TName - The tool's name, kept as a literal type.
 */
export interface JsonSchemaToolDefinition<
  TArgs extends object = Record<string, unknown>,
  TResult = unknown,
  TContext = unknown,
  TName extends string = string,
> {
  /** The name the model calls the tool by: `^[a-zA-Z0-9_-]{1,64}$`. */
  name: TName;
  /** What the tool does and when to use it; the model reads this. */
  description: string;
  /**
   * A JSON Schema of the arguments, `type: "object"` at the root (draft-07 unless its
   * `$schema` names 2019-09 or 2020-12). ajv validates every call against it.
   */
  inputSchema: Record<string, unknown>;
  /** Runs the tool with the validated arguments (`default`s filled in). */
  execute: (args: TArgs, ctx: ToolContext<TContext>) => TResult | PromiseLike<TResult>;
  /** Abort the tool and answer `timeout` after this many milliseconds. @default no timeout (or the registry's `timeoutMs`) */
  timeoutMs?: number | undefined;
  /**
   * `'auto'` sends the schema with `strict: true` when it can be made strict-compatible;
   * `true` requires it (an error at definition when impossible); `false` never.
   * @default 'auto'
   */
  strict?: StrictMode | undefined;
  /** Outputs longer than this many characters are cut with a marker. @default the registry's (20,000) */
  maxOutputChars?: number | undefined;
  /** Pause the run for an approval before the call runs (see `tool()`). @default false */
  needsApproval?: NeedsApproval<TArgs, TContext> | undefined;
  /** The tool may run twice for one call with no harm (see `tool()`). @default false */
  idempotent?: boolean | undefined;
}

/**
 * Defines a tool from a JSON Schema rather than a zod schema: for schemas that arrive as data
 * (an MCP server's tools, an OpenAPI operation, a config file). The arguments are validated by
 * ajv, with the messages zod tools give (`city: expected string, received number`); the schema
 * is sent in strict mode when it can be made strict, as `tool()` does.
 *
 * @param definition - `name`, `description`, `inputSchema`, `execute`, and optionally
 *   `timeoutMs`, `strict` (`'auto'` by default), `maxOutputChars`, `needsApproval`, `idempotent`.
 * @returns The tool, for a `ToolRegistry` or an `Agent`.
 * @throws ToolDefinitionError `invalid_tool_name`, `invalid_parameters` (not an object schema, or
 *   one ajv cannot compile), `strict_incompatible` (`strict: true` on a schema that cannot be
 *   strict) or `invalid_config` (another field, named by `option`).
 * @example
 * ```ts
 * const getWeather = jsonSchemaTool<{ city: string }>({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 *   execute: async ({ city }, { signal }) => fetchWeather(city, signal),
 * });
 * ```
 */
export function jsonSchemaTool<
  TArgs extends object = Record<string, unknown>,
  TResult = unknown,
  TContext = unknown,
  TName extends string = string,
>(
  definition: JsonSchemaToolDefinition<TArgs, TResult, TContext, TName>,
): Tool<TArgs, TResult, TContext, TName> {
  if (typeof definition !== 'object' || definition === null) {
    throw new ToolDefinitionError(
      `Invalid tool definition: expected an object with name, description, inputSchema and execute, received ${definition === null ? 'null' : typeof definition}.`,
      { code: 'invalid_config' },
    );
  }
  assertToolFields(definition);
  return frozenTool(
    definition,
    jsonSchemaParameters<TArgs>(definition.inputSchema, definition.name),
  );
}
