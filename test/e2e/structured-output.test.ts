/**
 * Issue 4 point 9 end to end: the strict `json_schema` response format built from `output` passes
 * the server's strict-schema rules (every object closed, every property required), and the typed
 * output comes back, repaired when the first answer does not match.
 */
import { Agent, OutputValidationError, openai } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';

const API_KEY = 'sk-test-SECRET-123';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY });
});
afterEach(() => server.close());

const Forecast = z.object({
  city: z.string(),
  days: z.array(
    z.object({
      day: z.enum(['mon', 'tue', 'wed']),
      tempC: z.number(),
      note: z.string().optional(),
    }),
  ),
  alert: z.object({ level: z.number().int(), text: z.string() }).nullable(),
  source: z.string().default('model'),
});

function model() {
  return openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url });
}

describe('structured output over HTTP', () => {
  it('sends a strict json_schema the server accepts and returns the typed output', async () => {
    const forecast = tool({
      name: 'forecast',
      description: 'Three-day forecast',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => ({ city, temps: [12, 14, 9] }),
    });
    server.reply(
      { toolCalls: [{ id: 'call_f', name: 'forecast', arguments: { city: 'Oslo' } }] },
      {
        content: JSON.stringify({
          city: 'Oslo',
          days: [
            { day: 'mon', tempC: 12, note: null },
            { day: 'tue', tempC: 14, note: 'windy' },
          ],
          alert: null,
          source: null,
        }),
      },
    );
    const agent = new Agent({
      name: 'forecaster',
      model: model(),
      tools: [forecast],
      output: Forecast,
    });

    const result = await agent.run('Forecast for Oslo?');

    expectTypeOf(result.output).toEqualTypeOf<z.infer<typeof Forecast>>();
    expect(result.output).toEqual({
      city: 'Oslo',
      days: [
        { day: 'mon', tempC: 12 },
        { day: 'tue', tempC: 14, note: 'windy' },
      ],
      alert: null,
      source: 'model',
    });
    expect(server.requests.map((r) => [r.status, r.rejected])).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    const format = server.requests[0]?.body.response_format;
    expect(format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'forecaster', strict: true },
    });
    const schema = format?.type === 'json_schema' ? format.json_schema.schema : undefined;
    expect(schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['city', 'days', 'alert', 'source'],
    });
    // Sent with every call, tool turns included.
    expect(server.requests[1]?.body.response_format).toEqual(format);
  });

  it('feeds an answer that fails the schema back, and the repaired one is accepted', async () => {
    server.reply(
      { content: '{"city": "Oslo", "days": [{"day": "fri", "tempC": 3}], "alert": null}' },
      {
        content: JSON.stringify({
          city: 'Oslo',
          days: [{ day: 'wed', tempC: 3, note: null }],
          alert: { level: 2, text: 'storm' },
          source: 'met.no',
        }),
      },
    );
    const agent = new Agent({ name: 'forecaster', model: model(), output: Forecast });
    const result = await agent.run('Forecast?');

    expect(result.output.alert).toEqual({ level: 2, text: 'storm' });
    expect(result.output.days).toEqual([{ day: 'wed', tempC: 3 }]);
    expect(server.requests.every((r) => r.rejected === undefined)).toBe(true);
    const repair = server.requests[1]?.body.messages.at(-1);
    expect(repair).toMatchObject({ role: 'user' });
    expect(String(repair?.content)).toContain('days.0.day');
  });

  it('gives up with OutputValidationError after the bounded repairs', async () => {
    server.reply({ content: 'not json' }, { content: '{"city": 1}' });
    const agent = new Agent({
      name: 'forecaster',
      model: model(),
      output: Forecast,
      maxOutputRepairs: 1,
    });
    const error = await agent.run('Forecast?').catch((e: unknown) => e);
    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((r) => r.rejected === undefined)).toBe(true);
  });
});
