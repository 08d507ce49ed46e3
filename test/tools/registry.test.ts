import { parseToolArguments, ToolRegistry, tool } from '@agentloop/tools';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { validateTools } from '../support/validate-tools.js';

const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }),
  execute: async ({ city, unit }) => ({ city, unit: unit ?? 'c', tempC: 21 }),
});
const lookup = tool({
  name: 'lookup',
  description: '',
  parameters: z3.object({ data: z3.record(z3.string()) }),
  execute: ({ data }) => Object.keys(data).length,
});

describe('ToolOutcome carries toolCallId, name, ok, output, value, error, durationMs', () => {
  it('on success', async () => {
    const outcome = await new ToolRegistry([weather]).execute({
      id: 'call_abc',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
    expect(outcome).toEqual({
      toolCallId: 'call_abc',
      name: 'get_weather',
      ok: true,
      output: '{"city":"Oslo","unit":"c","tempC":21}',
      value: { city: 'Oslo', unit: 'c', tempC: 21 },
      args: { city: 'Oslo' },
      durationMs: expect.any(Number),
    });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(outcome.error).toBeUndefined();
  });

  it('on failure', async () => {
    const outcome = await new ToolRegistry([weather]).execute({
      id: 'call_def',
      name: 'get_weather',
      arguments: '{"city":1}',
    });
    expect(outcome).toEqual({
      toolCallId: 'call_def',
      name: 'get_weather',
      ok: false,
      output: expect.stringMatching(/^Error: invalid arguments for tool "get_weather"/),
      args: { city: 1 },
      error: { code: 'invalid_arguments', message: 'city: expected string, received number' },
      durationMs: expect.any(Number),
    });
    expect(outcome.value).toBeUndefined();
  });

  it('durationMs orders a slow tool after a fast one', async () => {
    const wait = (name: string, ms: number) =>
      tool({
        name,
        description: '',
        parameters: z.object({}),
        execute: () => new Promise((resolve) => setTimeout(() => resolve(ms), ms)),
      });
    // A fake clock (performance.now too): each duration is exactly the time the tool took.
    vi.useFakeTimers();
    try {
      const registry = new ToolRegistry([wait('fast', 1), wait('slow', 60)]);
      const both = Promise.all([
        registry.execute({ id: '1', name: 'fast', arguments: '{}' }),
        registry.execute({ id: '2', name: 'slow', arguments: '{}' }),
      ]);
      await vi.advanceTimersByTimeAsync(60);
      const [fast, slow] = await both;
      expect(fast?.durationMs).toBe(1);
      expect(slow?.durationMs).toBe(60);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ToolRegistry', () => {
  it('register, get, has, list and size', () => {
    const registry = new ToolRegistry();
    expect(registry.register(weather)).toBe(registry);
    registry.register(lookup);
    expect(registry.get('get_weather')).toBe(weather);
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.has('lookup')).toBe(true);
    expect(registry.has('nope')).toBe(false);
    expect(registry.list().map((t) => t.name)).toEqual(['get_weather', 'lookup']);
    expect(registry.size).toBe(2);
  });

  it('toOpenAITools: function tools, strict only where the schema allows, accepted by the test server', () => {
    const sent = new ToolRegistry([weather, lookup]).toOpenAITools();
    expect(sent[0]).toEqual({
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string' },
            unit: { anyOf: [{ type: 'string', enum: ['c', 'f'] }, { type: 'null' }] },
          },
          required: ['city', 'unit'],
          additionalProperties: false,
        },
        strict: true,
      },
    });
    expect(sent[1]?.function).not.toHaveProperty('strict');
    expect(sent[1]?.function).not.toHaveProperty('description');
    expect(sent[1]?.function.parameters).toMatchObject({ type: 'object', required: ['data'] });
    expect(validateTools(sent)).toBeNull();
  });

  it('toOpenAITools returns copies: editing them does not change the registry', () => {
    const registry = new ToolRegistry([weather]);
    const [first] = registry.toOpenAITools();
    (first?.function.parameters as Record<string, unknown>).required = [];
    expect(registry.toOpenAITools()[0]?.function.parameters?.required).toEqual(['city', 'unit']);
  });

  it('tools are frozen descriptions', () => {
    expect(Object.isFrozen(weather)).toBe(true);
    expect(weather).toMatchObject({ name: 'get_weather', strict: true, timeoutMs: undefined });
  });
});

describe('arguments parsed by the caller', () => {
  it('are validated but not parsed again, by the same rule as parseToolArguments', async () => {
    const seen: unknown[] = [];
    const echo = tool({
      name: 'echo',
      description: 'Echoes',
      parameters: z.object({ n: z.number().default(1) }),
      execute: async (args) => {
        seen.push(args);
        return 'ok';
      },
    });
    const registry = new ToolRegistry([echo]);
    expect(parseToolArguments('  ')).toEqual({ ok: true, value: {} });
    // The raw text is not looked at when args are given: it is not even JSON here.
    const outcome = await registry.execute(
      { id: 'c1', name: 'echo', arguments: 'not json' },
      { args: { n: 2 } },
    );
    expect(outcome.ok).toBe(true);
    const invalid = await registry.execute(
      { id: 'c2', name: 'echo', arguments: '{"n": 3}' },
      { args: { n: 'two' } },
    );
    expect(invalid.error?.code).toBe('invalid_arguments');
    expect(seen).toEqual([{ n: 2 }]);
  });
});

describe('approval and idempotency settings', () => {
  it('a tool keeps needsApproval and idempotent, false by default', () => {
    const plain = tool({
      name: 'plain',
      description: 'd',
      parameters: z.object({}),
      execute: () => 'x',
    });
    expect([plain.needsApproval, plain.idempotent]).toEqual([false, false]);
    const check = (args: { n: number }) => args.n > 1;
    const gated = tool({
      name: 'gated',
      description: 'd',
      parameters: z.object({ n: z.number() }),
      needsApproval: check,
      idempotent: true,
      execute: () => 'x',
    });
    expect(gated.needsApproval).toBe(check);
    expect(gated.idempotent).toBe(true);
  });

  it('ctx.idempotencyKey is the run id and call id, or the call id outside a run', async () => {
    const keys: string[] = [];
    const registry = new ToolRegistry([
      tool({
        name: 'k',
        description: 'd',
        parameters: z.object({}),
        execute: (_args, ctx) => keys.push(ctx.idempotencyKey),
      }),
    ]);
    await registry.execute({ id: 'call_1', name: 'k', arguments: '{}' }, { runId: 'run_9' });
    await registry.execute({ id: 'call_2', name: 'k', arguments: '{}' });
    expect(keys).toEqual(['run_9:call_1', 'call_2']);
  });
});
