import { ToolDefinitionError } from './errors.js';
import { assertToolFields, frozenTool } from './tool-fields.js';
import type { InferToolArgs, Tool, ToolDefinition, ToolParameters } from './types.js';

/**
 * Defines a tool the model can call. The arguments of `execute` are typed from the zod schema
 * (zod v4 from `'zod'` or zod v3 from `'zod/v3'`); every check happens here, at definition time.
 *
 * @param definition - `name`, `description`, `parameters` (a zod object schema), `execute`, and
 *   optionally `timeoutMs`, `strict` (`'auto'` by default), `maxOutputChars`, `needsApproval` and
 *   `idempotent`.
 * @returns The tool, ready for a `ToolRegistry` or an `Agent`. Its type keeps the literal `name`,
 *   the argument and result types, so an agent's events and results narrow on the name.
 * @throws ToolDefinitionError `invalid_tool_name`, `invalid_parameters`, `strict_incompatible`
 *   (`strict: true` on a schema that cannot be strict) or `invalid_config` (another field,
 *   named by `option`).
 * @example
 * ```ts
 * const getWeather = tool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }),
 *   execute: async ({ city, unit }, { signal }) => fetchWeather(city, unit, signal),
 * });
 * ```
 */
export function tool<
  TSchema extends ToolParameters,
  TResult,
  TContext = unknown,
  TName extends string = string,
>(
  definition: ToolDefinition<TSchema, TResult, TContext, TName>,
): Tool<InferToolArgs<TSchema>, TResult, TContext, TName> {
  if (typeof definition !== 'object' || definition === null) {
    throw new ToolDefinitionError(
      `Invalid tool definition: expected an object with name, description, parameters and execute, received ${definition === null ? 'null' : typeof definition}.`,
      { code: 'invalid_config' },
    );
  }
  assertToolFields(definition);
  return frozenTool(definition, definition.parameters);
}

/**
 * `tool()` for tools that read the run's context: `ctx.context` is typed as `TContext` without
 * annotating `ctx`. An agent takes the tool only when its context type fits `TContext`.
 *
 * @typeParam TContext - The context the tool reads (`ctx.context`).
 * @returns `tool`, with the context type fixed.
 * @example
 * ```ts
 * const whoAmI = tool.withContext<{ userId: string }>()({
 *   name: 'who_am_i',
 *   description: 'The id of the signed-in user',
 *   parameters: z.object({}),
 *   execute: (_args, ctx) => ctx.context.userId,
 * });
 * ```
 */
tool.withContext = function withContext<TContext>(): <
  TSchema extends ToolParameters,
  TResult,
  TName extends string = string,
>(
  definition: ToolDefinition<TSchema, TResult, TContext, TName>,
) => Tool<InferToolArgs<TSchema>, TResult, TContext, TName> {
  return tool;
};
