/**
 * openaiResponses() streaming and failures over real sockets: the typed events become the same
 * model stream events as a Chat Completions stream, and failures the same ModelErrors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../packages/core/src/errors/errors.js';
import type { ModelStreamEvent } from '../../packages/core/src/models/model.js';
import { openai } from '../../packages/core/src/models/openai-model.js';
import { openaiResponses } from '../../packages/core/src/models/responses-model.js';
import { type Step, startTestServer, type TestServer } from '../support/index.js';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const responses = (options = {}) =>
  openaiResponses('gpt-5-mini', { apiKey: 'test-key', baseURL: server.url, ...options });
const chat = () => openai('gpt-5-mini', { apiKey: 'test-key', baseURL: server.url });

async function drain(iterable: AsyncIterable<ModelStreamEvent>) {
  const events: ModelStreamEvent[] = [];
  try {
    for await (const event of iterable) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

function sse(...events: object[]): string {
  return events
    .map(
      (e, i) =>
        `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`,
    )
    .join('');
}

describe('openaiResponses().stream()', () => {
  it('yields the same text and tool-call deltas as the Chat Completions stream of the same reply', async () => {
    const step: Step = {
      content: 'Voilà, the weather 😀',
      toolCalls: [
        { id: 'call_a', name: 'a', arguments: { x: 1, note: 'é😀' } },
        { id: 'call_b', name: 'b', arguments: { y: 'long enough to split' } },
      ],
      reasoningItems: true,
      stream: { splitUtf8: true },
    };
    server.reply(step, step);
    const fromResponses = await drain(responses().stream(request));
    const fromChat = await drain(chat().stream(request));
    expect(fromResponses.error).toBeUndefined();
    expect(fromChat.error).toBeUndefined();
    const deltas = (events: ModelStreamEvent[]) => events.filter((e) => e.type !== 'response');
    expect(deltas(fromResponses.events)).toEqual(deltas(fromChat.events));
    expect(
      deltas(fromResponses.events).filter((e) => e.type === 'text-delta').length,
    ).toBeGreaterThan(1);
    const last = fromResponses.events.at(-1);
    if (last?.type !== 'response') throw new Error('no response');
    expect(last.response.message).toMatchObject({
      content: 'Voilà, the weather 😀',
      tool_calls: [
        { id: 'call_a', function: { name: 'a', arguments: '{"x":1,"note":"é😀"}' } },
        { id: 'call_b', function: { name: 'b', arguments: '{"y":"long enough to split"}' } },
      ],
    });
    expect(last.response.finishReason).toBe('tool_calls');
    expect(last.response.usage?.total_tokens).toBeGreaterThan(0);
    expect(
      (last.response.message.responses_output as { type: string }[]).map((e) => e.type),
    ).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
    expect(server.requests[0]?.responsesBody).toMatchObject({ stream: true, store: false });
  });

  it('calls onChunk for every event', async () => {
    server.reply({ content: 'abc def ghi' });
    let chunks = 0;
    const { events } = await drain(responses().stream(request, { onChunk: () => chunks++ }));
    // created, in_progress, item added, part added, deltas, text done, part done, item done, completed.
    const deltas = events.filter((e) => e.type === 'text-delta').length;
    expect(chunks).toBe(8 + deltas);
  });

  it('a response.incomplete ends the stream with finish reason length', async () => {
    server.reply({ content: 'Cut here', finishReason: 'length' });
    const { events, error } = await drain(responses().stream(request));
    expect(error).toBeUndefined();
    const last = events.at(-1);
    expect(last?.type === 'response' && last.response.finishReason).toBe('length');
  });

  it('response.failed and error events are ModelErrors; after text they are midStream and not retried', async () => {
    const created = { type: 'response.created', response: { id: 'resp_1', output: [] } };
    const delta = {
      type: 'response.output_text.delta',
      output_index: 0,
      content_index: 0,
      delta: 'Hel',
    };
    const failed = {
      type: 'response.failed',
      response: {
        id: 'resp_1',
        status: 'failed',
        error: { code: 'server_error', message: 'Boom.' },
      },
    };
    const errorEvent = {
      type: 'error',
      code: 'rate_limit_exceeded',
      message: 'Slow down.',
      param: null,
    };
    server.reply({ raw: sse(created, delta, failed) }, { raw: sse(created, errorEvent) });
    const afterText = await drain(responses().stream(request));
    expect(ModelError.isInstance(afterText.error)).toBe(true);
    expect(afterText.error).toMatchObject({
      midStream: true,
      retryable: false,
      partialText: 'Hel',
    });
    expect((afterText.error as Error).message).toContain('Boom.');
    const early = await drain(responses().stream(request));
    expect((early.error as Error).message).toContain('Slow down.');
    expect(early.error).toMatchObject({ providerCode: 'rate_limit_exceeded' });
  });

  it('a stream cut mid-way, or ended without response.completed, is a midStream ModelError', async () => {
    server.reply(
      { content: 'one two three four five six', cutAfterChunks: 4 },
      { raw: sse({ type: 'response.created', response: { id: 'r', output: [] } }) },
    );
    for (let i = 0; i < 2; i++) {
      const { error } = await drain(responses().stream(request));
      expect(ModelError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ midStream: true, retryable: false });
    }
  });

  it('a server that ignores stream: true and answers JSON still gives the reply', async () => {
    server.reply({
      raw: JSON.stringify({
        id: 'resp_2',
        object: 'response',
        status: 'completed',
        model: 'gpt-5-mini',
        output: [
          {
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Whole.' }],
          },
        ],
      }),
      contentType: 'application/json',
    });
    const { events, error } = await drain(responses().stream(request));
    expect(error).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'response']);
  });
});

describe('openaiResponses() failures, as openai()', () => {
  it('429 honours retry-after-ms, 500 is retryable, 400 is not and quotes the provider', async () => {
    server.reply(
      { status: 429, headers: { 'retry-after-ms': '1234' } },
      { status: 500 },
      {
        status: 400,
        body: {
          error: {
            message: 'Bad input item.',
            type: 'invalid_request_error',
            param: 'input',
            code: null,
          },
        },
      },
    );
    const errors = [];
    for (let i = 0; i < 3; i++)
      errors.push(
        await responses()
          .generate(request)
          .catch((e: unknown) => e),
      );
    expect(errors[0]).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1234 });
    expect(errors[1]).toMatchObject({ status: 500, retryable: true });
    expect(errors[2]).toMatchObject({
      status: 400,
      retryable: false,
      providerMessage: 'Bad input item.',
    });
  });

  it('a wrong key is a 401 whose error never holds the key', async () => {
    const keyed = await startTestServer({ apiKey: 'right-key' });
    try {
      const wrong = 'sk-wrong-0123456789abcdefghijklmnopqrstuv';
      const error = await openaiResponses('gpt-5-mini', { apiKey: wrong, baseURL: keyed.url })
        .generate(request)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 401, retryable: false });
      expect(JSON.stringify(error)).not.toContain(wrong);
      expect(String((error as Error).stack)).not.toContain(wrong);
    } finally {
      await keyed.close();
    }
  });

  it('a connection reset is retryable; an abort rejects with an AbortError', async () => {
    server.reply({ reset: true }, { hang: true });
    const reset = await responses()
      .generate(request)
      .catch((e: unknown) => e);
    expect(reset).toMatchObject({ retryable: true, status: undefined });
    const controller = new AbortController();
    const pending = responses()
      .generate(request, { signal: controller.signal })
      .catch((e: unknown) => e);
    await server.waitForRequests(2);
    controller.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
  });

  it('the client timeout follows the call bound, as openai() sets it', async () => {
    server.reply({ hang: true });
    const error = await responses({ timeoutMs: 50 })
      .generate(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(/timed out/);
  });
});
