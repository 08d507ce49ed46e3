import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import {
  jsonSchemaTool,
  type ToolCall,
  ToolDefinitionError,
  ToolRegistry,
  toJSONSchema,
  tool,
} from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateTools } from '../support/validate-tools.js';

const call = (name: string, args: unknown): ToolCall => ({
  id: 'call_1',
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});

const weatherSchema = {
  type: 'object',
  properties: {
    city: { type: 'string', description: 'City name' },
    days: { type: 'integer', maximum: 7, default: 1 },
    unit: { enum: ['c', 'f'] },
    stops: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
  },
  required: ['city'],
  additionalProperties: false,
};

const weather = jsonSchemaTool<{ city: string; days: number; unit?: 'c' | 'f' }>({
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: weatherSchema,
  execute: ({ city, days, unit }) => ({ city, days, unit: unit ?? 'c' }),
});

/** The same tool with zod, to compare messages with. */
const zodWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({
    city: z.string(),
    days: z.number().int().max(7).default(1),
    unit: z.enum(['c', 'f']).optional(),
    stops: z.array(z.object({ name: z.string() })).optional(),
  }),
  execute: ({ city, days, unit }) => ({ city, days, unit: unit ?? 'c' }),
});

describe('jsonSchemaTool', () => {
  it('validates with ajv, fills in defaults, and runs', async () => {
    const outcome = await new ToolRegistry([weather]).execute(
      call('get_weather', { city: 'Oslo' }),
    );
    expect(outcome).toMatchObject({ ok: true, args: { city: 'Oslo', days: 1 } });
    expect(outcome.output).toBe('{"city":"Oslo","days":1,"unit":"c"}');
  });

  it('names each failing path and what was expected, as a zod tool does', async () => {
    const bad = { city: 42, days: 9, stops: [{ name: 'a' }, { name: false }] };
    const [json, zod] = await Promise.all([
      new ToolRegistry([weather]).execute(call('get_weather', bad)),
      new ToolRegistry([zodWeather]).execute(call('get_weather', bad)),
    ]);
    expect(json.error?.code).toBe('invalid_arguments');
    expect(json.output).toBe(
      'Error: invalid arguments for tool "get_weather": city: expected string, received number; ' +
        'days: too big: expected number to be <=7, received 9; stops[1].name: expected string, received boolean. ' +
        'Fix the arguments and call the tool again.',
    );
    // The same paths and the same "expected ..., received ..." as zod's.
    for (const part of [
      'city: expected string, received number',
      'days: too big: expected number to be <=7',
      'stops[1].name: expected string, received boolean',
    ]) {
      expect(zod.output).toContain(part);
      expect(json.output).toContain(part);
    }
  });

  it('says what a missing key, an unknown key, a wrong enum value and a bad format should be', async () => {
    const registry = new ToolRegistry([
      weather,
      jsonSchemaTool({
        name: 'mail',
        description: '',
        inputSchema: {
          type: 'object',
          properties: {
            to: { type: 'string', format: 'email' },
            subject: { type: 'string', minLength: 3, pattern: '^[A-Z]' },
          },
          required: ['to', 'subject'],
        },
        execute: () => 'sent',
      }),
    ]);
    const weatherOutcome = await registry.execute(call('get_weather', { unit: 'k', extra: 1 }));
    expect(weatherOutcome.error?.message).toBe(
      'city: expected string, received undefined; (root): unrecognized key "extra": expected only city, days, unit, stops; unit: expected one of "c", "f", received "k"',
    );
    const mail = await registry.execute(call('mail', { to: 'nobody', subject: 'hi' }));
    expect(mail.error?.message).toBe(
      'to: expected a string in the "email" format, received "nobody"; ' +
        'subject: too small: expected string to have >=3 characters, received "hi"; subject: expected string to match /^[A-Z]/, received "hi"',
    );
  });

  it('is sent strict when the schema can be made strict, and the nulls strict mode sends come back absent', async () => {
    expect(weather.strict).toBe(true);
    const sent = new ToolRegistry([weather]).toOpenAITools();
    expect(validateTools(sent)).toBeNull();
    expect(sent[0]?.function).toMatchObject({
      strict: true,
      parameters: {
        required: ['city', 'days', 'unit', 'stops'],
        additionalProperties: false,
        properties: {
          city: { type: 'string', description: 'City name' },
          unit: { anyOf: [{ enum: ['c', 'f'] }, { type: 'null' }] },
        },
      },
    });
    // A strict model sends null for what it leaves out; the tool sees the key absent, its default applied.
    const outcome = await new ToolRegistry([weather]).execute(
      call('get_weather', { city: 'Oslo', days: null, unit: null, stops: null }),
    );
    expect(outcome).toMatchObject({ ok: true, args: { city: 'Oslo', days: 1 } });
    expect(outcome.args).not.toHaveProperty('unit');
  });

  it('is sent as it is, not strict, when it cannot be strict; strict: true then throws', () => {
    const open = { type: 'object', properties: { tags: { type: 'object' } } } as const;
    const loose = jsonSchemaTool({
      name: 'tag',
      description: '',
      inputSchema: {
        type: 'object',
        properties: { a: { type: 'string' } },
        additionalProperties: true,
      },
      execute: () => 'ok',
    });
    expect(loose.strict).toBe(false);
    expect(loose.jsonSchema).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      additionalProperties: true,
    });
    expect(() =>
      jsonSchemaTool({
        name: 'tag',
        description: '',
        inputSchema: { ...open, additionalProperties: { type: 'string' } },
        strict: true,
        execute: () => 'ok',
      }),
    ).toThrow(expect.objectContaining({ code: 'strict_incompatible', toolName: 'tag' }));
    // `$schema` never goes to the model; the schema given is not changed.
    const dialect = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { a: { type: 'string' } },
    };
    const t = jsonSchemaTool({
      name: 't',
      description: '',
      inputSchema: dialect,
      execute: () => 1,
    });
    expect(t.jsonSchema).not.toHaveProperty('$schema');
    expect(toJSONSchema(t.parameters, { strict: false }).schema).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
    expect(dialect.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('reads 2020-12, 2019-09, draft-07 and draft-04 schemas', async () => {
    const schemas = [
      'https://json-schema.org/draft/2020-12/schema',
      'https://json-schema.org/draft/2019-09/schema',
      'http://json-schema.org/draft-07/schema#',
      'http://json-schema.org/draft-04/schema#',
    ];
    for (const [i, $schema] of schemas.entries()) {
      const t = jsonSchemaTool({
        name: `t${i}`,
        description: '',
        inputSchema: { $schema, type: 'object', properties: { n: { type: 'number' } } },
        execute: ({ n }) => n,
      });
      const registry = new ToolRegistry([t]);
      expect((await registry.execute(call(`t${i}`, { n: 2 }))).output).toBe('2');
      expect((await registry.execute(call(`t${i}`, { n: 'x' }))).error?.message).toBe(
        'n: expected number, received string',
      );
    }
  });

  it('refuses at definition a schema ajv cannot compile, or one that is not an object', () => {
    const define = (inputSchema: unknown) => () =>
      jsonSchemaTool({
        name: 'broken',
        description: '',
        inputSchema: inputSchema as Record<string, unknown>,
        execute: () => 1,
      });
    let thrown: unknown;
    try {
      define({ type: 'object', properties: { a: { type: 'strin' } } })();
    } catch (error) {
      thrown = error;
    }
    expect(ToolDefinitionError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'invalid_parameters', toolName: 'broken' });
    expect((thrown as Error).message).toMatch(
      /^Invalid inputSchema for tool "broken": the JSON Schema cannot be compiled \(schema is invalid: .*properties\/a\/type/,
    );
    expect(define({ type: 'object', properties: { a: { $ref: '#/nowhere' } } })).toThrow(
      /cannot be compiled \(can't resolve reference #\/nowhere/,
    );
    expect(define({ type: 'string' })).toThrow(
      'Invalid inputSchema for tool "broken": expected a JSON Schema object with type "object" at the root, received a schema of type "string".',
    );
    expect(define(null)).toThrow(expect.objectContaining({ code: 'invalid_parameters' }));
  });

  it('checks the other fields as tool() does', () => {
    const base = { name: 'x', description: '', inputSchema: { type: 'object' }, execute: () => 1 };
    expect(() => jsonSchemaTool({ ...base, name: 'a b' })).toThrow(
      expect.objectContaining({ code: 'invalid_tool_name' }),
    );
    expect(() => jsonSchemaTool({ ...base, needsApproval: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'invalid_config', option: 'needsApproval' }),
    );
    expect(() => jsonSchemaTool({ ...base, idempotent: 1 as never })).toThrow(
      expect.objectContaining({ code: 'invalid_config', option: 'idempotent' }),
    );
    expect(() => jsonSchemaTool({ ...base, timeoutMs: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_config', option: 'timeoutMs' }),
    );
    expect(jsonSchemaTool({ ...base, idempotent: true, needsApproval: true })).toMatchObject({
      idempotent: true,
      needsApproval: true,
    });
  });

  it('validates a copy: the arguments given are not changed by the defaults filled in', async () => {
    const args = { city: 'Oslo' };
    const prepared = await new ToolRegistry([weather]).prepare(call('get_weather', ''), { args });
    expect(prepared).toMatchObject({ ok: true, args: { city: 'Oslo', days: 1 } });
    expect(args).toEqual({ city: 'Oslo' });
  });

  it('pauses a run for approval with a function of the validated arguments', async () => {
    const ran: number[] = [];
    const refund = jsonSchemaTool<{ amount: number }>({
      name: 'refund',
      description: 'Refund an amount',
      inputSchema: {
        type: 'object',
        properties: { amount: { type: 'number' } },
        required: ['amount'],
      },
      needsApproval: ({ amount }) => amount > 100,
      execute: ({ amount }) => {
        ran.push(amount);
        return `refunded ${amount}`;
      },
    });
    const agent = new Agent({
      name: 'refunds',
      instructions: 'Refund.',
      model: new ScriptedModel([
        {
          toolCalls: [
            { id: 'call_small', name: 'refund', arguments: { amount: 5 } },
            { id: 'call_big', name: 'refund', arguments: { amount: 500 } },
          ],
        },
        'Done.',
      ]),
      tools: [refund],
    });
    const paused = await agent.run('Refund both.');
    expect(paused.status).toBe('interrupted');
    expect(ran).toEqual([5]);
    expect(paused.interruptions[0]).toMatchObject({
      kind: 'approval',
      name: 'refund',
      args: { amount: 500 },
    });
    for (const i of paused.state.interruptions) paused.state.approve(i);
    const done = await agent.run(paused.state);
    expect(done.status).toBe('completed');
    expect(ran).toEqual([5, 500]);
  });
});
