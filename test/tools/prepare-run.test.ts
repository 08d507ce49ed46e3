/**
 * Issue 11, point 20: `ToolRegistry.prepare` validates a call without running it (so an agent
 * can show and approve the arguments the tool will really get), and `ToolRegistry.run` runs the
 * prepared call. `execute` is the two in one and behaves as before.
 */
import { ToolRegistry, tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function registry() {
  const ran: unknown[] = [];
  const weather = tool({
    name: 'get_weather',
    description: 'Weather',
    parameters: z.object({
      city: z.string(),
      unit: z.enum(['C', 'F']).optional(),
      days: z.number().default(1),
    }),
    execute: (args, ctx) => {
      ran.push({ args, context: ctx.context, runId: ctx.runId });
      return `${args.city} for ${args.days}`;
    },
  });
  const slowCheck = tool({
    name: 'checked',
    description: 'Async refinement',
    parameters: z.object({ n: z.number() }).refine(async (v) => v.n > 0, 'n must be positive'),
    execute: ({ n }) => n * 2,
  });
  return { registry: new ToolRegistry<{ user: string }>([weather, slowCheck]), ran };
}

describe('ToolRegistry.prepare', () => {
  it('validates without running: strict nulls dropped, defaults applied, synchronously for zod', () => {
    const { registry: r, ran } = registry();
    const prepared = r.prepare({
      id: 'c1',
      name: 'get_weather',
      arguments: '{"city":"Oslo","unit":null}',
    });
    // A sync schema prepares without a promise.
    expect(prepared).not.toBeInstanceOf(Promise);
    expect(prepared).toMatchObject({ ok: true, args: { city: 'Oslo', days: 1 } });
    expect((prepared as { args: object }).args).not.toHaveProperty('unit');
    expect(ran).toEqual([]);
  });

  it('gives the same failed outcomes as execute for an unknown tool, bad JSON and invalid args', async () => {
    const { registry: r, ran } = registry();
    const calls = [
      { id: 'a', name: 'nope', arguments: '{}' },
      { id: 'b', name: 'get_weather', arguments: '{"city":' },
      { id: 'c', name: 'get_weather', arguments: '{"city":3}' },
      { id: 'd', name: 'get_weather', arguments: '[1]' },
      { id: 'e', name: 'checked', arguments: '{"n":-1}' },
    ];
    for (const call of calls) {
      const prepared = await r.prepare(call);
      const executed = await r.execute(call);
      expect(prepared.ok).toBe(false);
      expect({ ...prepared, durationMs: 0 }).toEqual({ ...executed, durationMs: 0 });
    }
    expect(ran).toEqual([]);
  });

  it('validates given args instead of parsing the call (e.g. an approval rewrite)', async () => {
    const { registry: r } = registry();
    const call = { id: 'c1', name: 'get_weather', arguments: 'not json' };
    expect(await r.prepare(call, { args: { city: 'Bergen' } })).toMatchObject({
      ok: true,
      args: { city: 'Bergen', days: 1 },
    });
    expect(await r.prepare(call, { args: { city: 1 } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_arguments' },
    });
  });

  it('resolves asynchronously for an async schema', async () => {
    const { registry: r } = registry();
    const preparing = r.prepare({ id: 'c', name: 'checked', arguments: '{"n":2}' });
    expect(preparing).toBeInstanceOf(Promise);
    expect(await preparing).toMatchObject({ ok: true, args: { n: 2 } });
  });
});

describe('ToolRegistry.run', () => {
  it('runs a prepared call with its validated args, context and run id', async () => {
    const { registry: r, ran } = registry();
    const prepared = await r.prepare({
      id: 'c1',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
    if (!prepared.ok) throw new Error('expected a prepared call');
    const outcome = await r.run(prepared, { context: { user: 'ann' }, runId: 'run_1' });
    expect(outcome).toMatchObject({
      toolCallId: 'c1',
      name: 'get_weather',
      ok: true,
      output: 'Oslo for 1',
      args: { city: 'Oslo', days: 1 },
    });
    expect(ran).toEqual([
      { args: { city: 'Oslo', days: 1 }, context: { user: 'ann' }, runId: 'run_1' },
    ]);
  });

  it('resolves an aborted run as `aborted`', async () => {
    const { registry: r } = registry();
    const prepared = await r.prepare({ id: 'c1', name: 'checked', arguments: '{"n":1}' });
    if (!prepared.ok) throw new Error('expected a prepared call');
    const outcome = await r.run(prepared, { signal: AbortSignal.abort() });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'aborted' } });
  });
});
