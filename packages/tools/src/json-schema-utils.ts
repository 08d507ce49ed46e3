/** A JSON Schema node as plain data. */
export type JsonSchema = Record<string, unknown>;

/** Whether a value is a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of JSON data (a schema): arrays and plain objects are copied, primitives kept.
 * Node's `structuredClone` serialises and parses its input, which costs tens of microseconds
 * even for a small schema; a tool's schema is copied into every request. Anything that is not
 * JSON data (a `Date`, a `Map`) is left to `structuredClone`.
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** Decodes one JSON Pointer segment (`~1` is `/`, `~0` is `~`). */
function decodePointerSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Resolves a local `$ref` (`#`, `#/$defs/x`, `#/properties/a/items`) against the root schema.
 *
 * @returns The target node, or `undefined` when the reference is not local or points nowhere.
 */
export function resolveLocalRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const segment of ref.slice(2).split('/')) {
    const key = decodePointerSegment(segment);
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isRecord(node)) node = node[key];
    else return undefined;
  }
  return isRecord(node) ? node : undefined;
}

/** Follows `$ref`s until a node without one (bounded, so a self-referencing ref cannot loop). */
export function deref(root: JsonSchema, node: JsonSchema): JsonSchema {
  let current = node;
  for (let hops = 0; hops < 32 && typeof current.$ref === 'string'; hops++) {
    const target = resolveLocalRef(root, current.$ref);
    if (target === undefined || target === current) break;
    current = target;
  }
  return current;
}

/** Whether a schema node accepts `null` (by `type`, `enum`, `const`, or an `anyOf`/`oneOf` branch). */
export function acceptsNull(root: JsonSchema, node: JsonSchema): boolean {
  const target = deref(root, node);
  const { type } = target;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  if (Array.isArray(target.enum) && target.enum.includes(null)) return true;
  if ('const' in target && target.const === null) return true;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = target[key];
    if (Array.isArray(branches) && branches.some((b) => isRecord(b) && acceptsNull(root, b))) {
      return true;
    }
  }
  return false;
}

/** The names listed in a schema's `required` array. */
export function requiredOf(node: JsonSchema): Set<string> {
  const { required } = node;
  return new Set(Array.isArray(required) ? required.filter((k) => typeof k === 'string') : []);
}

/** Whether a schema node describes an object (by `type` or by having `properties`). */
export function isObjectSchema(node: JsonSchema): boolean {
  const { type } = node;
  return (
    type === 'object' ||
    (Array.isArray(type) && type.includes('object')) ||
    isRecord(node.properties)
  );
}
