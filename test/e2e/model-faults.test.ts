/**
 * Issue 4 point 3 end to end: faults the model causes come back to it as tool messages that
 * the server (with the real API's rules) accepts, and the run goes on to an answer.
 */
import { Agent, openai } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import type { ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { deferred } from '../support/deferred.js';
import { startTestServer, type TestServer } from '../support/index.js';

const API_KEY = 'sk-test-SECRET-123';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY });
});
afterEach(() => {
  vi.useRealTimers();
  return server.close();
});

let sleeperAborted = false;
let sleeperStarted = deferred();
const tools = [
  tool({
    name: 'add',
    description: 'Adds two numbers',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => a + b,
  }),
  tool({
    name: 'explode',
    description: 'Always fails',
    parameters: z.object({}),
    execute: () => {
      throw new Error('the disk is full');
    },
  }),
  tool({
    name: 'sleepy',
    description: 'Takes too long',
    parameters: z.object({}),
    timeoutMs: 30,
    execute: (_args, { signal }) =>
      new Promise((resolve) => {
        sleeperStarted.resolve();
        const timer = setTimeout(() => resolve('late'), 5_000);
        signal.addEventListener('abort', () => {
          sleeperAborted = true;
          clearTimeout(timer);
        });
      }),
  }),
];

describe('faults the model causes, over HTTP', () => {
  it('feeds back malformed JSON, invalid arguments, an unknown tool, a throw and a timeout', async () => {
    sleeperAborted = false;
    sleeperStarted = deferred();
    // Timers stopped (the socket stays real): the sleepy tool's 30 ms timeout passes when the
    // test moves the clock, once the tool is running.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.reply(
      {
        toolCalls: [
          { id: 'call_json', name: 'add', arguments: '{"a": 1, "b": ' },
          { id: 'call_args', name: 'add', arguments: { a: 'one', b: 2 } },
          { id: 'call_unknown', name: 'multiply', arguments: { a: 2, b: 3 } },
          { id: 'call_throw', name: 'explode', arguments: {} },
          { id: 'call_slow', name: 'sleepy', arguments: {} },
          { id: 'call_ok', name: 'add', arguments: { a: 2, b: 3 } },
        ],
      },
      { toolCalls: [{ id: 'call_fixed', name: 'add', arguments: { a: 1, b: 2 } }] },
      { content: '1 + 2 = 3 and 2 + 3 = 5.' },
    );
    const agent = new Agent({
      name: 'calc',
      model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url }),
      tools,
    });

    const running = agent.run('Add things up.');
    await sleeperStarted.promise;
    await vi.advanceTimersByTimeAsync(30);
    const result = await running;

    expect(result.text).toBe('1 + 2 = 3 and 2 + 3 = 5.');
    expect(result.turns).toBe(3);
    expect(server.requests.map((r) => [r.status, r.rejected])).toEqual([
      [200, undefined],
      [200, undefined],
      [200, undefined],
    ]);
    expect(sleeperAborted).toBe(true);

    const messages = server.requests[1]?.body.messages ?? [];
    const toolMessages = messages.slice(-6) as ChatCompletionToolMessageParam[];
    expect(toolMessages.map((m) => [m.role, m.tool_call_id])).toEqual([
      ['tool', 'call_json'],
      ['tool', 'call_args'],
      ['tool', 'call_unknown'],
      ['tool', 'call_throw'],
      ['tool', 'call_slow'],
      ['tool', 'call_ok'],
    ]);
    const [json, args, unknown, thrown, slow, ok] = toolMessages.map((m) => String(m.content));
    expect(json).toMatch(/^Error: the arguments for tool "add" are not valid JSON/);
    expect(json).toContain('Received: {"a": 1, "b":');
    expect(args).toMatch(/^Error: invalid arguments for tool "add"/);
    expect(args).toContain('a: expected number, received string');
    expect(unknown).toMatch(/^Error: unknown tool "multiply"/);
    for (const name of ['add', 'explode', 'sleepy']) expect(unknown).toContain(name);
    expect(thrown).toBe('Error: tool "explode" failed: the disk is full');
    expect(slow).toMatch(/^Error: tool "sleepy" timed out after 30 ms/);
    expect(ok).toBe('5');

    expect(result.toolCalls.map((c) => c.outcome.error?.code ?? 'ok')).toEqual([
      'invalid_json',
      'invalid_arguments',
      'unknown_tool',
      'tool_error',
      'timeout',
      'ok',
      'ok',
    ]);
    // The malformed arguments are recorded raw; the invalid ones parsed.
    expect(result.toolCalls[0]?.arguments).toBe('{"a": 1, "b": ');
    expect(result.toolCalls[1]?.arguments).toEqual({ a: 'one', b: 2 });
  });

  it('a tool call cut off by finish_reason "length" is answered, never executed, and accepted', async () => {
    let runs = 0;
    const counted = tool({
      name: 'counted',
      description: 'Counts its runs',
      parameters: z.object({ text: z.string() }),
      execute: () => ++runs,
    });
    server.reply(
      {
        // Valid JSON, so only the finish reason can keep the call from running.
        toolCalls: [{ id: 'call_cut', name: 'counted', arguments: '{"text": "abc"}' }],
        finishReason: 'length',
      },
      { content: 'Done.' },
    );
    const agent = new Agent({
      name: 'cut',
      model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url }),
      tools: [counted],
    });
    const result = await agent.run('Go.');
    expect(result.text).toBe('Done.');
    expect(runs).toBe(0);
    expect(server.requests[1]?.rejected).toBeUndefined();
    expect(server.requests[1]?.body.messages.at(-1)).toMatchObject({
      role: 'tool',
      tool_call_id: 'call_cut',
      content: expect.stringContaining('cut off'),
    });
  });
});
