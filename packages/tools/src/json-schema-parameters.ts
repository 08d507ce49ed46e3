import { ToolDefinitionError } from './errors.js';
import { issuesOfJsonSchemaErrors } from './json-schema-issues.js';
import { isRecord, type JsonSchema } from './json-schema-utils.js';
import { AjvUnavailableError, compileJsonSchema } from './json-schema-validator.js';
import type { StandardResult, StandardSchemaV1 } from './types.js';

/** Marks a parameters object made from a JSON Schema, in every copy of the package. */
const JSON_SCHEMA_PARAMETERS: unique symbol = Symbol.for('agentloop.tools.json_schema_parameters');

/**
 * The parameters of a JSON-Schema tool: a Standard Schema whose validation is ajv's, carrying
 * the JSON Schema it was made from, so that the registry converts and strict-normalises it like
 * a zod schema's.
 *
 * @typeParam TArgs - The arguments the schema describes.
 */
export interface JsonSchemaParameters<TArgs extends object = Record<string, unknown>>
  extends StandardSchemaV1<TArgs, TArgs> {
  /** The JSON Schema, `$schema` left out. */
  readonly [JSON_SCHEMA_PARAMETERS]: JsonSchema;
}

/** The JSON Schema a parameters object was made from, or `undefined` for a zod schema. */
export function jsonSchemaOf(parameters: unknown): JsonSchema | undefined {
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  const schema = (parameters as Partial<JsonSchemaParameters>)[JSON_SCHEMA_PARAMETERS];
  return isRecord(schema) ? schema : undefined;
}

function describeSchema(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const { type } = value as { type?: unknown };
  return type === undefined
    ? 'a schema without "type"'
    : `a schema of type ${JSON.stringify(type)}`;
}

/**
 * Makes the parameters of a tool from a JSON Schema: compiled by ajv now, so that a schema it
 * cannot compile is refused at definition time and not at the first call.
 *
 * Validation works on a copy (ajv fills in `default`s, as zod does), so the value given is
 * never changed.
 *
 * @param schema - A JSON Schema with `type: "object"` at the root.
 * @param toolName - Named in errors.
 * @throws ToolDefinitionError `invalid_parameters` for a root that is not an object schema or a
 *   schema ajv cannot compile (its reason quoted).
 */
export function jsonSchemaParameters<TArgs extends object = Record<string, unknown>>(
  schema: unknown,
  toolName?: string,
): JsonSchemaParameters<TArgs> {
  const of = toolName ? ` for tool "${toolName}"` : '';
  if (!isRecord(schema) || schema.type !== 'object') {
    throw new ToolDefinitionError(
      `Invalid inputSchema${of}: expected a JSON Schema object with type "object" at the root, received ${describeSchema(schema)}. Describe the arguments as an object ({ type: "object", properties: { ... } }).`,
      { code: 'invalid_parameters', toolName },
    );
  }
  let validate: ReturnType<typeof compileJsonSchema>;
  try {
    validate = compileJsonSchema(structuredClone(schema));
  } catch (error) {
    if (error instanceof AjvUnavailableError) {
      throw new ToolDefinitionError(
        `Cannot define tool${toolName ? ` "${toolName}"` : ''} from a JSON Schema here: ajv, which compiles each schema to code, loads on Node.js only, and this runtime has no Node builtins (edge runtimes also forbid generating code from strings). Define the tool with tool() and a zod schema on this runtime.`,
        { code: 'invalid_parameters', toolName, cause: error },
      );
    }
    if (error instanceof EvalError) {
      // Edge runtimes (Vercel Edge, Cloudflare Workers) forbid `new Function`, which ajv needs.
      throw new ToolDefinitionError(
        `Cannot define tool${toolName ? ` "${toolName}"` : ''} from a JSON Schema here: this runtime forbids generating code from strings (${error.message}), and ajv compiles each schema to code. Define the tool with tool() and a zod schema on this runtime.`,
        { code: 'invalid_parameters', toolName, cause: error },
      );
    }
    throw new ToolDefinitionError(
      `Invalid inputSchema${of}: the JSON Schema cannot be compiled (${error instanceof Error ? error.message : String(error)}). Fix the schema, or leave the tool out.`,
      { code: 'invalid_parameters', toolName, cause: error },
    );
  }
  const { $schema: _dialect, ...plain } = structuredClone(schema);
  return Object.freeze({
    [JSON_SCHEMA_PARAMETERS]: plain,
    '~standard': Object.freeze({
      version: 1 as const,
      vendor: 'ajv',
      validate: (value: unknown): StandardResult<TArgs> => {
        const copy = structuredClone(value);
        const result = validate(copy);
        return result === true
          ? { value: copy as TArgs }
          : { issues: issuesOfJsonSchemaErrors(result) };
      },
    }),
  });
}
