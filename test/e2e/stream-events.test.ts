/**
 * Issue 5, points 1 and 3: `agent.stream()` yields the very event objects the emitter emits,
 * across all turns, plus `text:delta` / `tool:args`; its result equals `run()`'s; joined text
 * deltas equal the final text; usage comes from `stream_options.include_usage` and is summed.
 */
import { Agent, type AgentEvent, type RunResult } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Step, startTestServer, type TestServer } from '../support/index.js';
import { collect, joinedText, listen, serverModel, terminals } from './stream-support.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: city === 'Paris' ? 21 : 9 }),
});

/** Two turns: parallel tool calls (with some text), then the answer. */
const script = (): Step[] => [
  {
    content: 'Let me look that up.',
    toolCalls: [
      { id: 'call_paris', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'call_oslo', name: 'get_weather', arguments: { city: 'Oslo' } },
    ],
    usage: { promptTokens: 50, completionTokens: 20, cachedTokens: 10 },
    stream: { maxPieceLength: 3 },
  },
  {
    content: 'Paris: 21 °C and sunny. Oslo: 9 °C, bring a coat — it is windy.',
    usage: { promptTokens: 90, completionTokens: 30, reasoningTokens: 4 },
    stream: { maxPieceLength: 3, seed: 7 },
  },
];

const newAgent = () => new Agent({ name: 'weather', model: serverModel(server), tools: [weather] });

/** A result without what legitimately differs between two runs: ids and timings. */
function stable(result: RunResult) {
  return {
    ...result,
    runId: 'run',
    toolCalls: result.toolCalls.map((call) => ({
      ...call,
      durationMs: 0,
      outcome: { ...call.outcome, durationMs: 0 },
    })),
  };
}

describe('agent.stream(): events', () => {
  it('yields the same event objects the emitter emits, across all turns, with deltas', async () => {
    server.reply(...script());
    const agent = newAgent();
    const heard = listen(agent);
    const stream = agent.stream('Weather in Paris and Oslo?');
    const { events, error } = await collect(stream);

    expect(error).toBeUndefined();
    expect(events.length).toBe(heard.length);
    for (const [i, event] of events.entries()) expect(event).toBe(heard[i]);
    expect(new Set(events.map((e) => e.turn))).toEqual(new Set([0, 1, 2]));
    const types = new Set(events.map((e) => e.type));
    for (const type of ['text:delta', 'tool:args', 'tool:start', 'tool:end', 'model:end']) {
      expect(types).toContain(type);
    }
    expect(events[0]?.type).toBe('run:start');
    expect(events.at(-1)?.type).toBe('run:end');
    expect(terminals(events)).toHaveLength(1);

    // Chunk events arrive between model:start and model:end of their turn.
    for (const turn of [1, 2]) {
      const ofTurn = events.filter((e) => e.turn === turn).map((e) => e.type);
      const start = ofTurn.indexOf('model:start');
      const end = ofTurn.indexOf('model:end');
      const firstDelta = ofTurn.indexOf('text:delta');
      expect(start).toBeLessThan(firstDelta);
      expect(ofTurn.lastIndexOf('text:delta')).toBeLessThan(end);
    }
    // tool:args is keyed by call id and only happens in turn 1.
    const argIds = new Set(events.flatMap((e) => (e.type === 'tool:args' ? [e.toolCallId] : [])));
    expect(argIds).toEqual(new Set(['call_paris', 'call_oslo']));

    const result = await stream.result;
    const end = events.at(-1);
    expect(end?.type === 'run:end' && end.result).toBe(result);
  });

  it('resolves `result` to the same RunResult as run() for the same conversation', async () => {
    server.reply(...script());
    const streamed = newAgent().stream('Weather in Paris and Oslo?');
    await collect(streamed);
    const streamResult = await streamed.result;

    server.reply(...script());
    const runResult = await newAgent().run('Weather in Paris and Oslo?');

    expect(stable(streamResult)).toEqual(stable(runResult));
    expect(streamResult.toolCalls.map((c) => c.outcome.value)).toEqual([
      { city: 'Paris', tempC: 21 },
      { city: 'Oslo', tempC: 9 },
    ]);
    // The streamed requests differ only in the streaming switches.
    const [s1, s2, r1, r2] = server.requests.map((r) => r.body);
    expect(s1).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(r1?.stream).toBe(false);
    const { stream: _a, stream_options: _b, ...s2Rest } = s2 as unknown as Record<string, unknown>;
    const { stream: _c, ...r2Rest } = r2 as unknown as Record<string, unknown>;
    expect(s2Rest).toEqual(r2Rest);
  });

  it('joined text deltas equal each turn`s text and the final text', async () => {
    server.reply(...script());
    const stream = newAgent().stream('Weather in Paris and Oslo?');
    const { events } = await collect(stream);
    const result = await stream.result;

    const deltas = events.filter((e) => e.type === 'text:delta');
    expect(deltas.length).toBeGreaterThan(10);
    expect(joinedText(events, 2)).toBe(result.text);
    expect(result.text).toBe('Paris: 21 °C and sunny. Oslo: 9 °C, bring a coat — it is windy.');
    for (const end of events.filter((e) => e.type === 'model:end')) {
      if (end.type !== 'model:end') continue;
      expect(joinedText(events, end.turn)).toBe(end.response.message.content ?? '');
    }
    expect(joinedText(events, 1)).toBe('Let me look that up.');
  });

  it('takes usage from the include_usage chunk of every turn and sums it', async () => {
    server.reply(...script());
    const stream = newAgent().stream('Weather in Paris and Oslo?');
    const { events } = await collect(stream);
    const result = await stream.result;

    expect(server.requests.every((r) => r.body.stream_options?.include_usage === true)).toBe(true);
    const perTurn = events.flatMap((e: AgentEvent) => (e.type === 'model:end' ? [e.usage] : []));
    expect(perTurn.map((u) => [u.promptTokens, u.completionTokens])).toEqual([
      [50, 20],
      [90, 30],
    ]);
    expect(result.usage).toMatchObject({
      promptTokens: 140,
      completionTokens: 50,
      totalTokens: 190,
      cachedTokens: 10,
      reasoningTokens: 4,
    });
    // gpt-4o-mini is in the price table, so the summed cost is known and positive.
    expect(result.usage.cost).toBeGreaterThan(0);
  });
});
