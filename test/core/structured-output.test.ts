import { Agent, OutputValidationError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { validateStrictSchema } from '../support/validate-request.js';

const Forecast = z.object({
  city: z.string(),
  tempC: z.number(),
  note: z.string().optional(),
});

describe('structured output', () => {
  it('sends a strict json_schema response format and returns the validated, typed output', async () => {
    const model = new ScriptedModel([JSON.stringify({ city: 'Oslo', tempC: -3, note: null })]);
    const agent = new Agent({ name: 's', model, output: Forecast });
    const result = await agent.run('Oslo?');
    // The optional field came back as null (strict mode) and arrives as undefined.
    expect(result.output).toEqual({ city: 'Oslo', tempC: -3 });
    const format = model.requests[0]?.response_format;
    expect(format?.type).toBe('json_schema');
    if (format?.type !== 'json_schema') throw new Error('unreachable');
    expect(format.json_schema.strict).toBe(true);
    expect(format.json_schema.name).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(validateStrictSchema(format.json_schema.schema)).toBeNull();
  });

  it('works with zod v3 schemas too', async () => {
    const model = new ScriptedModel([JSON.stringify({ ok: true })]);
    const result = await new Agent({
      name: 's3',
      model,
      output: z3.object({ ok: z3.boolean() }),
    }).run('x');
    expect(result.output).toEqual({ ok: true });
  });

  it('feeds an invalid reply back for repair, then succeeds', async () => {
    const model = new ScriptedModel([
      'not json at all',
      JSON.stringify({ city: 'Oslo', tempC: 'cold' }),
      JSON.stringify({ city: 'Oslo', tempC: -3 }),
    ]);
    const result = await new Agent({ name: 's', model, output: Forecast }).run('Oslo?');
    expect(result.output).toEqual({ city: 'Oslo', tempC: -3 });
    expect(result.turns).toBe(3);
    const repair = model.requests[2]?.messages.at(-1);
    expect(repair?.role).toBe('user');
    expect(String(repair?.content)).toMatch(/tempC/);
  });

  it('gives up after maxOutputRepairs with OutputValidationError carrying the text and issues', async () => {
    const model = new ScriptedModel(() => JSON.stringify({ city: 7 }));
    const error = await new Agent({ name: 's', model, output: Forecast, maxOutputRepairs: 1 })
      .run('x')
      .catch((e: unknown) => e);
    expect(OutputValidationError.isInstance(error)).toBe(true);
    const e = error as OutputValidationError;
    expect(e.text).toBe(JSON.stringify({ city: 7 }));
    expect(e.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['city', 'tempC']),
    );
    expect(model.requests).toHaveLength(2);
  });
});
