import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import type { JsonSchema } from './json-schema-utils.js';
import { requireOnNode } from './require-on-node.js';

/** ajv where it loads: on Node, on the first JSON-Schema tool (its import costs ~50 ms). */
type AjvClass = new (options: Options) => Ajv;

/** Where ajv cannot load: a runtime without Node builtins. */
export class AjvUnavailableError extends Error {
  constructor() {
    super('ajv loads on Node.js only, and this runtime has no Node builtins');
    this.name = 'AjvUnavailableError';
  }
}

function loadAjv(dialect: Dialect): { Class: AjvClass; addFormats: (ajv: Ajv) => unknown } {
  const id =
    dialect === '2020-12' ? 'ajv/dist/2020' : dialect === '2019-09' ? 'ajv/dist/2019' : 'ajv';
  const ajv = requireOnNode<{ default: AjvClass }>(id);
  // ajv-formats is CommonJS: its module object is the plugin, and `.default` is it too.
  const formats = requireOnNode<{ default: (ajv: Ajv) => unknown }>('ajv-formats');
  if (ajv === undefined || formats === undefined) throw new AjvUnavailableError();
  return { Class: ajv.default, addFormats: formats.default };
}

/** The JSON Schema dialects a tool's schema may declare in `$schema`. */
type Dialect = 'draft-07' | '2019-09' | '2020-12';

/** A compiled validator: `true`, or ajv's errors (with the data and schema of each). */
export type CompiledValidator = (value: unknown) => true | ErrorObject[];

/**
 * `allErrors` so the model hears every problem at once; `verbose` so each error carries the
 * value and schema it is about (to say what came and what was expected); `strict: false`
 * because servers send keywords ajv does not know (`x-...`, vendor annotations), which only
 * annotate; no logger, so a schema never prints; `useDefaults` so a tool gets its `default`s
 * filled in, as a zod tool does.
 */
const OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: false,
  logger: false,
  useDefaults: true,
};

/** One validator instance per dialect, made on first use (no work at import time). */
const instances = new Map<Dialect, Ajv>();

function dialectOf(schema: JsonSchema): Dialect {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('2020-12')) return '2020-12';
  if (declared.includes('2019-09')) return '2019-09';
  return 'draft-07';
}

function instanceFor(dialect: Dialect): Ajv {
  let ajv = instances.get(dialect);
  if (ajv === undefined) {
    const { Class, addFormats } = loadAjv(dialect);
    ajv = new Class(OPTIONS);
    addFormats(ajv);
    instances.set(dialect, ajv);
  }
  return ajv;
}

/**
 * Compiles a JSON Schema with ajv, in the dialect its `$schema` names (draft-07 when it names
 * none or one ajv has no class for, such as draft-04 or draft-06, whose schemas draft-07 reads).
 *
 * The compiled schema is not kept in ajv's cache: a server that changes its tools again and
 * again would otherwise grow it forever, and two tools declaring the same `$id` would collide.
 *
 * @param schema - The schema, with its `$schema` if it had one.
 * @returns The validator.
 * @throws Error whatever ajv throws for a schema it cannot compile (the caller says which tool).
 */
export function compileJsonSchema(schema: JsonSchema): CompiledValidator {
  const dialect = dialectOf(schema);
  const ajv = instanceFor(dialect);
  // draft-04 and draft-06 ids ajv does not know: read the schema as draft-07 rather than refuse it.
  const given =
    dialect === 'draft-07' && typeof schema.$schema === 'string' && !/draft-07/.test(schema.$schema)
      ? withoutDialect(schema)
      : schema;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(given);
  } finally {
    ajv.removeSchema(given);
  }
  return (value) => (validate(value) ? true : [...(validate.errors ?? [])]);
}

function withoutDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}
