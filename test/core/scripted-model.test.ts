import { ScriptedModel } from '@agentloop/core/testing';
import { TokenCounter } from '@agentloop/memory';
import { describe, expect, it, vi } from 'vitest';
import { isAbortError } from '../../packages/core/src/errors/abort-error.js';
import { ConfigurationError, ModelError } from '../../packages/core/src/errors/errors.js';
import type {
  Model,
  ModelRequest,
  ModelStreamEvent,
} from '../../packages/core/src/models/model.js';
import { collect } from './collect-stream.js';

const ask = (content: string): ModelRequest => ({ messages: [{ role: 'user', content }] });

describe('ScriptedModel', () => {
  it('is a Model named gpt-4o-mini unless told otherwise', () => {
    const model: Model = new ScriptedModel([]);
    expect(model.name).toBe('gpt-4o-mini');
    expect(new ScriptedModel([], { name: 'o3' }).name).toBe('o3');
  });

  it('replies in order: text, tool calls, raw arguments', async () => {
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' } },
          { name: 'get_time', arguments: '{"tz": oops', id: 'my_id' },
        ],
      },
      'It is sunny.',
    ]);
    const first = await model.generate(ask('weather?'));
    expect(first.finishReason).toBe('tool_calls');
    expect(first.message.content).toBeNull();
    expect(first.message.tool_calls).toEqual([
      {
        id: 'call_0_0',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
      { id: 'my_id', type: 'function', function: { name: 'get_time', arguments: '{"tz": oops' } },
    ]);
    const second = await model.generate(ask('and?'));
    expect(second.message.content).toBe('It is sunny.');
    expect(second.finishReason).toBe('stop');
    expect(second.message.tool_calls).toBeUndefined();
    expect(model.callCount).toBe(2);
    expect(model.remaining).toBe(0);
  });

  it('records a copy of every request', async () => {
    const model = new ScriptedModel(['a', 'b']);
    const request = ask('first');
    await model.generate(request);
    request.messages.push({ role: 'user', content: 'mutated later' });
    await model.generate(ask('second'));
    expect(model.requests).toHaveLength(2);
    expect(model.requests[0]?.messages).toEqual([{ role: 'user', content: 'first' }]);
    expect(model.requests[1]?.messages[0]?.content).toBe('second');
  });

  it('throws scripted errors, one call each', async () => {
    const rateLimited = new ModelError({ message: 'slow down', retryable: true, status: 429 });
    const model = new ScriptedModel([rateLimited, 'recovered']);
    await expect(model.generate(ask('x'))).rejects.toBe(rateLimited);
    await expect(model.generate(ask('x'))).resolves.toMatchObject({
      message: { content: 'recovered' },
    });
  });

  it('calls function replies with the request and call index, sync or async', async () => {
    const model = new ScriptedModel([
      (request, index) => `echo ${index}: ${request.messages[0]?.content}`,
      async (_request, index) => ({ content: `async ${index}`, finishReason: 'length' as const }),
      () => new Error('dynamic failure'),
    ]);
    expect((await model.generate(ask('hi'))).message.content).toBe('echo 0: hi');
    const second = await model.generate(ask('x'));
    expect(second.message.content).toBe('async 1');
    expect(second.finishReason).toBe('length');
    await expect(model.generate(ask('x'))).rejects.toThrow('dynamic failure');
  });

  it('says how many replies were scripted when the script runs out', async () => {
    const model = new ScriptedModel(['only one']);
    await model.generate(ask('1'));
    const error = await model.generate(ask('2')).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/1 were scripted.*call #2/);
  });

  it('reports plausible usage by default and scripted usage when given', async () => {
    const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };
    const model = new ScriptedModel(['a fairly short answer', { content: 'x', usage }]);
    const first = await model.generate(ask('a question of some length'));
    expect(first.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(first.usage?.completion_tokens).toBeGreaterThan(0);
    expect(first.usage?.total_tokens).toBe(
      (first.usage?.prompt_tokens ?? 0) + (first.usage?.completion_tokens ?? 0),
    );
    expect((await model.generate(ask('b'))).usage).toEqual(usage);
  });

  it("counts its usage exactly as memory's TokenCounter counts the same request and reply", async () => {
    const request: ModelRequest = {
      messages: [
        { role: 'system', content: 'You answer weather questions in one sentence.' },
        { role: 'user', content: 'Weather in Paris and Oslo, please? 🌦' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
              additionalProperties: false,
            },
            strict: true,
          },
        },
      ],
    };
    for (const name of ['gpt-4o-mini', 'gpt-4']) {
      const model = new ScriptedModel(
        [
          {
            content: 'Checking both.',
            toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
          },
        ],
        { name },
      );
      const { usage } = await model.generate(request);
      const counter = new TokenCounter({ model: name });
      const prompt = counter.countMessages(request.messages) + counter.countTools(request.tools);
      const completion =
        counter.countText('Checking both.') +
        counter.countText('get_weather') +
        counter.countText('{"city":"Paris"}');
      expect(usage, name).toEqual({
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
      });
    }
  });

  it('streams text in several chunks and tool arguments in pieces, ending with the reply', async () => {
    const text = 'Paris: 21 °C and sunny 🌞, Oslo: 9 °C.';
    const model = new ScriptedModel([
      text,
      {
        content: null,
        toolCalls: [
          { name: 'a', arguments: { q: 'long enough query' } },
          { name: 'b', arguments: {} },
        ],
      },
    ]);
    const first = await collect(model.stream(ask('x')));
    const deltas = first.events.flatMap((e) => (e.type === 'text-delta' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(text);
    expect(first.events.at(-1)).toMatchObject({
      type: 'response',
      response: { message: { content: text } },
    });

    const second = await collect(model.stream(ask('y')));
    const toolDeltas = second.events.filter((e) => e.type === 'tool-call-delta');
    expect(toolDeltas.filter((d) => d.index === 0).length).toBeGreaterThan(1);
    expect(
      toolDeltas
        .filter((d) => d.index === 0)
        .map((d) => d.argumentsDelta)
        .join(''),
    ).toBe('{"q":"long enough query"}');
    expect(toolDeltas.every((d) => d.id === `call_1_${d.index}`)).toBe(true);
    const last = second.events.at(-1);
    expect(last?.type === 'response' && last.response.message.tool_calls?.length).toBe(2);
  });

  it('a reply with an error streams its deltas and then fails (a mid-stream failure)', async () => {
    const cut = new ModelError({ message: 'cut', retryable: false, midStream: true });
    const model = new ScriptedModel([
      { content: 'partial answer', error: cut },
      { content: 'x', error: cut },
    ]);
    const { events, error } = await collect(model.stream(ask('x')));
    expect(events.map((e) => e.type).every((t) => t === 'text-delta')).toBe(true);
    expect(events.length).toBeGreaterThan(0);
    expect(error).toBe(cut);
    await expect(model.generate(ask('x'))).rejects.toBe(cut);
  });

  it('rejects with an abort error when the signal aborts, also during delayMs', async () => {
    vi.useFakeTimers();
    try {
      const model = new ScriptedModel(['a', 'b', 'c'], { delayMs: 30_000 });
      const aborted = new AbortController();
      aborted.abort();
      expect(
        isAbortError(await model.generate(ask('x'), { signal: aborted.signal }).catch((e) => e)),
      ).toBe(true);

      // Still inside the delay when the signal aborts: the call rejects then, not 30 s later.
      const controller = new AbortController();
      const started = Date.now();
      let settled = false;
      const pending = model
        .generate(ask('x'), { signal: controller.signal })
        .catch((e) => e)
        .finally(() => {
          settled = true;
        });
      await vi.advanceTimersByTimeAsync(10);
      expect(settled).toBe(false);
      controller.abort();
      expect(isAbortError(await pending)).toBe(true);
      expect(Date.now() - started).toBe(10);

      const streaming = new AbortController();
      const streamedPending = collect(model.stream(ask('x'), { signal: streaming.signal }));
      await vi.advanceTimersByTimeAsync(10);
      streaming.abort();
      const streamed = await streamedPending;
      expect(isAbortError(streamed.error)).toBe(true);
      expect(streamed.events).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops a slow stream between chunks when aborted', async () => {
    vi.useFakeTimers();
    try {
      const model = new ScriptedModel(['one two three four five six seven'], { chunkDelayMs: 20 });
      const controller = new AbortController();
      const events: ModelStreamEvent[] = [];
      const pending = (async () => {
        for await (const event of model.stream(ask('x'), { signal: controller.signal })) {
          events.push(event);
          controller.abort();
        }
      })().catch((e) => e);
      // The first chunk waits out its delay; aborting after it stops the stream at once.
      await vi.advanceTimersByTimeAsync(19);
      expect(events).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      const error = await pending;
      expect(isAbortError(error)).toBe(true);
      expect(events).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
