import { normalizeStrictNulls } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

describe('normalizeStrictNulls', () => {
  it('turns nulls of optional fields into absent fields, at depth, and leaves required nulls', () => {
    const schema = z.object({
      a: z.string().optional(),
      b: z.string().nullable(),
      nested: z.object({ c: z.number().default(3) }),
    });
    const value = { a: null, b: null, nested: { c: null } };
    expect(normalizeStrictNulls(schema, value)).toEqual({ b: null, nested: {} });
    expect(schema.parse(normalizeStrictNulls(schema, value))).toEqual({
      b: null,
      nested: { c: 3 },
    });
    // Pure: the input is unchanged.
    expect(value).toEqual({ a: null, b: null, nested: { c: null } });
  });
});
