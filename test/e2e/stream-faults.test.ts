/**
 * Issue 5, point 6: a stream that fails before its first chunk (500, 429, a reset) is retried
 * like `run()`; one that fails mid-way ends with `run:error` carrying what had arrived, and is
 * never silently retried (the server sees exactly one request for that turn).
 */
import { Agent, ModelError } from '@agentloop/core';
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

const retry = { baseDelayMs: 1, maxDelayMs: 5 };
const ANSWER = 'Recovered and complete.';

describe('agent.stream(): faults', () => {
  const beforeFirstChunk: [string, Step][] = [
    ['a 500', { status: 500 }],
    ['a 429 with retry-after-ms', { status: 429, headers: { 'retry-after-ms': '5' } }],
    ['a connection reset', { reset: true }],
  ];
  it.each(beforeFirstChunk)(
    'retries %s before the first chunk, like run()',
    async (_name, fault) => {
      server.reply(fault, { content: ANSWER });
      const agent = new Agent({ name: 'f', model: serverModel(server), retry });
      const stream = agent.stream('hi');
      const { events, error } = await collect(stream);

      expect(error).toBeUndefined();
      expect(server.requests).toHaveLength(2);
      const retries = events.filter((e) => e.type === 'model:retry');
      expect(retries).toHaveLength(1);
      if ('status' in fault) {
        expect(retries[0]?.type === 'model:retry' && retries[0].error.status).toBe(fault.status);
      }
      // No text from the failed attempt: the joined deltas are the answer exactly once.
      expect(joinedText(events)).toBe(ANSWER);
      await expect(stream.result).resolves.toMatchObject({ text: ANSWER, turns: 1 });
    },
  );

  it('a stream cut mid-way ends with run:error carrying the partial text; never retried', async () => {
    const long = 'The first part arrives, then the connection drops before the end.';
    server.reply({ content: long, cutAfterChunks: 6, stream: { maxPieceLength: 4 } });
    // A success queued behind it: a silent retry would consume it.
    server.reply({ content: ANSWER });
    const agent = new Agent({ name: 'f', model: serverModel(server), retry });
    const heard = listen(agent);
    const stream = agent.stream('hi');
    const { events, error } = await collect(stream);

    expect(ModelError.isInstance(error)).toBe(true);
    const modelError = error as ModelError;
    expect(modelError.midStream).toBe(true);
    expect(modelError.retryable).toBe(false);
    const streamed = joinedText(events);
    expect(streamed.length).toBeGreaterThan(0);
    expect(long.startsWith(streamed)).toBe(true);
    expect(streamed).not.toBe(long);
    expect(modelError.partialText).toBe(streamed);

    const last = events.at(-1);
    expect(last?.type === 'run:error' && last.error).toBe(error);
    expect(events.some((e) => e.type === 'model:retry')).toBe(false);
    expect(terminals(heard)).toHaveLength(1);
    await expect(stream.result).rejects.toBe(error);
    expect(server.requests).toHaveLength(1);
    expect(server.pendingSteps).toBe(1);
  });

  it('a stream cut in a later turn is not retried either; the earlier turns stand', async () => {
    const lookup = tool({
      name: 'lookup',
      description: 'Looks up',
      parameters: z.object({ q: z.string() }),
      execute: async ({ q }) => `found ${q}`,
    });
    server.reply(
      { toolCalls: [{ id: 'c1', name: 'lookup', arguments: { q: 'x' } }] },
      { content: 'Here is what I found about x, in detail.', cutAfterChunks: 4 },
      { content: ANSWER },
    );
    const agent = new Agent({ name: 'f', model: serverModel(server), tools: [lookup], retry });
    const stream = agent.stream('hi');
    const { events, error } = await collect(stream);

    expect(ModelError.isInstance(error) && error.midStream).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.pendingSteps).toBe(1);
    expect(events.filter((e) => e.type === 'tool:end')).toHaveLength(1);
    expect((error as ModelError).partialText).toBe(joinedText(events, 2));
  });

  it('a turn retried before its first chunk resends the same request; earlier tools are not re-run', async () => {
    let runs = 0;
    const count = tool({
      name: 'count',
      description: 'Counts',
      parameters: z.object({}),
      execute: async () => ++runs,
    });
    server.reply(
      { toolCalls: [{ id: 'c1', name: 'count', arguments: {} }] },
      { status: 503 },
      { content: ANSWER },
    );
    const agent = new Agent({ name: 'f', model: serverModel(server), tools: [count], retry });
    const stream = agent.stream('hi');
    const { error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(runs).toBe(1);
    expect(server.requests.map((r) => r.body.messages.length)).toEqual([1, 3, 3]);
  });
});
