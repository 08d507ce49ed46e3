import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAbortError } from '../../packages/core/src/errors/abort-error.js';
import { ModelError } from '../../packages/core/src/errors/errors.js';
import type { ModelStreamEvent } from '../../packages/core/src/models/model.js';
import { openai } from '../../packages/core/src/models/openai-model.js';
import { deferred } from '../support/deferred.js';
import { collect } from './collect-stream.js';
import {
  chunk,
  errorResponse,
  fakeFetch,
  type SseOptions,
  sse,
  sseText,
  usageChunk,
} from './fake-fetch.js';

const KEY = 'sk-proj-STREAMKEY-0123456789abcdefghijklmnop';
const request = { messages: [{ role: 'user' as const, content: 'Hi' }] };

function streamOf(chunks: readonly unknown[], options: SseOptions = {}) {
  const { fetch, requests } = fakeFetch(sse(chunks, options));
  return { model: openai('gpt-4o-mini', { apiKey: KEY, fetch }), requests };
}

const TEXT = 'Héllo 👋🏽, naïve 中文 "quoted" \\ back\nline';
const textChunks = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Héllo 👋🏽, ' }),
  chunk({ content: 'naïve 中文 "quoted"' }),
  chunk({ content: ' \\ back\nline' }),
  chunk({}, 'stop'),
  usageChunk({
    prompt_tokens: 12,
    completion_tokens: 9,
    total_tokens: 21,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  }),
];

// Two parallel calls whose chunks interleave, arguments cut inside escapes and multi-byte text.
const argsA = '{"city":"São Paulo","note":"a \\"b\\" \\u00e9 😀"}';
const argsB = '{"city":"Oslo"}';
const toolChunks = [
  chunk({ role: 'assistant', content: null }),
  chunk({
    tool_calls: [
      {
        index: 0,
        id: 'call_A',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
    ],
  }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: argsA.slice(0, 14) } }] }),
  chunk({
    tool_calls: [
      {
        index: 1,
        id: 'call_B',
        type: 'function',
        function: { name: 'get_time', arguments: argsB.slice(0, 3) },
      },
    ],
  }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: argsA.slice(14, 27) } }] }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: argsB.slice(3) } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: argsA.slice(27) } }] }),
  chunk({}, 'tool_calls'),
  usageChunk({ prompt_tokens: 40, completion_tokens: 30, total_tokens: 70 }),
];

describe('openai() stream', () => {
  it('asks for usage, yields text deltas, and ends with the whole reply', async () => {
    const { model, requests } = streamOf(textChunks, { cuts: 'every-byte' });
    const { events, error } = await collect(model.stream(request));
    expect(error).toBeUndefined();
    expect(requests[0]?.body.stream).toBe(true);
    expect(requests[0]?.body.stream_options).toEqual({ include_usage: true });
    const deltas = events.flatMap((e) => (e.type === 'text-delta' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(TEXT);
    const last = events.at(-1);
    expect(last?.type).toBe('response');
    if (last?.type !== 'response') return;
    expect(last.response.message.content).toBe(TEXT);
    expect(last.response.finishReason).toBe('stop');
    expect(last.response.usage?.total_tokens).toBe(21);
    expect(last.response.model).toBe('gpt-4o-mini-2024-07-18');
    expect(events.filter((e) => e.type === 'response')).toHaveLength(1);
  });

  it('reassembles interleaved parallel tool calls by index', async () => {
    const { model } = streamOf(toolChunks, { cuts: [7, 100, 101, 102, 333, 334, 335, 600] });
    const { events, error } = await collect(model.stream(request));
    expect(error).toBeUndefined();
    const deltas = events.filter((e) => e.type === 'tool-call-delta');
    const joined = (index: number) =>
      deltas
        .filter((d) => d.index === index)
        .map((d) => d.argumentsDelta)
        .join('');
    expect(joined(0)).toBe(argsA);
    expect(joined(1)).toBe(argsB);
    // Every delta of a call carries its id and name from the first chunk on.
    for (const d of deltas) expect(d.id).toBe(d.index === 0 ? 'call_A' : 'call_B');
    const last = events.at(-1);
    if (last?.type !== 'response') throw new Error('no response');
    expect(last.response.finishReason).toBe('tool_calls');
    expect(last.response.message.content).toBeNull();
    expect(last.response.message.tool_calls).toEqual([
      { id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: argsA } },
      { id: 'call_B', type: 'function', function: { name: 'get_time', arguments: argsB } },
    ]);
    expect(JSON.parse(last.response.message.tool_calls?.[0]?.function.arguments ?? '')).toEqual({
      city: 'São Paulo',
      note: 'a "b" é 😀',
    });
  });

  it('gives the same reply wherever the bytes are cut', async () => {
    const mixed = [...textChunks.slice(0, 4), ...toolChunks.slice(1, 7), chunk({}, 'tool_calls')];
    const total = new TextEncoder().encode(sseText(mixed)).length;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: total }), { maxLength: 40 }),
        async (cuts) => {
          const { model } = streamOf(mixed, { cuts });
          const { events, error } = await collect(model.stream(request));
          expect(error).toBeUndefined();
          const last = events.at(-1);
          if (last?.type !== 'response') throw new Error('no response');
          expect(last.response.message.content).toBe(TEXT);
          expect(last.response.message.tool_calls?.map((c) => c.function.arguments)).toEqual([
            argsA,
            argsB,
          ]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a failure before the first chunk is retryable', async () => {
    const { model } = streamOf(textChunks, { failAfterPieces: 0 });
    const { events, error } = await collect(model.stream(request));
    expect(events).toHaveLength(0);
    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as ModelError).retryable).toBe(true);
    expect((error as ModelError).midStream).toBe(false);
  });

  it('a failure after the first chunk is midStream, never retryable, and carries what arrived', async () => {
    const cut = new TextEncoder().encode(
      textChunks
        .slice(0, 3)
        .map((c) => `data: ${JSON.stringify(c)}\n\n`)
        .join(''),
    ).length;
    const { model } = streamOf(textChunks, { cuts: [cut], failAfterPieces: 1 });
    const { events, error } = await collect(model.stream(request));
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'text-delta']);
    const e = error as ModelError;
    expect(ModelError.isInstance(e)).toBe(true);
    expect(e.midStream).toBe(true);
    expect(e.retryable).toBe(false);
    expect(e.partialText).toBe('Héllo 👋🏽, naïve 中文 "quoted"');
    expect(e.message).toMatch(/not retried/);
  });

  it('a stream that stops without finish_reason is an error, not an answer', async () => {
    const { model } = streamOf(textChunks.slice(0, 2), { done: false });
    const { events, error } = await collect(model.stream(request));
    expect(events.some((e) => e.type === 'response')).toBe(false);
    expect((error as ModelError).midStream).toBe(true);
    expect((error as ModelError).partialText).toBe('Héllo 👋🏽, ');
  });

  it('an error event inside the stream becomes a ModelError with the provider message', async () => {
    const { model } = streamOf([
      { error: { message: 'The server had an error', type: 'server_error' } },
    ]);
    const { error } = await collect(model.stream(request));
    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as ModelError).providerMessage).toBe('The server had an error');
    expect((error as ModelError).retryable).toBe(true);
  });

  it('an HTTP error on a stream is mapped like generate(), with retry-after', async () => {
    const { fetch } = fakeFetch(() => errorResponse(429, 'slow down', { 'retry-after-ms': '250' }));
    const { error } = await collect(openai('gpt-4o', { apiKey: KEY, fetch }).stream(request));
    expect((error as ModelError).status).toBe(429);
    expect((error as ModelError).retryable).toBe(true);
    expect((error as ModelError).retryAfterMs).toBe(250);
  });

  it('an abort mid-stream rejects with an abort error instead of ending quietly', async () => {
    const hanging = deferred();
    const { model, requests } = streamOf(textChunks.slice(0, 3), {
      hang: true,
      done: false,
      onHang: () => hanging.resolve(),
    });
    const controller = new AbortController();
    const events: ModelStreamEvent[] = [];
    let error: unknown;
    try {
      for await (const event of model.stream(request, { signal: controller.signal })) {
        events.push(event);
        // Abort once the body has sent everything and hangs, the stream still open.
        if (events.length === 1) void hanging.promise.then(() => controller.abort());
      }
    } catch (e) {
      error = e;
    }
    expect(isAbortError(error)).toBe(true);
    expect(events.some((e) => e.type === 'response')).toBe(false);
    expect(requests[0]?.signal?.aborted).toBe(true);
  });

  it('breaking out of the loop cancels the request', async () => {
    const { model, requests } = streamOf(textChunks.slice(0, 3), { hang: true, done: false });
    for await (const event of model.stream(request)) {
      if (event.type === 'text-delta') break;
    }
    expect(requests[0]?.signal?.aborted).toBe(true);
  });

  it('keeps the key out of a mid-stream failure', async () => {
    const { model } = streamOf(textChunks, {
      cuts: [200],
      failAfterPieces: 1,
      failWith: new TypeError(`terminated (auth ${KEY})`, { cause: new Error(KEY) }),
    });
    const { error } = await collect(model.stream(request));
    expect(ModelError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(KEY);
    expect(String((error as Error).cause && ((error as Error).cause as Error).stack)).not.toContain(
      KEY,
    );
  });
});
