import { toJSONSchema as zod4ToJSONSchema } from 'zod/v4/core';
import type { zodToJsonSchema } from 'zod-to-json-schema';
import { ToolDefinitionError } from './errors.js';
import { isRecord, type JsonSchema, resolveLocalRef } from './json-schema-utils.js';
import { requireOnNode } from './require-on-node.js';

/** Which zod a schema comes from, told apart by shape: v4 schemas carry `_zod`, v3 ones `_def`. */
export type ZodVersion = 'v4' | 'v3';

/** Detects the zod version of a schema, or `undefined` when it is not a zod schema. */
export function zodVersionOf(schema: unknown): ZodVersion | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const candidate = schema as { _zod?: { def?: unknown }; _def?: { typeName?: unknown } };
  if (isRecord(candidate._zod) && isRecord(candidate._zod.def)) return 'v4';
  if (isRecord(candidate._def) && typeof candidate._def.typeName === 'string') return 'v3';
  return undefined;
}

/** Describes a value for an error message: `a string`, `an array`, `a zod v4 string schema`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  const version = zodVersionOf(value);
  if (version === 'v4') {
    return `a zod v4 ${String((value as { _zod: { def: { type?: unknown } } })._zod.def.type)} schema`;
  }
  if (version === 'v3') {
    return `a zod v3 ${String((value as { _def: { typeName: unknown } })._def.typeName)} schema`;
  }
  return typeof value === 'object' ? 'an object that is not a zod schema' : `a ${typeof value}`;
}

/** zod v4 types that JSON cannot carry; a `z.coerce` date or bigint can still arrive as a string. */
const UNREPRESENTABLE_V4 = new Set([
  'bigint',
  'symbol',
  'undefined',
  'void',
  'date',
  'nan',
  'custom',
  'function',
  'transform',
  'map',
  'set',
  'promise',
]);

/** Converts a zod v4 schema with zod's own converter, describing what the model may send. */
function convertV4(schema: object, toolName: string | undefined): JsonSchema {
  const problems: string[] = [];
  let result: JsonSchema;
  try {
    result = zod4ToJSONSchema(schema as Parameters<typeof zod4ToJSONSchema>[0], {
      io: 'input',
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema, path }) => {
        const def = (zodSchema as { _zod: { def: { type: string; coerce?: boolean } } })._zod.def;
        if (!UNREPRESENTABLE_V4.has(def.type)) return;
        if (def.coerce && def.type === 'date') {
          Object.assign(jsonSchema, { type: 'string', format: 'date-time' });
        } else if (def.coerce && def.type === 'bigint') {
          Object.assign(jsonSchema, { type: 'string', pattern: '^-?[0-9]+$' });
        } else {
          problems.push(`${def.type} at ${path.length > 0 ? path.join('.') : 'the root'}`);
        }
      },
    }) as JsonSchema;
  } catch (error) {
    throw new ToolDefinitionError(
      `Invalid parameters${toolName ? ` for tool "${toolName}"` : ''}: the zod schema cannot be converted to JSON Schema (${error instanceof Error ? error.message : String(error)}). Use JSON-compatible types (strings, numbers, booleans, arrays, objects).`,
      { code: 'invalid_parameters', toolName, cause: error },
    );
  }
  if (problems.length > 0) {
    throw new ToolDefinitionError(
      `Invalid parameters${toolName ? ` for tool "${toolName}"` : ''}: these zod types cannot arrive as JSON from a model: ${problems.join(', ')}. Use JSON-compatible types instead (e.g. z.coerce.date() or z.iso.datetime() for dates).`,
      { code: 'invalid_parameters', toolName },
    );
  }
  return result;
}

/**
 * Replaces path references (`#/properties/home`, which zod-to-json-schema emits for a schema
 * used twice) by a copy of their target, so the result only refers through `$defs` or to
 * itself. A reference that points at one of its own ancestors (recursion) is left as it is.
 */
function inlinePathRefs(root: JsonSchema): JsonSchema {
  const visit = (node: unknown, pointer: string, expanding: readonly string[]): unknown => {
    if (Array.isArray(node))
      return node.map((item, i) => visit(item, `${pointer}/${i}`, expanding));
    if (!isRecord(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/properties/')) {
      const targetPointer = ref.slice(1);
      const recursive =
        expanding.includes(ref) ||
        pointer === targetPointer ||
        pointer.startsWith(`${targetPointer}/`);
      const target = recursive ? undefined : resolveLocalRef(root, ref);
      if (target !== undefined) {
        const { $ref: _ignored, ...siblings } = node;
        return visit({ ...target, ...siblings }, pointer, [...expanding, ref]);
      }
    }
    const copy: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      copy[key] = visit(value, `${pointer}/${key}`, expanding);
    }
    return copy;
  };
  return visit(root, '', []) as JsonSchema;
}

/**
 * Converts a zod v3 schema with zod-to-json-schema, describing what the model may send. The
 * converter (and through it `zod/v3`) is loaded on the first zod v3 schema: zod 4 users never
 * load it.
 */
function convertV3(schema: object, toolName: string | undefined): JsonSchema {
  const converter = requireOnNode<{ zodToJsonSchema: typeof zodToJsonSchema }>(
    'zod-to-json-schema',
  );
  if (converter === undefined) {
    throw new ToolDefinitionError(
      `Invalid parameters${toolName ? ` for tool "${toolName}"` : ''}: a zod v3 schema is converted to JSON Schema by zod-to-json-schema, which loads on Node.js only, and this runtime has no Node builtins. Define the schema with zod 4 (import { z } from 'zod' with zod >= 4, or 'zod/v4' with zod 3.25) on this runtime.`,
      { code: 'invalid_parameters', toolName },
    );
  }
  const result = converter.zodToJsonSchema(schema as Parameters<typeof zodToJsonSchema>[0], {
    $refStrategy: 'root',
    definitionPath: '$defs',
    effectStrategy: 'input',
    pipeStrategy: 'input',
  }) as JsonSchema;
  return inlinePathRefs(result);
}

/**
 * Converts a zod v4 or v3 object schema to the JSON Schema of a tool's parameters: `$schema`
 * removed, the root an object. Pure: the same schema always gives an equal result.
 *
 * @throws ToolDefinitionError `invalid_parameters` when the schema is not a zod object schema or
 *   holds types JSON cannot carry.
 */
export function zodToParametersSchema(schema: unknown, toolName?: string): JsonSchema {
  const version = zodVersionOf(schema);
  const forTool = toolName ? ` for tool "${toolName}"` : '';
  if (version === undefined) {
    throw new ToolDefinitionError(
      `Invalid parameters${forTool}: expected a zod object schema (z.object({...}) from 'zod' or 'zod/v3'), received ${describe(schema)}.`,
      { code: 'invalid_parameters', toolName },
    );
  }
  const converted =
    version === 'v4'
      ? convertV4(schema as object, toolName)
      : convertV3(schema as object, toolName);
  const { $schema: _dropped, ...rest } = converted;
  if (rest.type === 'object') return rest;
  const branches = rest.anyOf ?? rest.oneOf;
  const allObjects =
    Array.isArray(branches) &&
    branches.length > 0 &&
    branches.every((branch) => isRecord(branch) && branch.type === 'object');
  // A union of objects is a valid argument shape; APIs require `type: "object"` at the root.
  if (allObjects && rest.type === undefined) return { type: 'object', ...rest };
  throw new ToolDefinitionError(
    `Invalid parameters${forTool}: expected a zod object schema (z.object({...})), received ${describe(schema)}. Tool arguments are always a JSON object; wrap the value in z.object({ value: ... }).`,
    { code: 'invalid_parameters', toolName },
  );
}
