/**
 * Issue 4 point 6 end to end: aborting a run's signal cancels the HTTP request in flight (the
 * server sees the client leave), the run rejects promptly with `RunAbortedError`, and exactly one
 * `run:error` (no `run:end`) ends it.
 */
import { Agent, type AgentEvent, openai, RunAbortedError } from '@agentloop/core';
import { type AnyTool, tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';

const API_KEY = 'sk-test-SECRET-123';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY });
});
afterEach(() => server.close());

function agentWith(tools: AnyTool[] = []) {
  const agent = new Agent({
    name: 'cancellable',
    model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url }),
    tools,
    retry: { baseDelayMs: 5 },
  });
  const events: AgentEvent[] = [];
  agent.on('*', (event) => {
    events.push(event);
  });
  return { agent, events };
}

function endings(events: AgentEvent[]) {
  return events.filter((e) => e.type === 'run:error' || e.type === 'run:end').map((e) => e.type);
}

describe('cancellation over HTTP', () => {
  it('aborting during a hanging model request rejects promptly and closes the request', async () => {
    server.reply({ hang: true });
    const { agent, events } = agentWith();
    const controller = new AbortController();
    const run = agent.run('Hi', { signal: controller.signal });
    await server.waitForRequests(1);
    expect(server.active).toBe(1);

    const abortedAt = performance.now();
    controller.abort();
    const error = await run.catch((e: unknown) => e);
    const elapsed = performance.now() - abortedAt;

    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(RunAbortedError);
    expect(elapsed).toBeLessThan(500);
    await server.idle();
    expect(server.aborted).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(endings(events)).toEqual(['run:error']);
    expect(events.find((e) => e.type === 'run:error')).toMatchObject({
      error: { code: 'run_aborted' },
    });
  });

  it('aborting a streamed reply mid-stream closes the request; the partial text was streamed', async () => {
    server.reply({ content: 'one two three four five six seven eight nine ten', chunkDelayMs: 40 });
    const { agent, events } = agentWith();
    const controller = new AbortController();
    const stream = agent.stream('Count.', { signal: controller.signal });
    let text = '';
    const consumed = (async () => {
      for await (const event of stream) {
        if (event.type === 'text:delta') {
          text += event.delta;
          controller.abort();
        }
      }
    })();
    const [iterated, result] = await Promise.allSettled([consumed, stream.result]);

    expect(result.status).toBe('rejected');
    expect(RunAbortedError.isInstance((result as PromiseRejectedResult).reason)).toBe(true);
    expect(iterated.status).toBe('rejected');
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan('one two three four five six seven eight nine ten'.length);
    await server.idle();
    expect(server.aborted).toBe(1);
    expect(endings(events)).toEqual(['run:error']);
  });

  it('aborting while a tool ignores its signal rejects promptly; no further request is made', async () => {
    let toolSignal: AbortSignal | undefined;
    let entered: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const stubborn = tool({
      name: 'stubborn',
      description: 'Ignores its signal',
      parameters: z.object({}),
      execute: (_args, { signal }) => {
        toolSignal = signal;
        entered();
        return new Promise((resolve) => setTimeout(() => resolve('late'), 1_000));
      },
    });
    server.reply({ toolCalls: [{ id: 'call_s', name: 'stubborn', arguments: {} }] });
    const { agent, events } = agentWith([stubborn]);
    const controller = new AbortController();
    const run = agent.run('Go.', { signal: controller.signal });
    await started;

    const abortedAt = performance.now();
    controller.abort();
    const error = await run.catch((e: unknown) => e);

    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(toolSignal?.aborted).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(endings(events)).toEqual(['run:error']);
    // The partial result keeps the turn that was in flight.
    expect((error as RunAbortedError<{ turns: number }>).result?.turns).toBe(1);
  });

  it('aborting during the wait before a retry stops at once, without another request', async () => {
    server.reply({ status: 429, headers: { 'retry-after-ms': '10000' } }, { content: 'too late' });
    const { agent, events } = agentWith();
    const controller = new AbortController();
    const retrying = new Promise<void>((resolve) => agent.once('model:retry', () => resolve()));
    const run = agent.run('Hi', { signal: controller.signal });
    await retrying;

    const abortedAt = performance.now();
    controller.abort(new Error('user pressed stop'));
    const error = await run.catch((e: unknown) => e);

    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect((error as RunAbortedError).reason).toEqual(new Error('user pressed stop'));
    expect(server.requests).toHaveLength(1);
    expect(server.pendingSteps).toBe(1);
    expect(endings(events)).toEqual(['run:error']);
  });

  it('a signal aborted before the run starts sends nothing', async () => {
    const { agent, events } = agentWith();
    const error = await agent.run('Hi', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(0);
    expect(endings(events)).toEqual(['run:error']);
  });
});
