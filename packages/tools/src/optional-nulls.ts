import {
  acceptsNull,
  deref,
  isObjectSchema,
  isRecord,
  type JsonSchema,
  requiredOf,
} from './json-schema-utils.js';

/** Sets an own property, even one named `__proto__` (JSON may carry one). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Whether a `null` appears anywhere in a value (nesting past the bound counts as yes). */
function containsNull(value: unknown, depth: number): boolean {
  if (value === null || depth > 64) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (containsNull(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (
      Object.hasOwn(value, key) &&
      containsNull((value as Record<string, unknown>)[key], depth + 1)
    ) {
      return true;
    }
  }
  return false;
}

/** Whether a value could be an instance of an object branch: its keys are declared, its consts match. */
function matchesBranch(
  root: JsonSchema,
  branch: JsonSchema,
  value: Record<string, unknown>,
): boolean {
  const properties = branch.properties;
  if (!isRecord(properties)) return false;
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (!isRecord(property)) return false;
    const target = deref(root, property);
    if ('const' in target && target.const !== item) return false;
    if (Array.isArray(target.enum) && !target.enum.includes(item)) return false;
  }
  return true;
}

/**
 * Turns the `null`s a model sent for optional properties into absent keys, following the schema
 * the arguments were described with (the non-strict one, where optional means "not in
 * `required`"). Only a property that is optional and does not itself accept `null` is touched,
 * at any depth: inside nested objects, array items, `$ref`s and union branches. The result then
 * goes through zod, so defaults apply to the keys removed.
 *
 * Pure: never changes the input. A value without any `null` is returned as it is (most
 * arguments have none); otherwise the result is a new value.
 *
 * @param value - The parsed JSON arguments.
 * @param schema - The node of the (non-strict) parameters schema that describes `value`.
 * @param root - The whole parameters schema, for resolving `$ref`.
 */
export function optionalNullsToUndefined(
  value: unknown,
  schema: JsonSchema,
  root: JsonSchema = schema,
  depth = 0,
): unknown {
  // Arguments come from JSON, so they are finite; the bound only guards against absurd nesting.
  if (depth > 64) return value;
  if (depth === 0 && !containsNull(value, 0)) return value;
  const node = deref(root, schema);
  if (Array.isArray(value)) {
    const items = node.items;
    if (!isRecord(items)) return value;
    return value.map((item) => optionalNullsToUndefined(item, items, root, depth + 1));
  }
  if (!isRecord(value)) return value;

  let result: Record<string, unknown> = value;
  if (Array.isArray(node.allOf)) {
    for (const part of node.allOf) {
      if (isRecord(part)) {
        result = optionalNullsToUndefined(result, part, root, depth + 1) as Record<string, unknown>;
      }
    }
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = node[key];
    if (!Array.isArray(branches)) continue;
    const branch = branches
      .filter(isRecord)
      .map((b) => deref(root, b))
      .find((b) => isObjectSchema(b) && matchesBranch(root, b, result));
    if (branch)
      result = optionalNullsToUndefined(result, branch, root, depth + 1) as Record<string, unknown>;
  }
  if (!isRecord(node.properties)) return result;

  const properties = node.properties;
  const required = requiredOf(node);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(result)) {
    const property = properties[key];
    if (!isRecord(property)) {
      define(out, key, item);
    } else if (item === null && !required.has(key) && !acceptsNull(root, property)) {
      // Absent rather than undefined, so zod applies a default and `key in args` stays honest.
    } else {
      define(out, key, optionalNullsToUndefined(item, property, root, depth + 1));
    }
  }
  return out;
}
