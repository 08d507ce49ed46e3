/**
 * Issue 4 point 6 end to end: aborting a run's signal cancels the HTTP request in flight (the
 * server sees the client leave), the run rejects promptly with `RunAbortedError`, and exactly one
 * `run:error` (no `run:end`) ends it.
 */
import { Agent, type AgentEvent, openai, RunAbortedError } from '@agentloop/core';
import { type AnyTool, tool } from '@agentloop/tools';
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

/**
 * Fakes the timers only (not the clock, not `setImmediate`): the socket still runs for real, but
 * no timer fires unless the test moves it, so a run that rejects after an abort did so on the
 * abort, not on some timeout or retry wait running out.
 */
const stopTimers = () =>
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });

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
    stopTimers();
    server.reply({ hang: true });
    const { agent, events } = agentWith();
    const controller = new AbortController();
    const run = agent.run('Hi', { signal: controller.signal });
    await server.waitForRequests(1);
    expect(server.active).toBe(1);

    controller.abort();
    // Rejects with every timer stopped: on the abort itself.
    const error = await run.catch((e: unknown) => e);

    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(RunAbortedError);
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
    const started = deferred();
    // Finishes only when the test says, after the run has ended.
    const late = deferred<string>();
    const stubborn = tool({
      name: 'stubborn',
      description: 'Ignores its signal',
      parameters: z.object({}),
      execute: (_args, { signal }) => {
        toolSignal = signal;
        started.resolve();
        return late.promise;
      },
    });
    server.reply({ toolCalls: [{ id: 'call_s', name: 'stubborn', arguments: {} }] });
    const { agent, events } = agentWith([stubborn]);
    const controller = new AbortController();
    const run = agent.run('Go.', { signal: controller.signal });
    await started.promise;

    controller.abort();
    const error = await run.catch((e: unknown) => e);
    // The run ended while the tool was still running: it did not wait for it.
    expect(late.settled).toBe(false);
    late.resolve('late');

    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(toolSignal?.aborted).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(endings(events)).toEqual(['run:error']);
    // The partial result keeps the turn that was in flight.
    expect((error as RunAbortedError<{ turns: number }>).result?.turns).toBe(1);
  });

  it('aborting during the wait before a retry stops at once, without another request', async () => {
    stopTimers();
    server.reply({ status: 429, headers: { 'retry-after-ms': '10000' } }, { content: 'too late' });
    const { agent, events } = agentWith();
    const controller = new AbortController();
    const retrying = new Promise<void>((resolve) => agent.once('model:retry', () => resolve()));
    const run = agent.run('Hi', { signal: controller.signal });
    await retrying;

    // The 10 s wait cannot run out (its timer is stopped): the run rejects on the abort.
    controller.abort(new Error('user pressed stop'));
    const error = await run.catch((e: unknown) => e);

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
