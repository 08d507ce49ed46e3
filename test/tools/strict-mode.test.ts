import { ToolRegistry, toJSONSchema, tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { validateStrictSchema } from '../support/validate-request.js';

type Props = Record<string, Record<string, unknown>>;

const call = (args: unknown, name = 't') => ({
  id: 'call_1',
  name,
  arguments: JSON.stringify(args),
});

/** Runs a tool that echoes the arguments it received. */
async function received(parameters: Parameters<typeof tool>[0]['parameters'], args: unknown) {
  const echo = tool({ name: 't', description: 'echo', parameters, execute: (a) => a });
  const outcome = await new ToolRegistry([echo]).execute(call(args));
  if (!outcome.ok) throw new Error(outcome.output);
  return outcome.value as Record<string, unknown>;
}

describe('strict auto: optional fields become required and nullable', () => {
  it.each([
    [
      'zod v4',
      z.object({
        city: z.string(),
        unit: z.enum(['c', 'f']).optional(),
        days: z.number().default(3),
      }),
    ],
    [
      'zod v3',
      z3.object({
        city: z3.string(),
        unit: z3.enum(['c', 'f']).optional(),
        days: z3.number().default(3),
      }),
    ],
  ] as const)('%s', (_label, parameters) => {
    const { schema, strict } = toJSONSchema(parameters);
    expect(strict).toBe(true);
    expect(schema.required).toEqual(['city', 'unit', 'days']);
    expect(schema.additionalProperties).toBe(false);
    const props = schema.properties as Props;
    expect(props.city).toEqual({ type: 'string' });
    expect(props.unit).toEqual({ anyOf: [{ type: 'string', enum: ['c', 'f'] }, { type: 'null' }] });
    expect(props.days).toMatchObject({ type: ['number', 'null'], default: 3 });
  });

  it('applies at every depth: nested objects, array items, union branches', () => {
    const { schema, strict } = toJSONSchema(
      z.object({
        filter: z.object({ from: z.string().optional() }),
        stops: z.array(z.object({ name: z.string(), note: z.string().optional() })),
        target: z.union([z.object({ id: z.string() }), z.object({ query: z.string().optional() })]),
      }),
    );
    expect(strict).toBe(true);
    const props = schema.properties as Props;
    expect(props.filter).toEqual({
      type: 'object',
      properties: { from: { type: ['string', 'null'] } },
      required: ['from'],
      additionalProperties: false,
    });
    expect(props.stops?.items).toMatchObject({
      required: ['name', 'note'],
      additionalProperties: false,
    });
    expect((props.target!.anyOf as Props[])[1]).toMatchObject({
      required: ['query'],
      additionalProperties: false,
    });
  });

  it('a field that is already nullable and optional is not wrapped twice', () => {
    const { schema } = toJSONSchema(z.object({ a: z.string().nullable().optional() }));
    expect((schema.properties as Props).a).toEqual({ type: ['string', 'null'] });
  });
});

describe('strict auto: nulls sent back arrive as undefined, defaults apply', () => {
  it.each([
    [
      'zod v4',
      z.object({
        city: z.string(),
        unit: z.enum(['c', 'f']).optional(),
        days: z.number().default(3),
      }),
    ],
    [
      'zod v3',
      z3.object({
        city: z3.string(),
        unit: z3.enum(['c', 'f']).optional(),
        days: z3.number().default(3),
      }),
    ],
  ] as const)('%s', async (_label, parameters) => {
    const args = await received(parameters, { city: 'Oslo', unit: null, days: null });
    expect(args).toEqual({ city: 'Oslo', days: 3 });
    expect('unit' in args).toBe(false);
  });

  it('at every depth, in array items and in the matching union branch', async () => {
    const args = await received(
      z.object({
        filter: z.object({ from: z.string().optional(), limit: z.number().default(10) }),
        stops: z.array(z.object({ name: z.string(), note: z.string().optional() })),
        target: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('id'), id: z.string() }),
          z.object({ kind: z.literal('query'), query: z.string().optional() }),
        ]),
      }),
      {
        filter: { from: null, limit: null },
        stops: [
          { name: 'a', note: null },
          { name: 'b', note: 'x' },
        ],
        target: { kind: 'query', query: null },
      },
    );
    expect(args).toEqual({
      filter: { limit: 10 },
      stops: [{ name: 'a' }, { name: 'b', note: 'x' }],
      target: { kind: 'query' },
    });
  });

  it('keeps null where the schema itself accepts null, and for required fields', async () => {
    const nullable = await received(z.object({ a: z.string().nullable().optional() }), { a: null });
    expect(nullable).toEqual({ a: null });
    const echo = tool({
      name: 't',
      description: '',
      parameters: z.object({ a: z.string() }),
      execute: (a) => a,
    });
    const outcome = await new ToolRegistry([echo]).execute(call({ a: null }));
    expect(outcome.error?.code).toBe('invalid_arguments');
  });
});

describe('schemas that cannot be strict are sent non-strict', () => {
  it.each([
    [
      'z.record',
      z.object({ scores: z.record(z.string(), z.number()) }),
      /scores accepts arbitrary keys/,
    ],
    ['a loose object', z.looseObject({ a: z.string() }), /the root accepts arbitrary keys/],
    ['zod v3 passthrough', z3.object({ a: z3.string() }).passthrough(), /arbitrary keys/],
    ['zod v3 record', z3.object({ m: z3.record(z3.number()) }), /m accepts arbitrary keys/],
    ['z.any()', z.object({ payload: z.any() }), /payload accepts any value/],
    ['a tuple', z.object({ pair: z.tuple([z.string(), z.number()]) }), /pair/],
    [
      'a union at the root',
      z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]),
      /root is a union/,
    ],
  ] as const)('%s', (_label, parameters, reason) => {
    const result = toJSONSchema(parameters);
    expect(result.strict).toBe(false);
    expect(result.reason).toMatch(reason);
    expect(result.schema.type).toBe('object');
    const t = tool({ name: 't', description: '', parameters, execute: () => 1 });
    expect(t.strict).toBe(false);
    expect(new ToolRegistry([t]).toOpenAITools()[0]?.function).not.toHaveProperty('strict');
  });

  it('strict: false forces non-strict on a strict-compatible schema', () => {
    const t = tool({
      name: 't',
      description: '',
      parameters: z.object({ a: z.string().optional() }),
      strict: false,
      execute: () => 1,
    });
    expect(t.strict).toBe(false);
    expect(t.jsonSchema.required).toBeUndefined();
    expect(new ToolRegistry([t]).toOpenAITools()[0]?.function.strict).toBeUndefined();
  });
});

describe('every strict schema passes the test server rules', () => {
  const schemas = {
    flat: z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }),
    nested: z.object({
      a: z.object({ b: z.object({ c: z.number().optional() }).optional() }),
      list: z.array(z.object({ x: z.boolean().default(false) })).optional(),
    }),
    unions: z.object({
      u: z.discriminatedUnion('k', [
        z.object({ k: z.literal('a') }),
        z.object({ k: z.literal('b'), n: z.number().optional() }),
      ]),
      either: z.union([z.string(), z.number()]).optional(),
    }),
    constrained: z.object({
      s: z.string().min(1).max(10),
      e: z.email(),
      n: z.number().int().min(0),
    }),
    intersection: z.intersection(
      z.object({ a: z.string() }),
      z.object({ b: z.string().optional() }),
    ),
    empty: z.object({}),
    v3: z3.object({
      city: z3.string(),
      unit: z3.enum(['c', 'f']).optional(),
      days: z3.number().default(3),
      nested: z3.object({ a: z3.array(z3.object({ b: z3.string().nullable().optional() })) }),
    }),
  };

  it.each(Object.entries(schemas))('%s', (name, parameters) => {
    const t = tool({ name, description: '', parameters, execute: () => 1 });
    const [sent] = new ToolRegistry([t]).toOpenAITools();
    expect(sent?.function.strict).toBe(true);
    expect(validateStrictSchema(sent?.function.parameters)).toBeNull();
  });

  it('the validator is not vacuous: the non-strict form of the same schema fails it', () => {
    const plain = toJSONSchema(schemas.flat, { strict: false }).schema;
    expect(validateStrictSchema(plain)).toMatch(/additionalProperties|required/);
  });
});
