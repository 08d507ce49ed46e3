/**
 * The adapter over real sockets (the local test server of test/support): real undici failures
 * must be classified like the fake ones.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../packages/core/src/errors/errors.js';
import type { ModelStreamEvent } from '../../packages/core/src/models/model.js';
import { openai } from '../../packages/core/src/models/openai-model.js';
import { startTestServer, type TestServer } from '../support/index.js';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

async function drain(iterable: AsyncIterable<ModelStreamEvent>) {
  const events: ModelStreamEvent[] = [];
  try {
    for await (const event of iterable) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

describe('openai() against the local test server', () => {
  it('streams interleaved tool calls split inside UTF-8 characters', async () => {
    server.reply({
      content: 'Voilà',
      toolCalls: [
        { name: 'a', arguments: { x: 1 } },
        { name: 'b', arguments: { y: 'é😀' } },
      ],
      stream: { interleaveToolCalls: true, splitUtf8: true },
    });
    const model = openai('gpt-4o-mini', { apiKey: 'test-key', baseURL: server.url });
    const { events, error } = await drain(model.stream(request));
    expect(error).toBeUndefined();
    const last = events.at(-1);
    if (last?.type !== 'response') throw new Error('no response');
    expect(last.response.message.content).toBe('Voilà');
    expect(last.response.message.tool_calls?.map((c) => JSON.parse(c.function.arguments))).toEqual([
      { x: 1 },
      { y: 'é😀' },
    ]);
    expect(last.response.usage?.total_tokens).toBeGreaterThan(0);
    expect(server.requests[0]?.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('a socket destroyed mid-stream is a midStream, non-retryable ModelError', async () => {
    server.reply({ content: 'one two three four five six seven eight', cutAfterChunks: 2 });
    const model = openai('gpt-4o-mini', { apiKey: 'test-key', baseURL: server.url });
    const { error } = await drain(model.stream(request));
    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as ModelError).midStream).toBe(true);
    expect((error as ModelError).retryable).toBe(false);
  });

  it('a connection reset, and a JSON body cut in half, are retryable', async () => {
    server.reply({ reset: true }, { content: 'abc', cutAfterChunks: 1 });
    const model = openai('gpt-4o-mini', { apiKey: 'test-key', baseURL: server.url });
    for (let i = 0; i < 2; i++) {
      const error = await model.generate(request).catch((e: unknown) => e);
      expect(ModelError.isInstance(error)).toBe(true);
      expect((error as ModelError).retryable).toBe(true);
      expect((error as ModelError).status).toBeUndefined();
    }
  });

  it('a wrong key is a 401 that is not retried and does not echo the key', async () => {
    const keyed = await startTestServer({ apiKey: 'right-key' });
    try {
      const wrong = 'sk-wrong-0123456789abcdefghijklmnopqrstuv';
      const model = openai('gpt-4o-mini', { apiKey: wrong, baseURL: keyed.url });
      const error = (await model.generate(request).catch((e: unknown) => e)) as ModelError;
      expect(error.status).toBe(401);
      expect(error.retryable).toBe(false);
      expect(JSON.stringify(error) + error.message + String(error.stack)).not.toContain(wrong);
    } finally {
      await keyed.close();
    }
  });
});
