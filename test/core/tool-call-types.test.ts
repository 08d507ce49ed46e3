/**
 * The runtime facts the typed tool calls rest on (see `ToolCallShapes` and the Agent's TSDoc):
 * what is typed must be what a run hands over, and what stays `unknown` must really be unknown.
 */
import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const getWeather = tool({
  name: 'get_weather',
  description: 'Weather',
  parameters: z.object({
    city: z.string(),
    unit: z.enum(['c', 'f']).optional(),
    days: z.number().default(1),
  }),
  execute: async ({ city, days }) => ({ city, tempC: 21, days }),
});

describe('typed tool calls, at runtime', () => {
  it('beforeTool, tool:start and a success get the validated arguments; the record keeps the JSON as sent', async () => {
    // What a model sends in strict mode: `null` for the optional field, the default left out.
    const sent = { city: 'Oslo', unit: null };
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'c1', name: 'get_weather', arguments: sent }] },
      'Done.',
    ]);
    const seen: unknown[] = [];
    const agent = new Agent({
      name: 'w',
      model,
      tools: [getWeather],
      beforeTool: (call) => {
        seen.push(['beforeTool', call.name, call.args]);
        return undefined;
      },
    });
    agent.on('tool:start', (event) => seen.push(['tool:start', event.name, event.args]));
    agent.on('tool:end', (event) => {
      if (event.name === 'get_weather' && event.outcome.ok) {
        seen.push(['tool:end', event.outcome.args, event.outcome.value.tempC]);
      }
    });
    const result = await agent.run('Weather in Oslo?');

    expect(seen).toEqual([
      ['beforeTool', 'get_weather', { city: 'Oslo', days: 1 }],
      ['tool:start', 'get_weather', { city: 'Oslo', days: 1 }],
      ['tool:end', { city: 'Oslo', days: 1 }, 21],
    ]);
    const [call] = result.toolCalls;
    expect(call?.arguments).toEqual(sent);
    expect(call?.outcome).toMatchObject({ ok: true, args: { city: 'Oslo', days: 1 } });
  });

  it('a call to a tool the agent does not have is always a failure, never run', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'c1', name: 'get_wether', arguments: { city: 'Oslo' } }] },
      'Done.',
    ]);
    const asked: string[] = [];
    const agent = new Agent({
      name: 'w',
      model,
      tools: [getWeather],
      beforeTool: (call) => {
        asked.push(call.name);
        return undefined;
      },
    });
    const ends: unknown[] = [];
    agent.on('tool:end', (event) => ends.push([event.name, event.outcome.ok]));
    const result = await agent.run('Weather?');

    expect(asked).toEqual([]); // beforeTool is asked only about the agent's own tools
    expect(ends).toEqual([['get_wether', false]]);
    expect(result.toolCalls[0]?.outcome).toMatchObject({
      ok: false,
      error: { code: 'unknown_tool' },
    });
  });
});
