import { ToolDefinitionError, toJSONSchema, tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';

/** The same parameters in zod v4 and zod v3: descriptions, an enum, a nested object, an array, a default. */
const v4 = z.object({
  city: z.string().describe('City name, e.g. Paris'),
  unit: z.enum(['c', 'f']).describe('Temperature unit'),
  days: z.number().int().default(3).describe('Forecast length'),
  where: z.object({ lat: z.number(), lon: z.number() }).describe('Coordinates'),
  tags: z.array(z.string()).describe('Labels'),
  note: z.string().optional(),
});
const v3 = z3.object({
  city: z3.string().describe('City name, e.g. Paris'),
  unit: z3.enum(['c', 'f']).describe('Temperature unit'),
  days: z3.number().int().default(3).describe('Forecast length'),
  where: z3.object({ lat: z3.number(), lon: z3.number() }).describe('Coordinates'),
  tags: z3.array(z3.string()).describe('Labels'),
  note: z3.string().optional(),
});

type Json = Record<string, unknown> & { properties: Record<string, Record<string, unknown>> };

describe.each([
  ['zod v4', v4],
  ['zod v3', v3],
] as const)('%s converts to a full JSON Schema', (_label, schema) => {
  const { schema: json } = toJSONSchema(schema, { strict: false }) as unknown as { schema: Json };

  it('is an object with every property (never the empty schema)', () => {
    expect(json.type).toBe('object');
    expect(Object.keys(json.properties)).toEqual(['city', 'unit', 'days', 'where', 'tags', 'note']);
  });

  it('keeps descriptions, enums, nested objects, arrays and defaults', () => {
    const { city, unit, days, where, tags } = json.properties;
    expect(city).toMatchObject({ type: 'string', description: 'City name, e.g. Paris' });
    expect(unit).toMatchObject({
      type: 'string',
      enum: ['c', 'f'],
      description: 'Temperature unit',
    });
    expect(days).toMatchObject({ type: 'integer', default: 3, description: 'Forecast length' });
    expect(where).toMatchObject({
      type: 'object',
      description: 'Coordinates',
      properties: { lat: { type: 'number' }, lon: { type: 'number' } },
      required: ['lat', 'lon'],
    });
    expect(tags).toMatchObject({ type: 'array', items: { type: 'string' }, description: 'Labels' });
  });

  it('lists required keys; optional and defaulted keys are not required', () => {
    expect(json.required).toEqual(['city', 'unit', 'where', 'tags']);
  });

  it('strips $schema', () => {
    expect(json).not.toHaveProperty('$schema');
    expect(toJSONSchema(schema).schema).not.toHaveProperty('$schema');
  });
});

describe('zod version detection', () => {
  it('a tool sends the converted schema to the model for both versions', () => {
    for (const parameters of [v4, v3]) {
      const t = tool({ name: 'w', description: 'd', parameters, execute: () => 'ok' });
      expect(Object.keys(t.jsonSchema.properties as object)).toHaveLength(6);
    }
  });

  it('a reused zod v3 sub-schema is inlined, not a #/properties path reference', () => {
    const point = z3.object({ x: z3.number() });
    const { schema, strict } = toJSONSchema(z3.object({ from: point, to: point }));
    expect(JSON.stringify(schema)).not.toContain('$ref');
    expect(strict).toBe(true);
    expect((schema.properties as Json['properties']).to).toMatchObject({
      type: 'object',
      properties: { x: { type: 'number' } },
    });
  });

  it('a recursive zod v4 schema refers through $defs and stays strict', () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.object({
      name: z.string(),
      get children() {
        return z.array(node);
      },
    });
    const { schema, strict } = toJSONSchema(z.object({ root: node }));
    expect(strict).toBe(true);
    expect(JSON.stringify(schema)).toContain('#/$defs/');
  });

  it('a z.coerce.date() is described as a date-time string; a plain z.date() is refused', () => {
    const ok = toJSONSchema(z.object({ at: z.coerce.date() }), { strict: false });
    expect((ok.schema.properties as Json['properties']).at).toEqual({
      type: 'string',
      format: 'date-time',
    });
    expect(() => toJSONSchema(z.object({ at: z.date() }))).toThrow(/date at properties\.at/);
  });

  it('the result is a copy: editing it does not change what the tool sends', () => {
    const first = toJSONSchema(v4);
    (first.schema.properties as Record<string, unknown>).city = 'changed';
    expect((toJSONSchema(v4).schema.properties as Json['properties']).city).toMatchObject({
      type: 'string',
    });
  });

  it('a non-zod value is invalid_parameters', () => {
    const error = (() => {
      try {
        toJSONSchema({ type: 'object' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ToolDefinitionError);
    expect(error).toMatchObject({ code: 'invalid_parameters' });
    expect((error as Error).message).toMatch(/expected a zod object schema.*not a zod schema/);
  });
});
