/**
 * Issue 5, point 7: structured output, memory, interceptors and `maxTurns` behave in stream
 * mode as they do in `run()`.
 */
import { Agent, MaxTurnsExceededError, type RunResult } from '@agentloop/core';
import { InMemoryStore } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';
import { collect, joinedText, serverModel } from './stream-support.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});

describe('agent.stream(): the features of run()', () => {
  it('structured output: strict json_schema, streamed JSON parsed and validated, repaired once', async () => {
    server.reply(
      { content: '{"city":"Paris"}' }, // misses tempC: sent back for repair
      { content: '{"city":"Paris","tempC":21}', stream: { maxPieceLength: 2 } },
    );
    const agent = new Agent({
      name: 'typed',
      model: serverModel(server),
      output: z.object({ city: z.string(), tempC: z.number() }),
    });
    const stream = agent.stream('Weather in Paris as JSON');
    const { events, error } = await collect(stream);
    expect(error).toBeUndefined();
    const result = await stream.result;

    expect(result.output).toEqual({ city: 'Paris', tempC: 21 });
    expect(joinedText(events, 2)).toBe(result.text);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { strict: true },
    });
    // The repair request told the model what was wrong.
    expect(JSON.stringify(server.requests[1]?.body.messages.at(-1))).toContain('tempC');
    const end = events.at(-1);
    expect(end?.type === 'run:end' && end.result.output).toEqual({ city: 'Paris', tempC: 21 });
  });

  it('memory: a session streamed twice sends the stored history and stores the new turn', async () => {
    const store = new InMemoryStore();
    const agent = new Agent({ name: 'mem', model: serverModel(server), memory: { store } });
    server.reply({ content: 'Nice to meet you, Ada.' }, { content: 'Your name is Ada.' });

    const first = agent.stream('My name is Ada.', { sessionId: 'ada' });
    expect((await collect(first)).error).toBeUndefined();
    const second = agent.stream('What is my name?', { sessionId: 'ada' });
    const { events } = await collect(second);

    expect(joinedText(events)).toBe('Your name is Ada.');
    expect(server.requests[1]?.body.messages).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);
    const stored = await store.load('ada');
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(stored.at(-1)).toMatchObject({ content: 'Your name is Ada.' });
  });

  it('interceptors: beforeModel rewrites the streamed request, beforeTool denies a call', async () => {
    let ran = 0;
    const counted = tool({ ...weather, execute: async () => ++ran });
    const agent = new Agent({
      name: 'guarded',
      model: serverModel(server),
      tools: [counted],
      beforeModel: (request) => ({ ...request, temperature: 0.1 }),
      beforeTool: (call) => ({
        action: 'deny',
        reason: `no weather for ${String(call.args && (call.args as { city: string }).city)}`,
      }),
    });
    server.reply(
      { toolCalls: [{ id: 'w1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
      { content: 'I may not look that up.' },
    );
    const stream = agent.stream('Weather in Oslo?');
    const { events, error } = await collect(stream);

    expect(error).toBeUndefined();
    expect(ran).toBe(0);
    expect(server.requests.map((r) => [r.body.stream, r.body.temperature])).toEqual([
      [true, 0.1],
      [true, 0.1],
    ]);
    const end = events.find((e) => e.type === 'tool:end');
    expect(end?.type === 'tool:end' && end.outcome.error?.code).toBe('denied');
    expect(server.requests[1]?.body.messages.at(-1)).toMatchObject({
      role: 'tool',
      tool_call_id: 'w1',
    });
    expect(JSON.stringify(server.requests[1]?.body.messages.at(-1))).toContain(
      'no weather for Oslo',
    );
  });

  it('maxTurns: the iterator throws MaxTurnsExceededError after run:error, with the partial result', async () => {
    const agent = new Agent({
      name: 'loopy',
      model: serverModel(server),
      tools: [weather],
      maxTurns: 1,
    });
    server.reply({ toolCalls: [{ id: 'w1', name: 'get_weather', arguments: { city: 'Rome' } }] });
    const stream = agent.stream('Weather?');
    const { events, error } = await collect(stream);

    expect(MaxTurnsExceededError.isInstance(error)).toBe(true);
    const last = events.at(-1);
    expect(last?.type === 'run:error' && last.error).toBe(error);
    const partial = (error as MaxTurnsExceededError<RunResult>).result;
    expect(partial?.turns).toBe(1);
    expect(partial?.toolCalls.map((c) => c.id)).toEqual(['w1']);
    await expect(stream.result).rejects.toBe(error);
    expect(server.requests).toHaveLength(1);
  });

  it("maxTurns with onMaxTurns 'final-answer' streams the last answer", async () => {
    const agent = new Agent({
      name: 'loopy',
      model: serverModel(server),
      tools: [weather],
      maxTurns: 1,
      onMaxTurns: 'final-answer',
    });
    server.reply(
      { toolCalls: [{ id: 'w1', name: 'get_weather', arguments: { city: 'Rome' } }] },
      { content: 'Rome is at 21 °C.' },
    );
    const stream = agent.stream('Weather?');
    const { events, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(joinedText(events, 2)).toBe('Rome is at 21 °C.');
    expect(server.requests[1]?.body.tool_choice).toBe('none');
    await expect(stream.result).resolves.toMatchObject({ text: 'Rome is at 21 °C.', turns: 2 });
  });
});
