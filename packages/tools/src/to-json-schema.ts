import { ToolDefinitionError } from './errors.js';
import { jsonSchemaOf } from './json-schema-parameters.js';
import { copyJson, type JsonSchema } from './json-schema-utils.js';
import { optionalNullsToUndefined } from './optional-nulls.js';
import { type StrictConversion, toStrictSchema } from './strict-schema.js';
import type { StrictMode } from './types.js';
import { zodToParametersSchema } from './zod-to-json.js';

/** Options of {@link toJSONSchema}. */
export interface ToJSONSchemaOptions {
  /**
   * `'auto'`: strict when the schema can be made strict-compatible; `true`: strict or throw;
   * `false`: never strict.
   * @default 'auto'
   */
  strict?: StrictMode | undefined;
  /** Named in error messages. */
  toolName?: string | undefined;
}

/** What {@link toJSONSchema} returns. */
export interface ToJSONSchemaResult {
  /** The JSON Schema to send as a tool's `parameters` (the strict form when `strict` is `true`). */
  schema: Record<string, unknown>;
  /** Whether `schema` follows the strict-mode rules and may be sent with `strict: true`. */
  strict: boolean;
  /** When `strict` is `false` in `'auto'` mode: why the schema cannot be strict. */
  reason?: string;
}

/** One schema's conversion, computed once: the plain schema and its strict form (or why not). */
export interface ParametersConversion {
  /** The plain (non-strict) JSON Schema: optional keys are not `required`. */
  plain: JsonSchema;
  /** The strict form, or the reason there is none. */
  strict: StrictConversion;
}

/** Conversions are pure, so each schema object is converted once. */
const cache = new WeakMap<object, ParametersConversion>();

/**
 * Converts a zod schema (or reads the schema of a `jsonSchemaTool`'s parameters) once and
 * remembers the result for that schema object.
 *
 * @throws ToolDefinitionError `invalid_parameters`.
 */
export function convertParameters(schema: unknown, toolName?: string): ParametersConversion {
  const cached = typeof schema === 'object' && schema !== null ? cache.get(schema) : undefined;
  if (cached) return cached;
  // A JSON-Schema tool's parameters carry their schema; a zod schema is converted.
  const plain = jsonSchemaOf(schema) ?? zodToParametersSchema(schema, toolName);
  const conversion: ParametersConversion = { plain, strict: toStrictSchema(plain) };
  cache.set(schema as object, conversion);
  return conversion;
}

/** Returns a deep copy, so callers may edit a result without touching the cached one. */
const copy = (schema: JsonSchema): JsonSchema => copyJson(schema);

/**
 * Converts a zod object schema (zod v4 from `'zod'`, or zod v3 from `'zod/v3'`) to the JSON
 * Schema of a tool's parameters. zod v4 goes through zod's own `toJSONSchema` (input side, so
 * fields with defaults are optional); zod v3 through `zod-to-json-schema`. `$schema` is removed.
 *
 * In strict form every object lists all its keys in `required` and has
 * `additionalProperties: false`, at every depth; an optional key becomes required and nullable.
 * Keywords strict mode rejects but that only narrow values (`minLength`, `maxLength`, ...) are
 * dropped from the strict form; zod still enforces them on the arguments.
 *
 * @param schema - A zod object schema.
 * @param options - `strict` (`'auto'` by default).
 * @returns `{ schema, strict, reason? }`.
 * @throws ToolDefinitionError `invalid_parameters` for anything but a zod object schema;
 *   `strict_incompatible` when `strict: true` and the schema cannot be strict.
 * @example
 * ```ts
 * const { schema, strict } = toJSONSchema(z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }));
 * // strict === true; schema.properties.unit is { anyOf: [{ type: 'string', enum: ['c', 'f'] }, { type: 'null' }] }
 * ```
 */
export function toJSONSchema(
  schema: unknown,
  { strict = 'auto', toolName }: ToJSONSchemaOptions = {},
): ToJSONSchemaResult {
  const conversion = convertParameters(schema, toolName);
  if (strict === false) return { schema: copy(conversion.plain), strict: false };
  if (conversion.strict.ok) return { schema: copy(conversion.strict.schema), strict: true };
  if (strict === true) {
    throw new ToolDefinitionError(
      `Schema${toolName ? ` of tool "${toolName}"` : ''} cannot be strict: ${conversion.strict.reason}. Declare every key with z.object(...) or set strict: false (or leave it 'auto').`,
      { code: 'strict_incompatible', toolName },
    );
  }
  return { schema: copy(conversion.plain), strict: false, reason: conversion.strict.reason };
}

/**
 * Turns the `null`s a model sends for optional fields (strict mode makes every field required
 * and nullable) back into absent fields, so the value can be validated by the original schema
 * and its defaults apply. Used for tool arguments and for structured final answers.
 *
 * @param schema - The zod object schema the value was described with.
 * @param value - The parsed JSON the model sent.
 * @returns The value itself when it holds no `null`, else a new value; the input is never changed.
 * @throws ToolDefinitionError `invalid_parameters` when `schema` is not a zod object schema.
 */
export function normalizeStrictNulls(schema: unknown, value: unknown): unknown {
  return optionalNullsToUndefined(value, convertParameters(schema).plain);
}
