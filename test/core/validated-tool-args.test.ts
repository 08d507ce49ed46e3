/**
 * Issue 11, point 20: `tool:start` and `beforeTool` used to get the arguments before validation
 * (strict-mode `null`s for optional fields, no defaults, possibly the wrong shape), and a call that
 * could never run (unknown tool, bad JSON, invalid arguments, cut off by the token limit) still got
 * a `tool:start`. Now every call is validated first: `beforeTool` and `tool:start` get the
 * validated arguments, a rewrite is validated again, and a call that never runs gets only its
 * `tool:end` with the failure, in `run()` and in `stream()` alike. The model sees the same tool
 * messages as before.
 */
import { Agent, type AgentEvent, type BeforeTool } from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function weatherAgent(replies: ScriptedReply[], beforeTool?: BeforeTool<unknown>) {
  const ran: unknown[] = [];
  const getWeather = tool({
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: z.object({
      city: z.string(),
      unit: z.enum(['C', 'F']).optional(),
      days: z.number().int().default(1),
    }),
    execute: (args) => {
      ran.push(args);
      return `${args.city}: ${args.days} day(s)`;
    },
  });
  const model = new ScriptedModel(replies);
  const agent = new Agent({
    name: 'weather',
    model,
    tools: [getWeather],
    ...(beforeTool ? { beforeTool } : {}),
  });
  const events: AgentEvent[] = [];
  agent.on('*', (e) => {
    events.push(e);
  });
  return { agent, model, events, ran };
}

async function drive(
  agent: Agent<unknown, string, never>,
  stream: boolean,
  hooks: { beforeTool?: BeforeTool<unknown> } = {},
) {
  if (!stream) return agent.run('weather please', { hooks });
  const s = agent.stream('weather please', { hooks });
  for await (const _ of s) {
    // drain
  }
  return s.result;
}

const toolEvents = (events: readonly AgentEvent[]) =>
  events.flatMap((e) =>
    e.type === 'tool:start' || e.type === 'tool:end' ? [`${e.type} ${e.toolCallId}`] : [],
  );

describe.each([false, true])('validated tool arguments (streamed: %s)', (stream) => {
  it('beforeTool and tool:start get the validated arguments: defaults applied, strict nulls gone', async () => {
    const seen: unknown[] = [];
    const { agent, events, ran } = weatherAgent(
      [
        {
          toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Oslo","unit":null}' }],
        },
        'Done.',
      ],
      (call) => {
        seen.push(call.args);
        return undefined;
      },
    );
    const result = await drive(agent as never, stream);
    expect(seen).toEqual([{ city: 'Oslo', days: 1 }]);
    expect(seen[0]).not.toHaveProperty('unit');
    const start = events.find((e) => e.type === 'tool:start');
    expect(start).toMatchObject({ name: 'get_weather', args: { city: 'Oslo', days: 1 } });
    expect(start && 'args' in start && start.args).not.toHaveProperty('unit');
    expect(ran).toEqual([{ city: 'Oslo', days: 1 }]);
    // The record keeps what the model sent; the outcome has what the tool ran with.
    expect(result.toolCalls[0]?.arguments).toEqual({ city: 'Oslo', unit: null });
    expect(result.toolCalls[0]?.outcome.args).toEqual({ city: 'Oslo', days: 1 });
  });

  it('a rewrite is validated again: invalid rewritten arguments fail with invalid_arguments and never start', async () => {
    const { agent, model, events, ran } = weatherAgent(
      [{ toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } }] }, 'Done.'],
      () => ({ action: 'rewrite', args: { city: 42 } }),
    );
    const result = await drive(agent as never, stream);
    expect(ran).toEqual([]);
    expect(toolEvents(events)).toEqual(['tool:end c1']);
    expect(result.toolCalls[0]?.outcome).toMatchObject({
      ok: false,
      error: { code: 'invalid_arguments' },
    });
    const toolMessage = model.requests[1]?.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.content).toContain('invalid arguments for tool "get_weather"');
  });

  it('a valid rewrite starts with the rewritten, validated arguments', async () => {
    const { agent, events, ran } = weatherAgent(
      [{ toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } }] }, 'Done.'],
      () => ({ action: 'rewrite', args: { city: 'Bergen', unit: null } }),
    );
    await drive(agent as never, stream);
    expect(ran).toEqual([{ city: 'Bergen', days: 1 }]);
    expect(events.find((e) => e.type === 'tool:start')).toMatchObject({
      args: { city: 'Bergen', days: 1 },
    });
  });

  it('the next interceptor gets a rewrite validated; an invalid rewrite asks no one else', async () => {
    for (const [rewrite, expected] of [
      [{ city: 'Bergen', unit: null }, [{ city: 'Bergen', days: 1 }]],
      [{ city: 1 }, []],
    ] as const) {
      const seen: unknown[] = [];
      const { agent, ran } = weatherAgent(
        [{ toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } }] }, 'Done.'],
        () => ({ action: 'rewrite', args: rewrite }),
      );
      await drive(agent as never, stream, {
        beforeTool: (call) => {
          seen.push(call.args);
          return undefined;
        },
      });
      expect(seen).toEqual(expected);
      expect(ran).toEqual(expected);
    }
  });

  it('unknown tools, bad JSON and invalid arguments get a tool:end but no tool:start', async () => {
    const asked: string[] = [];
    const { agent, model, events, ran } = weatherAgent(
      [
        {
          toolCalls: [
            { id: 'unknown', name: 'get_wether', arguments: { city: 'Oslo' } },
            { id: 'json', name: 'get_weather', arguments: '{"city": "Oslo"' },
            { id: 'invalid', name: 'get_weather', arguments: { city: 7 } },
            { id: 'good', name: 'get_weather', arguments: { city: 'Oslo' } },
          ],
        },
        'Done.',
      ],
      (call) => {
        asked.push(call.toolCallId);
        return undefined;
      },
    );
    const result = await drive(agent as never, stream);
    expect(asked).toEqual(['good']);
    expect(ran).toEqual([{ city: 'Oslo', days: 1 }]);
    const lines = toolEvents(events);
    expect(lines.filter((l) => l.startsWith('tool:start'))).toEqual(['tool:start good']);
    expect(lines.filter((l) => l.startsWith('tool:end')).sort()).toEqual([
      'tool:end good',
      'tool:end invalid',
      'tool:end json',
      'tool:end unknown',
    ]);
    expect(result.toolCalls.map((c) => c.outcome.error?.code)).toEqual([
      'unknown_tool',
      'invalid_json',
      'invalid_arguments',
      undefined,
    ]);
    // The model sees the same tool messages as before: one per call, in order, saying what to fix.
    const messages = (model.requests[1]?.messages ?? []).filter((m) => m.role === 'tool');
    expect(messages.map((m) => m.tool_call_id)).toEqual(['unknown', 'json', 'invalid', 'good']);
    const contents = messages.map((m) => m.content);
    expect(contents[0]).toBe(
      'Error: unknown tool "get_wether"; available tools: get_weather. Call one of the available tools by its exact name.',
    );
    expect(contents[1]).toMatch(
      /^Error: the arguments for tool "get_weather" are not valid JSON \(.+\)\. Received: \{"city": "Oslo"\. Send the arguments as one JSON object/,
    );
    expect(contents[2]).toMatch(/^Error: invalid arguments for tool "get_weather": .*city/);
    expect(contents[3]).toBe('Oslo: 1 day(s)');
  });

  it('calls cut off by the token limit get a tool:end but no tool:start', async () => {
    const { agent, events, ran } = weatherAgent([
      {
        toolCalls: [{ id: 'cut', name: 'get_weather', arguments: '{"city": "Os' }],
        finishReason: 'length',
      },
      'Done.',
    ]);
    const result = await drive(agent as never, stream);
    expect(ran).toEqual([]);
    expect(toolEvents(events)).toEqual(['tool:end cut']);
    expect(result.toolCalls[0]?.outcome.error?.code).toBe('invalid_json');
  });
});
