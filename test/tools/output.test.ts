import { DEFAULT_MAX_OUTPUT_CHARS, formatToolOutput, ToolRegistry, tool } from '@agentloop/tools';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** Runs a tool returning `value` through a registry and gives back the outcome. */
async function outcomeOf(value: unknown, options: { tool?: number; registry?: number } = {}) {
  const t = tool({
    name: 'give',
    description: '',
    parameters: z.object({}),
    execute: () => value,
    ...(options.tool ? { maxOutputChars: options.tool } : {}),
  });
  const registry = new ToolRegistry(
    [t],
    options.registry ? { maxOutputChars: options.registry } : {},
  );
  return registry.execute({ id: 'c', name: 'give', arguments: '{}' });
}

describe('output serialisation', () => {
  it('a string passes through as is', async () => {
    const text = '  line 1\n"quoted" {not json}  ';
    expect((await outcomeOf(text)).output).toBe(text);
  });

  it('other values become JSON, and value keeps the raw result', async () => {
    const result = { tempC: 21, tags: ['a'], ok: true, none: null };
    const outcome = await outcomeOf(result);
    expect(outcome.output).toBe('{"tempC":21,"tags":["a"],"ok":true,"none":null}');
    expect(outcome.value).toBe(result);
    expect((await outcomeOf(42)).output).toBe('42');
    expect((await outcomeOf(false)).output).toBe('false');
  });

  it('undefined becomes null; undefined fields are left out as JSON does', async () => {
    expect((await outcomeOf(undefined)).output).toBe('null');
    expect((await outcomeOf({ a: undefined, b: 1, f: () => 1 })).output).toBe('{"b":1}');
    expect((await outcomeOf([undefined, 1])).output).toBe('[null,1]');
  });

  it('a circular structure does not throw; the cycle is marked', async () => {
    const node: Record<string, unknown> = { name: 'root', list: [] };
    node.self = node;
    (node.list as unknown[]).push(node);
    const outcome = await outcomeOf(node);
    expect(outcome.ok).toBe(true);
    expect(outcome.output).toBe('{"name":"root","list":["[Circular]"],"self":"[Circular]"}');
  });

  it('a shared, non-circular object is repeated, not marked circular', () => {
    const shared = { x: 1 };
    expect(formatToolOutput({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('BigInt becomes a decimal string', async () => {
    expect((await outcomeOf({ big: 12345678901234567890n })).output).toBe(
      '{"big":"12345678901234567890"}',
    );
    expect((await outcomeOf(7n)).output).toBe('"7"');
  });

  it('Error, Map, Set and Date are meaningful', () => {
    const error = Object.assign(new RangeError('too far', { cause: new Error('root cause') }), {
      code: 'E_FAR',
    });
    expect(JSON.parse(formatToolOutput({ error }))).toEqual({
      error: {
        name: 'RangeError',
        message: 'too far',
        code: 'E_FAR',
        cause: { name: 'Error', message: 'root cause' },
      },
    });
    expect(formatToolOutput(new Map([['a', 1]]))).toBe('{"a":1}');
    expect(formatToolOutput(new Set([1, 2]))).toBe('[1,2]');
    expect(formatToolOutput(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it('a getter or toJSON that throws does not break the output', () => {
    const hostile = {
      ok: 1,
      get bad() {
        throw new Error('no access');
      },
    };
    expect(formatToolOutput(hostile)).toBe('{"ok":1,"bad":"[Unserializable: no access]"}');
    expect(
      formatToolOutput({
        toJSON: () => {
          throw new Error('nope');
        },
      }),
    ).toBe('"[Unserializable: nope]"');
  });

  it('never throws for arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true }),
        (value) => {
          expect(typeof formatToolOutput(value)).toBe('string');
        },
      ),
    );
  });
});

describe('output limit', () => {
  it('the documented default is 20,000 characters', async () => {
    expect(DEFAULT_MAX_OUTPUT_CHARS).toBe(20_000);
    const outcome = await outcomeOf('x'.repeat(30_000));
    expect(outcome.output.length).toBeLessThanOrEqual(20_000);
    expect(outcome.output).toMatch(/\n…\[truncated: 10044 of 30000 characters cut\]$/);
    expect(outcome.output.startsWith('x'.repeat(19_956))).toBe(true);
    expect(outcome.value).toHaveLength(30_000);
  });

  it('an output at the limit is not cut', async () => {
    expect((await outcomeOf('y'.repeat(20_000))).output).toBe('y'.repeat(20_000));
  });

  it('is settable on the registry; the tool setting wins', async () => {
    const text = 'z'.repeat(1_000);
    const byRegistry = await outcomeOf(text, { registry: 200 });
    expect(byRegistry.output.length).toBeLessThanOrEqual(200);
    expect(byRegistry.output).toMatch(/truncated: \d+ of 1000 characters cut/);
    const byTool = await outcomeOf(text, { registry: 200, tool: 500 });
    expect(byTool.output.length).toBeLessThanOrEqual(500);
    expect(byTool.output.length).toBeGreaterThan(400);
    const unlimited = await outcomeOf(text, { registry: 200, tool: Number.POSITIVE_INFINITY });
    expect(unlimited.output).toBe(text);
  });

  it('applies to JSON output and error output too', async () => {
    expect(
      (await outcomeOf({ list: Array.from({ length: 500 }, (_, i) => i) }, { tool: 100 })).output,
    ).toMatch(/truncated/);
    const throwing = tool({
      name: 'boom',
      description: '',
      parameters: z.object({}),
      maxOutputChars: 100,
      execute: () => {
        throw new Error('e'.repeat(1_000));
      },
    });
    const outcome = await new ToolRegistry([throwing]).execute({
      id: 'c',
      name: 'boom',
      arguments: '{}',
    });
    expect(outcome.output.length).toBeLessThanOrEqual(100);
    expect(outcome.output).toMatch(/truncated/);
  });

  it('never splits a surrogate pair at the cut', () => {
    const emoji = '😀'.repeat(100);
    for (const max of [61, 62, 63]) {
      const out = formatToolOutput(emoji, { maxChars: max });
      const kept = out.slice(0, out.indexOf('\n…['));
      expect(kept.length % 2).toBe(0);
      expect(out).toContain(`truncated: ${200 - kept.length} of 200 characters cut`);
    }
  });

  it('the cut count is exact and a surrogate pair is never split', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 0, maxLength: 400 }),
        fc.integer({ min: 60, max: 300 }),
        (text, max) => {
          const out = formatToolOutput(text, { maxChars: max });
          if (text.length <= max) {
            expect(out).toBe(text);
            return;
          }
          const match = /\n…\[truncated: (\d+) of (\d+) characters cut\]$/.exec(out);
          expect(match).not.toBeNull();
          const kept = out.slice(0, out.length - (match?.[0].length ?? 0));
          expect(Number(match?.[1])).toBe(text.length - kept.length);
          expect(text.startsWith(kept)).toBe(true);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(/[\uD800-\uDBFF]$/.test(kept)).toBe(false);
        },
      ),
    );
  });
});
