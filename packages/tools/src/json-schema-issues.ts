import type { ErrorObject } from 'ajv';
import { isRecord } from './json-schema-utils.js';
import type { StandardIssue } from './types.js';

/** Clips a value shown in a message. */
function show(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The JSON type of a value, as the model knows them: `array`, `null`, `string`, ... */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === undefined) return 'undefined';
  return typeof value;
}

/** What a schema node expects, for a missing key: `string`, `string or number`, `one of "a", "b"`. */
function expectedOf(schema: unknown): string {
  if (!isRecord(schema)) return 'a value';
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => show(v)).join(', ')}`;
  if ('const' in schema) return show(schema.const);
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  return 'a value';
}

/** Decodes an ajv `instancePath` (a JSON Pointer) into path segments, numbers for indices. */
function pathOf(pointer: string): PropertyKey[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(?:0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

/** Says one ajv error the way zod tools say theirs: what was expected, what came. */
function describe(error: ErrorObject): { path: PropertyKey[]; message: string } {
  const path = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const received = `received ${show(error.data)}`;
  switch (error.keyword) {
    case 'type':
      return {
        path,
        message: `expected ${String(params.type).replace(/,/g, ' or ')}, received ${jsonTypeOf(error.data)}`,
      };
    case 'required': {
      const key = String(params.missingProperty);
      const properties = isRecord(error.parentSchema) ? error.parentSchema.properties : undefined;
      const expected = expectedOf(isRecord(properties) ? properties[key] : undefined);
      return { path: [...path, key], message: `expected ${expected}, received undefined` };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const properties = isRecord(error.parentSchema) ? error.parentSchema.properties : undefined;
      const known = isRecord(properties) ? Object.keys(properties) : [];
      const allowed =
        known.length > 0 ? `expected only ${known.join(', ')}` : 'expected no other keys';
      return { path, message: `unrecognized key ${show(key)}: ${allowed}` };
    }
    case 'enum':
      return {
        path,
        message: `expected one of ${(params.allowedValues as unknown[]).map((v) => show(v)).join(', ')}, ${received}`,
      };
    case 'const':
      return { path, message: `expected ${show(params.allowedValue)}, ${received}` };
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum': {
      const size = error.keyword.includes('aximum') ? 'too big' : 'too small';
      return {
        path,
        message: `${size}: expected number to be ${String(params.comparison)}${String(params.limit)}, ${received}`,
      };
    }
    case 'maxLength':
    case 'minLength': {
      const size = error.keyword === 'maxLength' ? 'too big' : 'too small';
      const sign = error.keyword === 'maxLength' ? '<=' : '>=';
      return {
        path,
        message: `${size}: expected string to have ${sign}${String(params.limit)} characters, ${received}`,
      };
    }
    case 'maxItems':
    case 'minItems': {
      const size = error.keyword === 'maxItems' ? 'too big' : 'too small';
      const sign = error.keyword === 'maxItems' ? '<=' : '>=';
      return {
        path,
        message: `${size}: expected array to have ${sign}${String(params.limit)} items, received ${Array.isArray(error.data) ? error.data.length : jsonTypeOf(error.data)}`,
      };
    }
    case 'pattern':
      return { path, message: `expected string to match /${String(params.pattern)}/, ${received}` };
    case 'format':
      return {
        path,
        message: `expected a string in the "${String(params.format)}" format, ${received}`,
      };
    case 'anyOf':
    case 'oneOf':
      return {
        path,
        message: `expected a value matching ${error.keyword === 'oneOf' ? 'exactly one' : 'one'} of the allowed schemas, ${received}`,
      };
    default:
      return { path, message: `expected a value that ${error.message ?? 'is valid'}, ${received}` };
  }
}

/**
 * Turns ajv's errors into the issues zod tools report, so a JSON-Schema tool tells the model the
 * same things: the path that failed (`items[0].name`), what was expected and what came
 * (`expected string, received number`). ajv adds an `if` error after the branch that failed;
 * that one says nothing more and is left out.
 *
 * @param errors - ajv's errors, from a validator compiled with `verbose` and `allErrors`.
 * @returns One issue per error, in ajv's order.
 */
export function issuesOfJsonSchemaErrors(errors: ReadonlyArray<ErrorObject>): StandardIssue[] {
  return errors.filter((error) => error.keyword !== 'if').map((error) => describe(error));
}
