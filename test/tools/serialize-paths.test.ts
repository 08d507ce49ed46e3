/**
 * serializeToolValue writes with native JSON and a replacer, and falls back to a safe path only
 * when JSON throws (a cycle, a throwing getter or toJSON). Both must write the same text for
 * every value JSON can write, so which path ran never shows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeSafely, serializeToolValue } from '../../packages/tools/src/format-output.js';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

const leaf = fc.oneof(
  fc.anything({
    withBigInt: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withTypedArray: true,
    withNullPrototype: true,
    withBoxedValues: true,
    withSparseArray: true,
    withObjectString: true,
  }),
  fc.tuple(fc.string(), fc.anything()).map(([message, cause]) => new Error(message, { cause })),
  fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => new Point(x, y)),
  fc.anything().map((inner) => ({ toJSON: (key: string) => ({ key, inner }) })),
  fc.anything().map((inner) => Object.assign(() => inner, { toJSON: () => inner })),
);
const value = fc.oneof(leaf, fc.array(leaf), fc.dictionary(fc.string(), leaf));

describe('serializeToolValue', () => {
  it('writes what the safe path writes, for any value without cycles', () => {
    fc.assert(
      fc.property(value, (v) => {
        // A string result is sent as it is, not as JSON; that rule is tested elsewhere.
        fc.pre(typeof v !== 'string');
        expect(serializeToolValue(v)).toBe(serializeSafely(v));
      }),
      { numRuns: 3_000 },
    );
  });

  it('passes toJSON its key, as JSON does, on both paths', () => {
    const v = {
      a: { toJSON: (key: string) => `key=${key}` },
      list: [{ toJSON: (k: string) => k }],
    };
    expect(serializeToolValue(v)).toBe('{"a":"key=a","list":["0"]}');
    expect(serializeSafely(v)).toBe('{"a":"key=a","list":["0"]}');
  });

  it('honours a BigInt.prototype.toJSON the program installed, on both paths', () => {
    const proto = BigInt.prototype as unknown as { toJSON?: () => unknown };
    proto.toJSON = function (this: bigint) {
      return Number(this);
    };
    try {
      expect(serializeToolValue({ n: 12n })).toBe('{"n":12}');
      expect(serializeSafely({ n: 12n })).toBe('{"n":12}');
    } finally {
      delete proto.toJSON;
    }
    expect(serializeToolValue({ n: 12n })).toBe('{"n":"12"}');
  });

  it('falls back for cycles and throwing getters, marking only the bad part', () => {
    const cyclic: Record<string, unknown> = { name: 'loop', tags: new Set(['a']) };
    cyclic.self = cyclic;
    expect(serializeToolValue(cyclic)).toBe('{"name":"loop","tags":["a"],"self":"[Circular]"}');
    const error = new Error('outer');
    (error as Error & { cause: unknown }).cause = error;
    expect(serializeToolValue(error)).toBe(
      '{"name":"Error","message":"outer","cause":"[Circular]"}',
    );
    const getter = {
      ok: 1,
      get bad(): number {
        throw new Error('no');
      },
    };
    expect(serializeToolValue(getter)).toBe('{"ok":1,"bad":"[Unserializable: no]"}');
  });
});
