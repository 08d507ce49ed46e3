import { Agent, RunAbortedError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateChatRequest } from '../support/validate-request.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const slow = tool({
  name: 'slow',
  description: 'Takes a while',
  parameters: z.object({ tag: z.string() }),
  execute: async ({ tag }) => {
    await sleep(20);
    return `done ${tag}`;
  },
});

/** Two tool turns, then an answer naming the question it answered. */
const model = () =>
  new ScriptedModel((request) => {
    const question = String(request.messages.filter((m) => m.role === 'user').at(-1)?.content);
    const turnsSinceQuestion =
      request.messages.length - 1 - request.messages.findLastIndex((m) => m.role === 'user');
    if (turnsSinceQuestion < 4) {
      return {
        toolCalls: [{ name: 'slow', arguments: { tag: `${question}-${turnsSinceQuestion}` } }],
      };
    }
    return `answer to ${question}`;
  });

describe('runs on one session', () => {
  it('queue: the second sees the whole first run, and the stored turns never interleave', async () => {
    const store = new InMemoryStore();
    const scripted = model();
    const agent = new Agent({ name: 'q', model: scripted, tools: [slow], memory: { store } });
    const [a, b] = await Promise.all([
      agent.run('first', { sessionId: 's' }),
      agent.run('second', { sessionId: 's' }),
    ]);
    expect(a.text).toBe('answer to first');
    expect(b.text).toBe('answer to second');
    const stored = await store.load('s');
    expect(stored).toEqual([...a.newMessages, ...b.newMessages]);
    expect(validateChatRequest({ model: 'gpt-4o', messages: stored }).ok).toBe(true);
    // The second run started from the first run's complete history.
    expect(b.messages.slice(0, a.newMessages.length)).toEqual(a.newMessages);
  });

  it('other sessions, and runs without a session, do not wait', async () => {
    const store = new InMemoryStore();
    const agent = new Agent({ name: 'q', model: model(), tools: [slow], memory: { store } });
    const started = performance.now();
    await Promise.all([
      agent.run('a', { sessionId: 'one' }),
      agent.run('b', { sessionId: 'two' }),
      agent.run('c'),
      agent.run('c2'),
    ]);
    const parallel = performance.now() - started;
    const queuedStart = performance.now();
    await Promise.all([agent.run('d', { sessionId: 'x' }), agent.run('e', { sessionId: 'x' })]);
    const queued = performance.now() - queuedStart;
    // Four independent runs take about as long as one; two on one session take about two.
    expect(parallel / queued).toBeLessThan(0.8);
  });

  it('a run waiting for its session can be aborted, and a failed run releases the session', async () => {
    const store = new InMemoryStore();
    const scripted = model();
    const agent = new Agent({ name: 'q', model: scripted, tools: [slow], memory: { store } });
    const first = agent.run('first', { sessionId: 's' });
    const controller = new AbortController();
    const waiting = agent.run('second', { sessionId: 's', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('gave up waiting')), 5);
    await expect(waiting).rejects.toSatisfy(RunAbortedError.isInstance);
    await first;
    // It was aborted while waiting for the session: it never reached the model.
    const asked = scripted.requests.map((r) => JSON.stringify(r.messages));
    expect(asked.some((m) => m.includes('"second"'))).toBe(false);

    const failing = new Agent({
      name: 'f',
      model: new ScriptedModel([new Error('provider down'), 'recovered']),
      memory: { store },
    });
    await expect(failing.run('x', { sessionId: 't' })).rejects.toThrow('provider down');
    expect((await failing.run('y', { sessionId: 't' })).text).toBe('recovered');
  });
});
