import { Agent, RunAbortedError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred, latch, settleEventLoop } from '../support/deferred.js';
import { validateChatRequest } from '../support/validate-request.js';

/**
 * A tool that holds every call at a gate until the test opens it, logging when each call starts:
 * a run holds its session for as long as the test wants, and the log shows who ran while it did.
 */
function gatedTool(started?: { arrive(): void }) {
  const gate = deferred();
  const log: string[] = [];
  const slow = tool({
    name: 'slow',
    description: 'Takes a while',
    parameters: z.object({ tag: z.string() }),
    execute: async ({ tag }) => {
      log.push(`tool ${tag}`);
      started?.arrive();
      await gate.promise;
      return `done ${tag}`;
    },
  });
  return { slow, gate, log };
}

/** Two tool turns, then an answer naming the question it answered; logs each question asked. */
const model = (log: string[] = []) =>
  new ScriptedModel((request) => {
    const question = String(request.messages.filter((m) => m.role === 'user').at(-1)?.content);
    log.push(`model ${question}`);
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
    const firstToolStarted = deferred();
    const { slow, gate, log } = gatedTool({ arrive: () => firstToolStarted.resolve() });
    const scripted = model(log);
    const agent = new Agent({ name: 'q', model: scripted, tools: [slow], memory: { store } });
    const both = Promise.all([
      agent.run('first', { sessionId: 's' }),
      agent.run('second', { sessionId: 's' }),
    ]);
    // The first run is held inside its first tool call: the second, free to go anywhere but the
    // session, must still be waiting.
    await firstToolStarted.promise;
    await settleEventLoop();
    expect(log).toEqual(['model first', 'tool first-0']);
    gate.resolve();
    const [a, b] = await both;
    expect(a.text).toBe('answer to first');
    expect(b.text).toBe('answer to second');
    // Everything the first run did came before anything the second did.
    const firstDone = log.findLastIndex((line) => line.includes('first'));
    const secondBegan = log.findIndex((line) => line.includes('second'));
    expect(firstDone).toBeLessThan(secondBegan);
    const stored = await store.load('s');
    expect(stored).toEqual([...a.newMessages, ...b.newMessages]);
    expect(validateChatRequest({ model: 'gpt-4o', messages: stored }).ok).toBe(true);
    // The second run started from the first run's complete history.
    expect(b.messages.slice(0, a.newMessages.length)).toEqual(a.newMessages);
  });

  it('other sessions, and runs without a session, do not wait', async () => {
    const store = new InMemoryStore();
    // Each run's first tool call holds the gate closed: all four reach it only if none waits for
    // another (a queue shared across sessions would leave this latch short and the test hanging).
    const allStarted = latch(4);
    const { slow, gate, log } = gatedTool(allStarted);
    const agent = new Agent({ name: 'q', model: model(), tools: [slow], memory: { store } });
    const runs = Promise.all([
      agent.run('a', { sessionId: 'one' }),
      agent.run('b', { sessionId: 'two' }),
      agent.run('c'),
      agent.run('c2'),
    ]);
    await allStarted.reached;
    expect([...log].sort()).toEqual(['tool a-0', 'tool b-0', 'tool c-0', 'tool c2-0']);
    gate.resolve();
    expect((await runs).map((r) => r.text)).toEqual([
      'answer to a',
      'answer to b',
      'answer to c',
      'answer to c2',
    ]);
  });

  it('a run waiting for its session can be aborted, and a failed run releases the session', async () => {
    const store = new InMemoryStore();
    const firstToolStarted = deferred();
    const { slow, gate } = gatedTool({ arrive: () => firstToolStarted.resolve() });
    const scripted = model();
    const agent = new Agent({ name: 'q', model: scripted, tools: [slow], memory: { store } });
    const first = agent.run('first', { sessionId: 's' });
    const controller = new AbortController();
    const waiting = agent.run('second', { sessionId: 's', signal: controller.signal });
    // The first run holds the session (it is inside a tool call, the gate closed) when the
    // second gives up.
    await firstToolStarted.promise;
    controller.abort(new Error('gave up waiting'));
    await expect(waiting).rejects.toSatisfy(RunAbortedError.isInstance);
    gate.resolve();
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
