/**
 * A middleware's `events`: listeners for the events of the runs it is in, called inside the
 * step that emits them, for what only events tell (a model call's retries, its first chunk).
 */
import { Agent, type AgentEvent, type Middleware, ModelError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const busy = () => new ModelError({ message: 'busy', retryable: true, status: 503 });
const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  parameters: z.object({ key: z.string() }),
  execute: ({ key }) => `value of ${key}`,
});

describe('middleware events', () => {
  it('reach a middleware inside the step that emits them: a retry while its wrapModelCall awaits next()', async () => {
    const seen: string[] = [];
    let inside = false;
    const watcher: Middleware = {
      wrapModelCall: async (_ctx, next) => {
        inside = true;
        try {
          return await next();
        } finally {
          inside = false;
        }
      },
      events: {
        'model:retry': (event) => seen.push(`retry ${event.attempt} inside=${inside}`),
        'model:end': () => seen.push(`end inside=${inside}`),
      },
    };
    const model = new ScriptedModel([busy(), 'Hello.']);
    const agent = new Agent({
      name: 'a',
      model,
      middleware: [watcher],
      retry: { baseDelayMs: 0, maxDelayMs: 0 },
    });
    await agent.run('hi');
    expect(seen).toEqual(['retry 1 inside=true', 'end inside=true']);
  });

  it('onEvent gets every event of the run, in order, also for a middleware given to one run only', async () => {
    const types: string[] = [];
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'lookup', arguments: { key: 'k' } }] },
      'Done.',
    ]);
    const agent = new Agent({ name: 'a', model, tools: [lookup] });
    const all: AgentEvent[] = [];
    agent.on('*', (event) => all.push(event));
    await agent.run('go', { middleware: [{ events: { onEvent: (e) => types.push(e.type) } }] });
    expect(types).toEqual(all.map((e) => e.type));
    expect(types[0]).toBe('run:start');
    expect(types.at(-1)).toBe('run:end');
    // A run without that middleware does not call it.
    const before = types.length;
    await new Agent({ name: 'b', model: new ScriptedModel(['x']) }).run('go');
    expect(types.length).toBe(before);
  });

  it('makes the loop build the events it listens to, streamed chunks included', async () => {
    const deltas: string[] = [];
    const model = new ScriptedModel(['Hello there, friend.']);
    const agent = new Agent({
      name: 'a',
      model,
      middleware: [{ events: { 'text:delta': (e) => deltas.push(e.delta) } }],
    });
    const stream = agent.stream('hi');
    await stream.result;
    expect(deltas.join('')).toBe('Hello there, friend.');
    expect(deltas.length).toBeGreaterThan(1);
  });

  it('a listener that throws never breaks the run', async () => {
    const reported: string[] = [];
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel(['ok']),
      onListenerError: (_error, event) => reported.push(event.type),
      middleware: [
        {
          events: {
            'run:start': () => {
              throw new Error('boom');
            },
          },
        },
      ],
    });
    const result = await agent.run('hi');
    expect(result.text).toBe('ok');
    expect(reported).toEqual(['run:start']);
  });

  it('events that are not listeners, or name no event, are refused when the agent is made', () => {
    const model = new ScriptedModel([]);
    expect(() => new Agent({ name: 'a', model, middleware: [{ events: 'x' as never }] })).toThrow(
      /"middleware\[0\]\.events" must be an object of listeners/,
    );
    expect(
      () =>
        new Agent({
          name: 'a',
          model,
          middleware: [{ events: { 'model:retried': () => {} } as never }],
        }),
    ).toThrow(/listener for "model:retried", which is no event type/);
    expect(
      () => new Agent({ name: 'a', model, middleware: [{ events: { 'run:end': 1 } as never }] }),
    ).toThrow(/"middleware\[0\]\.events\.run:end" must be a function/);
  });
});
