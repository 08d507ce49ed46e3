import { ToolDefinitionError } from './errors.js';
import { toJSONSchema } from './to-json-schema.js';
import type { StrictMode } from './types.js';

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

/** The fields `tool()` and `jsonSchemaTool()` share, as a definition gives them. */
export interface ToolFields {
  name: unknown;
  description: unknown;
  execute: unknown;
  timeoutMs?: unknown;
  strict?: unknown;
  maxOutputChars?: unknown;
  needsApproval?: unknown;
  idempotent?: unknown;
}

/**
 * Checks the fields every tool definition has, whatever its schema: the name, the description,
 * `execute`, `strict`, `needsApproval`, `idempotent` and the limits.
 *
 * @throws ToolDefinitionError `invalid_tool_name`, or `invalid_config` naming the field in `option`.
 */
export function assertToolFields(definition: ToolFields): asserts definition is ToolFields & {
  name: string;
} {
  const {
    name,
    description,
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
}

/**
 * The tool both definers return, from a definition whose fields `assertToolFields` has checked
 * and the parameters its schema gave: the JSON Schema the model sees is made here, once.
 *
 * @param definition - The checked definition.
 * @param parameters - What validates the arguments (a zod schema, or the JSON Schema wrapper).
 * @returns The frozen tool.
 */
export function frozenTool<
  D extends {
    name: string;
    description: string;
    execute: unknown;
    timeoutMs?: number | undefined;
    strict?: StrictMode | undefined;
    maxOutputChars?: number | undefined;
    needsApproval?: unknown;
    idempotent?: boolean | undefined;
  },
  P,
>(definition: D, parameters: P) {
  const { name, description, execute, timeoutMs, strict, maxOutputChars } = definition;
  const converted = toJSONSchema(parameters, { strict: strict ?? 'auto', toolName: name });
  return Object.freeze({
    name: name as D['name'],
    description,
    parameters,
    jsonSchema: converted.schema,
    strict: converted.strict,
    timeoutMs,
    maxOutputChars,
    needsApproval: (definition.needsApproval ?? false) as
      | Exclude<D['needsApproval'], undefined>
      | false,
    idempotent: definition.idempotent ?? false,
    execute: execute as D['execute'],
  });
}
