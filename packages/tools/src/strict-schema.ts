import {
  acceptsNull,
  isObjectSchema,
  isRecord,
  type JsonSchema,
  requiredOf,
  resolveLocalRef,
} from './json-schema-utils.js';

/** The outcome of making a schema strict: the strict schema, or why it cannot be. */
export type StrictConversion = { ok: true; schema: JsonSchema } | { ok: false; reason: string };

/** Keywords kept as they are in a strict schema. */
const KEPT = new Set([
  'type',
  'description',
  'title',
  'default',
  'enum',
  'const',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
]);

/**
 * Keywords strict mode does not accept but that only narrow what is valid. They are dropped from
 * the strict schema; the zod schema still enforces them when the arguments come back.
 */
const DROPPED = new Set([
  'minLength',
  'maxLength',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  '$id',
  '$schema',
  'id',
  'contentEncoding',
  'contentMediaType',
]);

/** Signals, from deep inside the walk, that the schema cannot be strict. */
class NotStrict extends Error {}

const locate = (path: string): string => (path === '' ? 'the root' : path);

/** Whether a `$ref` is one the strict rules accept: the root, or an entry of `$defs`/`definitions`. */
const isDefinitionRef = (ref: string): boolean =>
  ref === '#' || ref.startsWith('#/$defs/') || ref.startsWith('#/definitions/');

/**
 * Makes an optional property required-but-nullable: `type: [t, "null"]` for a plain type, else
 * `anyOf: [schema, { type: "null" }]` with its description and default kept on the outside.
 */
function nullable(root: JsonSchema, schema: JsonSchema): JsonSchema {
  if (acceptsNull(root, schema)) return schema;
  const { type } = schema;
  const hasValueList = 'enum' in schema || 'const' in schema;
  if (typeof type === 'string' && !hasValueList) return { ...schema, type: [type, 'null'] };
  if (Array.isArray(type) && !hasValueList) return { ...schema, type: [...type, 'null'] };
  const { description, title, default: fallback, ...inner } = schema;
  const outer: JsonSchema = { anyOf: [inner, { type: 'null' }] };
  if (description !== undefined) outer.description = description;
  if (title !== undefined) outer.title = title;
  if (fallback !== undefined) outer.default = fallback;
  return outer;
}

/** Converts one node; `root` is the original schema (for `$ref`), `path` names the node for errors. */
function strictNode(root: JsonSchema, node: unknown, path: string): JsonSchema {
  if (!isRecord(node)) {
    throw new NotStrict(`${locate(path)} is a boolean schema, which strict mode does not accept`);
  }
  const ref = node.$ref;
  if (typeof ref === 'string') {
    if (!isDefinitionRef(ref)) {
      throw new NotStrict(`${locate(path)} refers to ${ref}; strict mode only follows $defs`);
    }
    const siblings = Object.keys(node).filter((key) => key !== '$ref' && !DROPPED.has(key));
    if (siblings.length === 0) return { $ref: ref };
    // Strict mode rejects `$ref` next to other keywords: inline the target once instead.
    const target = resolveLocalRef(root, ref);
    if (target === undefined) throw new NotStrict(`${locate(path)} refers to a missing ${ref}`);
    const { $ref: _ref, ...rest } = node;
    const { $defs: _defs, definitions: _definitions, ...targetBody } = target;
    return strictNode(root, { ...targetBody, ...rest }, path);
  }

  const extra = node.additionalProperties;
  if (isObjectSchema(node) && extra !== undefined && extra !== false) {
    throw new NotStrict(
      `${locate(path)} accepts arbitrary keys (a record, passthrough or loose object); strict mode needs every key declared`,
    );
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (KEPT.has(key)) {
      out[key] = value;
    } else if (DROPPED.has(key)) {
      // Left out on purpose (see DROPPED).
    } else if (key === 'properties' || key === 'required' || key === 'additionalProperties') {
      // Handled below with the object as a whole.
    } else if (key === 'items') {
      if (!isRecord(value)) {
        throw new NotStrict(
          `${locate(path)} is a tuple; strict mode needs one schema for all items`,
        );
      }
      out.items = strictNode(root, value, `${path}[]`);
    } else if (key === 'anyOf' || key === 'oneOf') {
      if (!Array.isArray(value)) throw new NotStrict(`${locate(path)} has a malformed ${key}`);
      if (path === '')
        throw new NotStrict('the root is a union; strict mode needs an object there');
      // Strict mode has no `oneOf`; `anyOf` describes the same values to the model, and the zod
      // schema still enforces exactly-one when the arguments come back.
      out.anyOf = value.map((branch, i) => strictNode(root, branch, `${path}<${i}>`));
    } else if (key === 'allOf') {
      if (!Array.isArray(value) || value.length !== 1) {
        throw new NotStrict(
          `${locate(path)} is an intersection (allOf), which strict mode does not accept`,
        );
      }
      const { allOf: _allOf, ...rest } = node;
      return strictNode(root, { ...rest, ...(value[0] as JsonSchema) }, path);
    } else if (key === '$defs' || key === 'definitions') {
      if (!isRecord(value)) throw new NotStrict(`${locate(path)} has a malformed ${key}`);
      const defs: JsonSchema = {};
      for (const [name, def] of Object.entries(value)) {
        defs[name] = strictNode(root, def, `#/${key}/${name}`);
      }
      out[key] = defs;
    } else {
      throw new NotStrict(`${locate(path)} uses "${key}", which strict mode does not accept`);
    }
  }

  if (isObjectSchema(node)) {
    const properties = isRecord(node.properties) ? node.properties : {};
    const required = requiredOf(node);
    const strictProperties: JsonSchema = {};
    for (const [name, schema] of Object.entries(properties)) {
      const childPath = path === '' ? name : `${path}.${name}`;
      const converted = strictNode(root, schema, childPath);
      strictProperties[name] = required.has(name) ? converted : nullable(root, converted);
    }
    out.type = 'object';
    out.properties = strictProperties;
    out.required = Object.keys(strictProperties);
    out.additionalProperties = false;
  } else if (
    out.type === undefined &&
    out.anyOf === undefined &&
    out.enum === undefined &&
    !('const' in out)
  ) {
    throw new NotStrict(
      `${locate(path)} accepts any value (z.any() or z.unknown()); strict mode needs a type`,
    );
  }
  return out;
}

/**
 * Rewrites a parameters JSON Schema to the strict-mode rules of the OpenAI API: every object
 * declares all its keys as `required` with `additionalProperties: false`, at every depth; an
 * optional key becomes required and nullable. Pure: the input is not modified.
 *
 * @param schema - A parameters schema with an object at the root.
 * @returns The strict schema, or the reason the schema cannot be strict (records, open objects,
 *   intersections, tuples, `z.any()`, a union at the root).
 */
export function toStrictSchema(schema: JsonSchema): StrictConversion {
  try {
    return { ok: true, schema: strictNode(schema, schema, '') };
  } catch (error) {
    if (error instanceof NotStrict) return { ok: false, reason: error.message };
    throw error;
  }
}
