/**
 * Parallel tool calls streamed at one `index`: Ollama, SGLang and some relays send every call at
 * `index: 0`, each with its own `id`. A new id at an index that holds another id starts a new
 * call; deltas without an id continue the call last started at that index.
 */
import { Agent } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';
import {
  completionOf,
  deltaChunk,
  drain,
  jsonStep,
  modelOn,
  request,
  sseStep,
} from './raw-wire.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const call = (id: string | undefined, name: string | undefined, args: string, index = 0) => ({
  tool_calls: [
    {
      index,
      ...(id !== undefined ? { id, type: 'function' } : {}),
      function: { ...(name !== undefined ? { name } : {}), arguments: args },
    },
  ],
});

// Each call whole in one chunk, both at index 0 (Ollama).
const wholeCallsAtZero = [
  deltaChunk({ role: 'assistant', content: '', ...call('call_a', 'run', '{"a":1}') }),
  deltaChunk({ role: 'assistant', content: '', ...call('call_b', 'run', '{"b":2}') }),
  deltaChunk({ role: 'assistant', content: '' }, 'tool_calls'),
];

// Calls streamed in pieces at index 0: the id-less deltas continue the call last started there.
const piecewiseAtZero = [
  deltaChunk({ role: 'assistant', content: null }),
  deltaChunk(call('call_a', 'first', '{"a"')),
  deltaChunk(call(undefined, undefined, ':1}')),
  deltaChunk(call('call_b', 'second', '')),
  deltaChunk(call(undefined, undefined, '{"b":')),
  deltaChunk(call('call_b', undefined, '2}')),
  deltaChunk({}, 'tool_calls'),
];

describe('parallel calls that reuse index 0', () => {
  it('a stream of whole calls: two calls, not one with merged arguments', async () => {
    server.reply(sseStep(wholeCallsAtZero));
    const { error, response, events } = await drain(modelOn(server).stream(request));
    expect(error).toBeUndefined();
    expect(response?.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'run', arguments: '{"a":1}' } },
      { id: 'call_b', type: 'function', function: { name: 'run', arguments: '{"b":2}' } },
    ]);
    const deltas = events.filter((e) => e.type === 'tool-call-delta');
    expect(deltas.map((e) => e.type === 'tool-call-delta' && [e.index, e.id])).toEqual([
      [0, 'call_a'],
      [1, 'call_b'],
    ]);
  });

  it('a stream of calls in pieces: each piece joins its own call', async () => {
    server.reply(sseStep(piecewiseAtZero));
    const { response } = await drain(modelOn(server).stream(request));
    expect(response?.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'first', arguments: '{"a":1}' } },
      { id: 'call_b', type: 'function', function: { name: 'second', arguments: '{"b":2}' } },
    ]);
  });

  it('a repeated id at the same index is still one call', async () => {
    server.reply(
      sseStep([
        deltaChunk(call('call_a', 'run', '{"a"')),
        deltaChunk(call('call_a', 'run', ':1}')),
        deltaChunk({}, 'tool_calls'),
      ]),
    );
    const { response } = await drain(modelOn(server).stream(request));
    expect(response?.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'run', arguments: '{"a":1}' } },
    ]);
  });

  it('calls without an index: an id or a name starts a call, an empty name continues it', async () => {
    const noIndex = (id: string | undefined, name: string, args: string) => ({
      tool_calls: [{ ...(id ? { id } : {}), function: { name, arguments: args } }],
    });
    server.reply(
      sseStep([
        deltaChunk(noIndex('call_a', 'first', '{"a"')),
        deltaChunk(noIndex(undefined, '', ':1}')),
        deltaChunk(noIndex(undefined, 'second', '{"b":2}')),
        deltaChunk({}, 'tool_calls'),
      ]),
    );
    const { response } = await drain(modelOn(server).stream(request));
    expect(
      response?.message.tool_calls?.map((c) => [c.function.name, c.function.arguments]),
    ).toEqual([
      ['first', '{"a":1}'],
      ['second', '{"b":2}'],
    ]);
  });

  it('a whole reply keeps both calls', async () => {
    server.reply(
      jsonStep(
        completionOf([
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: '',
              tool_calls: [
                {
                  id: 'call_a',
                  index: 0,
                  type: 'function',
                  function: { name: 'run', arguments: '{"a":1}' },
                },
                {
                  id: 'call_b',
                  index: 0,
                  type: 'function',
                  function: { name: 'run', arguments: '{"b":2}' },
                },
              ],
            },
          },
        ]),
      ),
    );
    const response = await modelOn(server).generate(request);
    expect(response.message.tool_calls?.map((c) => [c.id, c.function.arguments])).toEqual([
      ['call_a', '{"a":1}'],
      ['call_b', '{"b":2}'],
    ]);
  });

  it('a streamed run executes both calls, and each result answers its own id', async () => {
    const seen: unknown[] = [];
    const run = tool({
      name: 'run',
      description: 'Runs it.',
      parameters: z.object({ a: z.number().optional(), b: z.number().optional() }),
      execute: (args) => {
        seen.push(args);
        return 'done';
      },
    });
    const agent = new Agent({ name: 'ollama', model: modelOn(server), tools: [run] });
    server.reply(sseStep(wholeCallsAtZero), { content: 'Both ran.' });
    const stream = agent.stream('Run both.');
    for await (const _ of stream);
    const result = await stream.result;
    expect(result.text).toBe('Both ran.');
    expect(seen).toEqual([{ a: 1 }, { b: 2 }]);
    const tools = server.requests[1]?.body.messages.filter((m) => m.role === 'tool');
    expect(tools?.map((m) => m.role === 'tool' && m.tool_call_id)).toEqual(['call_a', 'call_b']);
  });
});
