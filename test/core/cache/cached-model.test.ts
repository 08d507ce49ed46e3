import {
  Agent,
  type AgentEvent,
  ConfigurationError,
  cachedModel,
  InMemoryResponseCache,
  type Model,
  type ModelRequest,
  type ResponseCacheStore,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { responseCacheKey } from '../../../packages/core/src/cache/cache-key.js';
import { deferred } from '../../support/deferred.js';

afterEach(() => {
  vi.useRealTimers();
});

function weatherTool(calls: string[]) {
  return tool({
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push(city);
      return `Sunny in ${city}`;
    },
  });
}

const weatherScript = () => [
  { toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
  'It is sunny in Paris.',
];

function collect(agent: Agent) {
  const events: AgentEvent[] = [];
  agent.on('model:cache', (event) => {
    events.push(event);
  });
  return events;
}

describe('cachedModel', () => {
  it('serves an identical run from the cache: no model call, the tools still run', async () => {
    const upstream = new ScriptedModel([...weatherScript(), ...weatherScript()]);
    const store = new InMemoryResponseCache();
    const calls: string[] = [];
    const agent = new Agent({
      name: 'w',
      model: cachedModel(upstream, { store }),
      tools: [weatherTool(calls)],
    });
    const events = collect(agent);

    const first = await agent.run('Weather in Paris?');
    expect(upstream.callCount).toBe(2);
    expect(events.map((e) => e.type === 'model:cache' && e.hit)).toEqual([false, false]);
    expect(first.usage.cachedResponses).toBeUndefined();
    expect(first.usage.totalTokens).toBeGreaterThan(0);

    const second = await agent.run('Weather in Paris?');
    expect(upstream.callCount).toBe(2);
    expect(events.slice(2).map((e) => e.type === 'model:cache' && e.hit)).toEqual([true, true]);
    // The cached reply asked for the tool: it ran again, as in the first run.
    expect(calls).toEqual(['Paris', 'Paris']);
    expect(second.text).toBe('It is sunny in Paris.');
    expect(second.usage).toMatchObject({ totalTokens: 0, cachedResponses: 2, cost: 0 });
  });

  it('misses when any part of the request differs: messages, tools, settings, model', async () => {
    const upstream = new ScriptedModel(() => 'ok');
    const store = new InMemoryResponseCache();
    const model = cachedModel(upstream, { store });
    const base: ModelRequest = { messages: [{ role: 'user', content: 'hi' }], temperature: 0 };
    await model.generate(base);
    await model.generate({ ...base, temperature: 0 });
    expect(upstream.callCount).toBe(1);
    await model.generate({ ...base, temperature: 1 });
    await model.generate({ ...base, messages: [{ role: 'user', content: 'hello' }] });
    await model.generate({
      ...base,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    expect(upstream.callCount).toBe(4);
    const other = cachedModel(new ScriptedModel(() => 'other', { name: 'gpt-4o' }), { store });
    expect((await other.generate(base)).message.content).toBe('other');
  });

  it('keys by the request as data: key order does not matter, the key is a sha256', async () => {
    const a = await responseCacheKey('m', {
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.5,
      max_tokens: 10,
    });
    const b = await responseCacheKey('m', {
      max_tokens: 10,
      temperature: 0.5,
      messages: [{ content: 'x', role: 'user' }],
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await responseCacheKey('n', { messages: [{ role: 'user', content: 'x' }] })).not.toBe(
      await responseCacheKey('m', { messages: [{ role: 'user', content: 'x' }] }),
    );
  });

  it('expires entries after ttlMs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const upstream = new ScriptedModel(() => 'ok');
    const model = cachedModel(upstream, { store: new InMemoryResponseCache(), ttlMs: 60_000 });
    const request: ModelRequest = { messages: [{ role: 'user', content: 'hi' }] };
    await model.generate(request);
    vi.advanceTimersByTime(59_000);
    expect((await model.generate(request)).cached).toBe(true);
    expect(upstream.callCount).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect((await model.generate(request)).cached).toBeUndefined();
    expect(upstream.callCount).toBe(2);
  });

  it('expires by the entry itself when the store keeps it past its TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const map = new Map<string, string>();
    const forgetful: ResponseCacheStore = {
      get: (key) => map.get(key),
      set: (key, value) => void map.set(key, value),
    };
    const upstream = new ScriptedModel(() => 'ok');
    const model = cachedModel(upstream, { store: forgetful, ttlMs: 1_000 });
    const request: ModelRequest = { messages: [{ role: 'user', content: 'hi' }] };
    await model.generate(request);
    await vi.waitFor(() => expect(map.size).toBe(1));
    vi.advanceTimersByTime(1_000);
    await model.generate(request);
    expect(upstream.callCount).toBe(2);
  });

  it('treats corrupt, foreign and misplaced entries as misses, and store failures too', async () => {
    const map = new Map<string, string>();
    const store: ResponseCacheStore = {
      get: (key) => map.get(key),
      set: (key, value) => void map.set(key, value),
    };
    const upstream = new ScriptedModel(() => 'fresh');
    const model = cachedModel(upstream, { store });
    const request: ModelRequest = { messages: [{ role: 'user', content: 'hi' }] };
    const key = await responseCacheKey(upstream.name, request);
    await model.generate(request);
    await vi.waitFor(() => expect(map.has(key)).toBe(true));
    const good = map.get(key) as string;
    const entry = JSON.parse(good) as Record<string, unknown>;
    const bad = [
      '{not json',
      'null',
      JSON.stringify({ ...entry, format: 'someone-else' }),
      JSON.stringify({ ...entry, version: 99 }),
      JSON.stringify({ ...entry, key: 'another-key' }),
      JSON.stringify({ ...entry, response: { message: { role: 'user', content: 'hi' } } }),
      JSON.stringify({ ...entry, response: { message: { role: 'assistant', content: 3 } } }),
      JSON.stringify({
        ...entry,
        response: {
          message: { role: 'assistant', content: null, tool_calls: [{ id: 1 }] },
          finishReason: 'tool_calls',
        },
      }),
    ];
    for (const value of bad) {
      map.set(key, value);
      const reply = await model.generate(request);
      expect(reply.cached).toBeUndefined();
      expect(reply.message.content).toBe('fresh');
    }
    expect(upstream.callCount).toBe(1 + bad.length);

    const errors: string[] = [];
    const failing = cachedModel(upstream, {
      store: {
        get: () => Promise.reject(new Error('connection lost')),
        set: () => {
          throw new Error('read only');
        },
      },
      onStoreError: (error, operation) => errors.push(`${operation}: ${(error as Error).message}`),
    });
    expect((await failing.generate(request)).message.content).toBe('fresh');
    await vi.waitFor(() => expect(errors).toEqual(['get: connection lost', 'set: read only']));
  });

  it('replays a cached reply as a stream shaped like a live one', async () => {
    const upstream = new ScriptedModel([
      {
        content: 'Let me check.',
        toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      'Sunny.',
      {
        content: 'Let me check.',
        toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      'Sunny.',
    ]);
    const calls: string[] = [];
    const agent = new Agent({
      name: 'w',
      model: cachedModel(upstream, { store: new InMemoryResponseCache() }),
      tools: [weatherTool(calls)],
    });
    const live: AgentEvent[] = [];
    for await (const event of agent.stream('Weather?')) live.push(event);
    const replayed: AgentEvent[] = [];
    for await (const event of agent.stream('Weather?')) replayed.push(event);
    expect(upstream.callCount).toBe(2);
    expect(calls).toEqual(['Paris', 'Paris']);

    const join = (events: AgentEvent[], type: 'text:delta' | 'tool:args') =>
      events.flatMap((e) => (e.type === type ? [e.delta] : [])).join('');
    expect(join(replayed, 'text:delta')).toBe(join(live, 'text:delta'));
    expect(join(replayed, 'tool:args')).toBe(join(live, 'tool:args'));
    const kinds = (events: AgentEvent[]) =>
      [...new Set(events.map((e) => e.type))].filter((t) => t !== 'model:cache');
    expect(kinds(replayed)).toEqual(kinds(live));
    const cacheEvents = replayed.filter((e) => e.type === 'model:cache');
    expect(cacheEvents.map((e) => e.type === 'model:cache' && e.hit)).toEqual([true, true]);
    const end = replayed.at(-1);
    expect(end?.type === 'run:end' && end.result.usage.cachedResponses).toBe(2);
  });

  it('makes one upstream call for concurrent identical requests', async () => {
    const gate = deferred();
    const upstream = new ScriptedModel(async () => {
      await gate.promise;
      return 'shared';
    });
    const model = cachedModel(upstream, { store: new InMemoryResponseCache() });
    const request: ModelRequest = { messages: [{ role: 'user', content: 'hi' }] };
    const hits: boolean[] = [];
    const pending = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0
        ? model.generate(request, { onEvent: (e) => e.type === 'cache' && hits.push(e.hit) })
        : (async () => {
            let text = '';
            for await (const event of model.stream(request, {
              onEvent: (e) => e.type === 'cache' && hits.push(e.hit),
            })) {
              if (event.type === 'text-delta') text += event.delta;
            }
            return text;
          })(),
    );
    await vi.waitFor(() => expect(hits).toHaveLength(1));
    gate.resolve();
    const replies = await Promise.all(pending);
    expect(upstream.callCount).toBe(1);
    expect(replies.map((r) => (typeof r === 'string' ? r : r.message.content))).toEqual(
      Array(10).fill('shared'),
    );
    expect(hits.filter((hit) => !hit)).toHaveLength(1);
    expect(hits.filter((hit) => hit)).toHaveLength(9);
  });

  it('lets a waiting request call the model itself when the one it waited for is aborted', async () => {
    let calls = 0;
    const upstream: Model = {
      name: 'gpt-4o-mini',
      generate: (_request, options) => {
        calls += 1;
        const reply = {
          message: { role: 'assistant' as const, content: `reply ${calls}` },
          finishReason: 'stop' as const,
        };
        if (calls > 1) return Promise.resolve(reply);
        // The first call hangs until its caller aborts it.
        return new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          );
        });
      },
      stream: () => {
        throw new Error('not used');
      },
    };
    const model = cachedModel(upstream, { store: new InMemoryResponseCache() });
    const request: ModelRequest = { messages: [{ role: 'user', content: 'hi' }] };
    const leader = new AbortController();
    const first = model.generate(request, { signal: leader.signal });
    await vi.waitFor(() => expect(calls).toBe(1));
    const second = model.generate(request);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(1);
    leader.abort();
    await expect(first).rejects.toThrow('aborted');
    expect((await second).message.content).toBe('reply 2');
    expect(calls).toBe(2);
  });

  it('refuses a store without get/set, a bad ttlMs and a key that is not a function', () => {
    const upstream: Model = new ScriptedModel([]);
    expect(() => cachedModel(upstream, { store: {} as ResponseCacheStore })).toThrow(
      ConfigurationError,
    );
    const store = new InMemoryResponseCache();
    expect(() => cachedModel(upstream, { store, ttlMs: 0 })).toThrow(/ttlMs must be a positive/);
    expect(() => cachedModel(upstream, { store, key: 'x' as never })).toThrow(/key must be/);
  });

  it('uses a custom key', async () => {
    const upstream = new ScriptedModel(() => 'ok');
    const model = cachedModel(upstream, {
      store: new InMemoryResponseCache(),
      key: (request) => String(request.messages.length),
    });
    await model.generate({ messages: [{ role: 'user', content: 'a' }], user: 'u1' });
    const reply = await model.generate({ messages: [{ role: 'user', content: 'b' }], user: 'u2' });
    expect(reply.cached).toBe(true);
    expect(upstream.callCount).toBe(1);
  });
});

describe('InMemoryResponseCache', () => {
  it('evicts the least recently used entries beyond maxEntries', () => {
    const cache = new InMemoryResponseCache({ maxEntries: 2 });
    cache.set('a', '1', undefined);
    cache.set('b', '2', undefined);
    cache.get('a');
    cache.set('c', '3', undefined);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['1', undefined, '3']);
  });

  it('evicts by size: the bytes kept stay under maxBytes, and an oversized entry is not kept', () => {
    const cache = new InMemoryResponseCache({ maxBytes: 100 });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, 'x'.repeat(28), undefined);
    expect(cache.bytes).toBeLessThanOrEqual(100);
    expect(cache.size).toBe(3);
    expect(cache.get('k9')).toBe('x'.repeat(28));
    expect(cache.get('k0')).toBeUndefined();
    cache.set('huge', 'é'.repeat(60), undefined);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(3);
  });

  it('evicts by size within a cachedModel: old replies go, recent ones stay', async () => {
    const store = new InMemoryResponseCache({ maxBytes: 2_000 });
    const upstream = new ScriptedModel(
      (request) => `${'long reply '.repeat(20)}${request.messages.length}`,
    );
    const model = cachedModel(upstream, { store });
    const ask = (n: number) =>
      model.generate({
        messages: Array.from({ length: n }, () => ({ role: 'user', content: 'q' })),
      });
    for (let n = 1; n <= 10; n++) await ask(n);
    await vi.waitFor(() => expect(store.size).toBeGreaterThan(0));
    expect(store.bytes).toBeLessThanOrEqual(2_000);
    expect(store.size).toBeLessThan(10);
    expect((await ask(10)).cached).toBe(true);
    expect((await ask(1)).cached).toBeUndefined();
  });

  it('refuses bounds that are not positive integers', () => {
    expect(() => new InMemoryResponseCache({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new InMemoryResponseCache({ maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});
