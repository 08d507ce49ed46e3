/**
 * Issue 5, point 5: breaking out of the `for await`, `stream.abort()`, or aborting the run's
 * signal cancels the model's stream (the server counts an abandoned request) and running tools
 * (their `ctx.signal` aborts); nothing rejects unhandled (vitest fails the run on those); and
 * exactly one terminal event reaches the agent's listeners.
 */
import { Agent, RunAbortedError } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred, settleEventLoop } from '../support/deferred.js';
import { startTestServer, type TestServer } from '../support/index.js';
import { collect, listen, serverModel, terminals } from './stream-support.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const SLOW_TEXT = 'one two three four five six seven eight nine ten eleven twelve '.repeat(4);

/**
 * Tools that wait for their signal: one honours it, one ignores it and settles only when the
 * test calls `finishStubborn()`.
 */
function waitingTools() {
  const signals: AbortSignal[] = [];
  let ignoredStarted = false;
  const stubbornGate = deferred();
  const polite = tool({
    name: 'polite',
    description: 'Waits until aborted',
    parameters: z.object({}),
    execute: (_args, ctx) =>
      new Promise<string>((_resolve, reject) => {
        signals.push(ctx.signal);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      }),
  });
  const stubborn = tool({
    name: 'stubborn',
    description: 'Ignores its signal',
    parameters: z.object({}),
    execute: async (_args, ctx) => {
      signals.push(ctx.signal);
      ignoredStarted = true;
      await stubbornGate.promise;
      return 'late';
    },
  });
  return {
    tools: [polite, stubborn],
    signals,
    started: () => ignoredStarted,
    stubbornFinished: () => stubbornGate.settled,
    finishStubborn: () => stubbornGate.resolve(),
  };
}

describe('agent.stream(): cancellation', () => {
  it('break during the model stream cancels it; one terminal event; result rejects', async () => {
    server.reply({ content: SLOW_TEXT, chunkDelayMs: 10 });
    const agent = new Agent({ name: 'c', model: serverModel(server) });
    const heard = listen(agent);
    const stream = agent.stream('talk');
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'text:delta' && ++deltas === 3) break;
    }
    // `break` returned only after the run wound down: its terminal event is out already.
    expect(terminals(heard).map((e) => e.type)).toEqual(['run:error']);
    const end = heard.at(-1);
    expect(end?.type === 'run:error' && RunAbortedError.isInstance(end.error)).toBe(true);
    await expect(stream.result).rejects.toSatisfy(RunAbortedError.isInstance);

    await server.idle();
    expect(server.aborted).toBe(1);
    expect(server.requests).toHaveLength(1);
    // Nothing after the terminal event, and it stays the only one.
    await settleEventLoop();
    expect(terminals(heard)).toHaveLength(1);
  });

  it('break while tools run aborts their signals, even if one ignores it, promptly', async () => {
    const { tools, signals, started, stubbornFinished, finishStubborn } = waitingTools();
    server.reply({
      toolCalls: [
        { id: 'p', name: 'polite', arguments: {} },
        { id: 's', name: 'stubborn', arguments: {} },
      ],
    });
    const agent = new Agent({ name: 'c', model: serverModel(server), tools });
    const heard = listen(agent);
    const stream = agent.stream('wait');
    let starts = 0;
    for await (const event of stream) {
      if (event.type === 'tool:start' && ++starts === 2) {
        // Both tools are running now (tool:start precedes execute by a tick).
        await new Promise((r) => setImmediate(r));
        break;
      }
    }
    expect(started()).toBe(true);
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(terminals(heard).map((e) => e.type)).toEqual(['run:error']);
    await expect(stream.result).rejects.toSatisfy(RunAbortedError.isInstance);
    // The run ended while the stubborn tool was still running: it did not wait for it.
    expect(stubbornFinished()).toBe(false);
    // The tools settle after the run ended (one aborted, the other now); their tool:end events
    // would follow the terminal event, so they are not emitted: run:error stays the last event.
    finishStubborn();
    await settleEventLoop();
    expect(heard.at(-1)?.type).toBe('run:error');
  });

  it('aborting the run`s signal mid-stream: run:error, then the iterator throws RunAbortedError', async () => {
    server.reply({ content: SLOW_TEXT, chunkDelayMs: 10 });
    const agent = new Agent({ name: 'c', model: serverModel(server) });
    const heard = listen(agent);
    const controller = new AbortController();
    const stream = agent.stream('talk', { signal: controller.signal });
    const { events, error } = await collect(stream, (event) => {
      if (event.type === 'text:delta') controller.abort(new Error('user pressed stop'));
    });
    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(events.at(-1)?.type).toBe('run:error');
    expect(terminals(events)).toHaveLength(1);
    expect(terminals(heard)).toHaveLength(1);
    const last = events.at(-1);
    expect(last?.type === 'run:error' && last.error).toBe(error);
    await expect(stream.result).rejects.toBe(error);
    expect((error as RunAbortedError).reason).toEqual(new Error('user pressed stop'));
    await server.idle();
    expect(server.aborted).toBe(1);
  });

  it('stream.abort() cancels the model stream; the iterator ends quietly after run:error', async () => {
    server.reply({ content: SLOW_TEXT, chunkDelayMs: 10 });
    const agent = new Agent({ name: 'c', model: serverModel(server) });
    const heard = listen(agent);
    const stream = agent.stream('talk');
    const { events, error } = await collect(stream, (event) => {
      if (event.type === 'text:delta') stream.abort('client left');
    });
    expect(error).toBeUndefined();
    expect(events.at(-1)?.type).toBe('run:error');
    expect(terminals(heard)).toHaveLength(1);
    const aborted = await stream.result.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(aborted) && aborted.reason).toBe('client left');
    await server.idle();
    expect(server.aborted).toBe(1);
  });

  it('break before the model answers cancels the pending request', async () => {
    server.reply({ content: 'late', delayMs: 2_000 });
    const agent = new Agent({ name: 'c', model: serverModel(server) });
    const heard = listen(agent);
    const stream = agent.stream('talk');
    for await (const event of stream) {
      if (event.type === 'model:start') {
        // The request goes out while the consumer waits: only chunks wait for the consumer.
        await server.waitForRequests(1);
        break;
      }
    }
    await server.idle();
    expect(server.aborted).toBe(1);
    expect(terminals(heard)).toHaveLength(1);
  });

  it('break on run:end changes nothing: the result stands', async () => {
    server.reply({ content: 'done' });
    const agent = new Agent({ name: 'c', model: serverModel(server) });
    const heard = listen(agent);
    const stream = agent.stream('talk');
    for await (const event of stream) {
      if (event.type === 'run:end') break;
    }
    await expect(stream.result).resolves.toMatchObject({ text: 'done' });
    expect(terminals(heard).map((e) => e.type)).toEqual(['run:end']);
  });
});
