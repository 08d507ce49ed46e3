/**
 * Issue 4 points 1, 2 and 13 end to end: the real `openai` client against the local test
 * server, which answers 400 to any request the real API would reject.
 */
import { Agent, openai } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred } from '../support/deferred.js';
import { startTestServer, type TestServer } from '../support/index.js';

const API_KEY = 'sk-test-SECRET-123';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY });
});
afterEach(() => server.close());

function model() {
  return openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url });
}

/**
 * How many weather calls run at once. A call waits until two are running (the first turn asks
 * for two), so both overlap for certain; run one at a time, the first would wait forever.
 */
const running = { now: 0, max: 0, two: deferred() };
const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }),
  execute: async ({ city, unit }) => {
    running.now += 1;
    running.max = Math.max(running.max, running.now);
    if (running.now >= 2) running.two.resolve();
    await running.two.promise;
    running.now -= 1;
    return { city, unit: unit ?? 'c', temp: city.length };
  },
});
const getTime = tool({
  name: 'get_time',
  description: 'Local time in a city',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => `12:00 in ${city}`,
});

function lastMessages(index: number): ChatCompletionMessageParam[] {
  return (server.requests[index]?.body.messages ?? []) as ChatCompletionMessageParam[];
}

describe('a run over HTTP', () => {
  it('runs a multi-turn conversation with parallel tools; the server accepts every request', async () => {
    running.now = 0;
    running.max = 0;
    running.two = deferred();
    server.reply(
      {
        toolCalls: [
          { id: 'call_p', name: 'get_weather', arguments: { city: 'Paris', unit: null } },
          { id: 'call_o', name: 'get_weather', arguments: { city: 'Oslo', unit: 'f' } },
          { id: 'call_t', name: 'get_time', arguments: { city: 'Oslo' } },
        ],
      },
      { toolCalls: [{ id: 'call_r', name: 'get_weather', arguments: { city: 'Rome' } }] },
      { content: 'Paris 5, Oslo 4, Rome 4.' },
    );
    const agent = new Agent({
      name: 'weather',
      instructions: async () => 'You answer weather questions.',
      model: model(),
      tools: [getWeather, getTime],
    });

    const result = await agent.run('Weather in Paris, Oslo and Rome?');

    expect(result.text).toBe('Paris 5, Oslo 4, Rome 4.');
    expect(result.turns).toBe(3);
    expect(result.finishReason).toBe('stop');
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.rejected === undefined && r.status === 200)).toBe(true);
    // The three calls of turn 1 ran at the same time.
    expect(running.max).toBe(2);

    const second = lastMessages(1);
    expect(second.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'tool',
    ]);
    // Results are in the order of the calls, each answering its own id.
    expect(second.slice(3).map((m) => (m as { tool_call_id: string }).tool_call_id)).toEqual([
      'call_p',
      'call_o',
      'call_t',
    ]);
    expect(JSON.parse(String(second[3]?.content))).toEqual({ city: 'Paris', unit: 'c', temp: 5 });
    expect(JSON.parse(String(second[4]?.content))).toEqual({ city: 'Oslo', unit: 'f', temp: 4 });
    expect(second[5]?.content).toBe('12:00 in Oslo');
    expect(lastMessages(2).map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'tool',
      'assistant',
      'tool',
    ]);

    const body = server.requests[0]?.body;
    expect(body?.model).toBe('gpt-4o-mini');
    expect(body?.stream).toBe(false);
    expect(body?.tools?.map((t) => (t.type === 'function' ? t.function.name : t.type))).toEqual([
      'get_weather',
      'get_time',
    ]);
    expect(body?.tools?.every((t) => t.type === 'function' && t.function.strict === true)).toBe(
      true,
    );
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);

    expect(result.toolCalls.map((c) => [c.name, c.outcome.ok, c.turn])).toEqual([
      ['get_weather', true, 1],
      ['get_weather', true, 1],
      ['get_time', true, 1],
      ['get_weather', true, 2],
    ]);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(result.usage.promptTokens + result.usage.completionTokens).toBe(
      result.usage.totalTokens,
    );
    expect(result.newMessages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'tool',
      'tool',
      'assistant',
      'tool',
      'assistant',
    ]);
  });

  it('streams the same run through the real client, and the server accepts every request', async () => {
    server.reply(
      {
        content: 'Checking.',
        toolCalls: [
          { id: 'call_a', name: 'get_time', arguments: { city: 'Lima' } },
          { id: 'call_b', name: 'get_time', arguments: { city: 'Kyiv' } },
        ],
        stream: { interleaveToolCalls: true, splitUtf8: true },
      },
      { content: 'Both are at noon: Lima, Kyiv — voilà 😀.', stream: { splitUtf8: true } },
    );
    const agent = new Agent({ name: 'clock', model: model(), tools: [getTime] });
    const stream = agent.stream('Time in Lima and Kyiv?');
    let text = '';
    for await (const event of stream) if (event.type === 'text:delta') text += event.delta;
    const result = await stream.result;

    expect(result.text).toBe('Both are at noon: Lima, Kyiv — voilà 😀.');
    expect(text).toBe(`Checking.${result.text}`);
    expect(server.requests.map((r) => [r.rejected, r.body.stream])).toEqual([
      [undefined, true],
      [undefined, true],
    ]);
    expect(lastMessages(1).slice(-2)).toEqual([
      { role: 'tool', tool_call_id: 'call_a', content: '12:00 in Lima' },
      { role: 'tool', tool_call_id: 'call_b', content: '12:00 in Kyiv' },
    ]);
  });

  it('an agent without tools sends no tools key and no tool_choice', async () => {
    server.reply({ content: 'Hello.' }, { content: 'Hello again.' });
    const agent = new Agent({
      name: 'plain',
      model: model(),
      toolChoice: 'required',
      // Settings for tool calling are left out while the agent has no tools: the API refuses
      // parallel_tool_calls without tools.
      modelSettings: { temperature: 0, parallel_tool_calls: false },
    });
    expect((await agent.run('Hi')).text).toBe('Hello.');
    expect((await agent.stream('Hi again').result).text).toBe('Hello again.');
    for (const request of server.requests) {
      expect(request.rejected).toBeUndefined();
      expect(request.body).not.toHaveProperty('tools');
      expect(request.body).not.toHaveProperty('tool_choice');
      expect(request.body).not.toHaveProperty('parallel_tool_calls');
      expect(request.body.temperature).toBe(0);
    }
  });

  it('onMaxTurns "final-answer" makes a last call with tool_choice "none" that the server accepts', async () => {
    server.reply(
      { toolCalls: [{ id: 'call_1', name: 'get_time', arguments: { city: 'Oslo' } }] },
      { content: 'It is noon in Oslo.' },
    );
    const agent = new Agent({
      name: 'bounded',
      model: model(),
      tools: [getTime],
      maxTurns: 1,
      onMaxTurns: 'final-answer',
      toolChoice: 'required',
      modelSettings: { parallel_tool_calls: true },
    });
    const result = await agent.run('Time in Oslo?');
    expect(result.text).toBe('It is noon in Oslo.');
    expect(server.requests.map((r) => [r.rejected, r.body.tool_choice])).toEqual([
      [undefined, 'required'],
      [undefined, 'none'],
    ]);
    expect(server.requests[1]?.body.parallel_tool_calls).toBe(true);
  });

  it('accepts messages as input, continuing a conversation that already holds a tool turn', async () => {
    server.reply({ content: 'It was 5 degrees.' });
    const history: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_old',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris","unit":null}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_old', content: '{"temp":5}' },
      { role: 'assistant', content: '5 degrees.' },
      { role: 'user', content: 'What did you say?' },
    ];
    const agent = new Agent({ name: 'w', model: model(), tools: [getWeather] });
    const result = await agent.run(history);
    expect(result.text).toBe('It was 5 degrees.');
    expect(server.requests[0]?.rejected).toBeUndefined();
    expect(lastMessages(0)).toEqual(history);
  });
});

describe('openai() reads the environment', () => {
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
  afterEach(() => {
    restore('OPENAI_API_KEY', saved.key);
    restore('OPENAI_BASE_URL', saved.url);
  });

  it('uses OPENAI_BASE_URL and OPENAI_API_KEY when no options are given', async () => {
    process.env.OPENAI_API_KEY = API_KEY;
    process.env.OPENAI_BASE_URL = server.url;
    server.reply({ content: 'From the environment.' }, { content: 'By name.' });

    const result = await new Agent({ name: 'env', model: openai('gpt-4o-mini') }).run('Hi');
    // A model given by name goes through openai(name) and reads the environment too.
    const byName = await new Agent({ name: 'env', model: 'gpt-4.1-nano' }).run('Hi');

    expect(result.text).toBe('From the environment.');
    expect(byName.text).toBe('By name.');
    expect(server.requests.map((r) => [r.rejected, r.headers.authorization, r.body.model])).toEqual(
      [
        [undefined, `Bearer ${API_KEY}`, 'gpt-4o-mini'],
        [undefined, `Bearer ${API_KEY}`, 'gpt-4.1-nano'],
      ],
    );
  });

  it('explicit options win over the environment', async () => {
    process.env.OPENAI_API_KEY = 'sk-env-wrong';
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1';
    server.reply({ content: 'From the options.' });
    const result = await new Agent({ name: 'opts', model: model() }).run('Hi');
    expect(result.text).toBe('From the options.');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
