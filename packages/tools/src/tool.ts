import { ToolDefinitionError } from './errors.js';
import { toJSONSchema } from './to-json-schema.js';
import type { InferToolArgs, Tool, ToolDefinition, ToolParameters } from './types.js';

/** What a tool name must match (the OpenAI API's rule). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Checks a tool name against `^[a-zA-Z0-9_-]{1,64}$`.
 *
 * @throws ToolDefinitionError `invalid_tool_name`, saying what is wrong and suggesting a name.
 */
export function assertToolName(name: unknown): asserts name is string {
  if (typeof name === 'string' && TOOL_NAME_PATTERN.test(name)) return;
  let problem: string;
  if (typeof name !== 'string') problem = `received ${name === null ? 'null' : typeof name}`;
  else if (name === '') problem = 'received an empty name';
  else if (name.length > 64) problem = `received a name of ${name.length} characters`;
  else {
    const bad = [...new Set(name.replace(/[a-zA-Z0-9_-]/g, ''))].map((c) => JSON.stringify(c));
    problem = `received "${name}", which contains ${bad.join(', ')}`;
  }
  const suggestion =
    typeof name === 'string' && name !== ''
      ? ` Rename it, e.g. "${name.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 64)}".`
      : ' Give the tool a name.';
  throw new ToolDefinitionError(
    `Invalid tool name: expected 1 to 64 characters from a-z, A-Z, 0-9, "_" and "-", ${problem}.${suggestion}`,
    { code: 'invalid_tool_name', toolName: typeof name === 'string' ? name : undefined },
  );
}

/** Checks an optional limit: a positive number (`Infinity` allowed when `allowInfinity`). */
export function assertLimit(
  value: unknown,
  field: string,
  toolName: string | undefined,
  allowInfinity: boolean,
): void {
  if (value === undefined) return;
  const valid =
    typeof value === 'number' &&
    value > 0 &&
    (Number.isFinite(value) || (allowInfinity && value === Number.POSITIVE_INFINITY));
  if (valid) return;
  throw new ToolDefinitionError(
    `Invalid ${field}${toolName ? ` for tool "${toolName}"` : ''}: expected a positive number of ${field === 'timeoutMs' ? 'milliseconds' : 'characters'}, received ${String(value)}. Leave it out for the default.`,
    { code: 'invalid_config', toolName, option: field },
  );
}

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
  const {
    name,
    description,
    parameters,
    execute,
    timeoutMs,
    strict,
    maxOutputChars,
    needsApproval,
    idempotent,
  } = definition;
  assertToolName(name);
  if (typeof description !== 'string') {
    throw new ToolDefinitionError(
      `Invalid description for tool "${name}": expected a string telling the model what the tool does, received ${typeof description}.`,
      { code: 'invalid_config', toolName: name, option: 'description' },
    );
  }
  if (typeof execute !== 'function') {
    throw new ToolDefinitionError(
      `Invalid execute for tool "${name}": expected a function (args, ctx) => result, received ${typeof execute}.`,
      { code: 'invalid_config', toolName: name, option: 'execute' },
    );
  }
  if (strict !== undefined && strict !== 'auto' && typeof strict !== 'boolean') {
    throw new ToolDefinitionError(
      `Invalid strict for tool "${name}": expected true, false or 'auto', received ${String(strict)}.`,
      { code: 'invalid_config', toolName: name, option: 'strict' },
    );
  }
  if (
    needsApproval !== undefined &&
    typeof needsApproval !== 'boolean' &&
    typeof needsApproval !== 'function'
  ) {
    throw new ToolDefinitionError(
      `Invalid needsApproval for tool "${name}": expected true, false or a function (args, ctx) => boolean, received ${String(needsApproval)}.`,
      { code: 'invalid_config', toolName: name, option: 'needsApproval' },
    );
  }
  if (idempotent !== undefined && typeof idempotent !== 'boolean') {
    throw new ToolDefinitionError(
      `Invalid idempotent for tool "${name}": expected true or false, received ${String(idempotent)}.`,
      { code: 'invalid_config', toolName: name, option: 'idempotent' },
    );
  }
  assertLimit(timeoutMs, 'timeoutMs', name, true);
  assertLimit(maxOutputChars, 'maxOutputChars', name, true);
  const converted = toJSONSchema(parameters, { strict: strict ?? 'auto', toolName: name });
  return Object.freeze({
    name,
    description,
    parameters,
    jsonSchema: converted.schema,
    strict: converted.strict,
    timeoutMs,
    maxOutputChars,
    needsApproval: needsApproval ?? false,
    idempotent: idempotent ?? false,
    execute,
  });
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
