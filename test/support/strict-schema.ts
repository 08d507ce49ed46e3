/**
 * The rules the OpenAI API enforces on a JSON Schema sent with `strict: true` (function tools and
 * `response_format: { type: 'json_schema' }`), with the API's own wording.
 *
 * @module
 */

type JsonObject = Record<string, unknown>;
type ContextPath = ReadonlyArray<string | number>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Renders a schema location the way the API does: a Python tuple, `()`, `('items',)`,
 * `('properties', 'address')`, `('anyOf', 0)`.
 */
function formatContext(path: ContextPath): string {
  const parts = path.map((part) => (typeof part === 'number' ? String(part) : `'${part}'`));
  if (parts.length === 1) return `(${parts[0]},)`;
  return `(${parts.join(', ')})`;
}

/** Renders a root `type` the way the API does (`"object"`, `"None"` when absent). */
function describeType(type: unknown): string {
  if (type === undefined || type === null) return '"None"';
  if (typeof type === 'string') return `"${type}"`;
  return `"${JSON.stringify(type)}"`;
}

/**
 * The API's message for a root that is not an object schema, shared with the non-strict check of
 * function `parameters`.
 *
 * @param schema - The root schema that was sent.
 * @returns `schema must be a JSON Schema of 'type: "object"', got 'type: "…"'.`
 */
export function rootNotObjectMessage(schema: unknown): string {
  const type = isObject(schema) ? schema.type : undefined;
  return `schema must be a JSON Schema of 'type: "object"', got 'type: ${describeType(type)}'.`;
}

function isObjectSchema(node: JsonObject): boolean {
  const { type } = node;
  if (type === 'object') return true;
  if (Array.isArray(type) && type.includes('object')) return true;
  return type === undefined && isObject(node.properties);
}

function checkObjectNode(node: JsonObject, path: ContextPath): string | null {
  const context = `In context=${formatContext(path)}`;
  if (node.additionalProperties !== false) {
    return `${context}, 'additionalProperties' is required to be supplied and to be false.`;
  }
  const keys = isObject(node.properties) ? Object.keys(node.properties) : [];
  const requiredPrefix = `${context}, 'required' is required to be supplied and to be an array including every key in properties.`;
  const { required } = node;
  if (!Array.isArray(required)) {
    const first = keys[0];
    return first === undefined ? null : `${requiredPrefix} Missing '${first}'.`;
  }
  const missing = keys.find((key) => !required.includes(key));
  if (missing !== undefined) return `${requiredPrefix} Missing '${missing}'.`;
  const extra = required.find((key) => typeof key !== 'string' || !keys.includes(key));
  if (extra !== undefined) return `${context}, Extra required key '${String(extra)}' supplied.`;
  return null;
}

/** Sub-schemas of a node, each with the path segment the API names it by, in document order. */
function children(node: JsonObject): Array<[ContextPath, unknown]> {
  const out: Array<[ContextPath, unknown]> = [];
  if (isObject(node.properties)) {
    for (const [key, value] of Object.entries(node.properties))
      out.push([['properties', key], value]);
  }
  if (Array.isArray(node.items)) {
    node.items.forEach((value, i) => {
      out.push([['items', i], value]);
    });
  } else if (node.items !== undefined) {
    out.push([['items'], node.items]);
  }
  if (Array.isArray(node.prefixItems)) {
    node.prefixItems.forEach((value, i) => {
      out.push([['prefixItems', i], value]);
    });
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = node[keyword];
    if (Array.isArray(list)) {
      list.forEach((value, i) => {
        out.push([[keyword, i], value]);
      });
    }
  }
  for (const keyword of ['$defs', 'definitions'] as const) {
    const defs = node[keyword];
    if (isObject(defs)) {
      for (const [name, value] of Object.entries(defs)) out.push([[keyword, name], value]);
    }
  }
  if (isObject(node.additionalProperties)) {
    out.push([['additionalProperties'], node.additionalProperties]);
  }
  return out;
}

function walk(node: unknown, path: ContextPath): string | null {
  if (!isObject(node)) return null;
  if (isObjectSchema(node)) {
    const problem = checkObjectNode(node, path);
    if (problem !== null) return problem;
  }
  for (const [segment, child] of children(node)) {
    const problem = walk(child, [...path, ...segment]);
    if (problem !== null) return problem;
  }
  return null;
}

/**
 * Checks a schema against the strict-mode rules of the OpenAI API: the root is an object schema
 * (not a bare `anyOf`), and every object at any depth (inside `properties`, `items`, `anyOf`,
 * `$defs`/`definitions`, ...) has `additionalProperties: false` and lists every property in
 * `required`.
 *
 * @param schema - The JSON Schema that would be sent with `strict: true`.
 * @returns `null` when the API would accept it, else the API's message without its
 *   `Invalid schema for function 'name': ` prefix (for example
 *   `In context=('properties', 'address'), 'additionalProperties' is required to be supplied and to be false.`).
 * @example
 * ```ts
 * expect(validateStrictSchema(registry.toOpenAITools()[0].function.parameters)).toBeNull();
 * ```
 */
export function validateStrictSchema(schema: unknown): string | null {
  if (!isObject(schema) || schema.type !== 'object') return rootNotObjectMessage(schema);
  if (schema.anyOf !== undefined) {
    // A bare root anyOf has no type and fails above with the API's published wording; this case
    // (anyOf beside type: 'object') has no published wording, so the message follows its style.
    return "In context=(), 'anyOf' is not permitted at the root of the schema; the root must be an object schema.";
  }
  return walk(schema, []);
}
