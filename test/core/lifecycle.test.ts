import {
  Agent,
  type AgentEvent,
  MaxTurnsExceededError,
  type Model,
  RunAbortedError,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { deferred, latch } from '../support/deferred.js';

const echo = tool({
  name: 'echo',
  description: 'Echoes',
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => text,
});

const twoTurns = () =>
  new ScriptedModel([
    {
      toolCalls: [
        { id: 'a', name: 'echo', arguments: { text: 'one' } },
        { id: 'b', name: 'echo', arguments: { text: 'two' } },
      ],
    },
    'done',
  ]);

describe('events', () => {
  it('pins the sequence of a two-turn run with parallel tools', async () => {
    const agent = new Agent({ name: 'e', model: twoTurns(), tools: [echo] });
    const events: AgentEvent[] = [];
    agent.on('*', (e) => events.push(e));
    const result = await agent.run('go');

    const sequence = events.map((e) =>
      e.type.startsWith('tool:') && 'toolCallId' in e ? `${e.type}(${e.toolCallId})` : e.type,
    );
    // Both calls start before either ends (they run concurrently); ends follow completion order.
    expect(sequence.slice(0, 5)).toEqual([
      'run:start',
      'turn:start',
      'model:start',
      'model:end',
      'tool:start(a)',
    ]);
    expect(sequence[5]).toBe('tool:start(b)');
    expect(sequence.slice(6, 8).sort()).toEqual(['tool:end(a)', 'tool:end(b)']);
    expect(sequence.slice(8)).toEqual([
      'turn:end',
      'turn:start',
      'model:start',
      'model:end',
      'turn:end',
      'run:end',
    ]);
    expect(new Set(events.map((e) => e.runId))).toEqual(new Set([result.runId]));
    expect(events.map((e) => e.turn)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  });

  it('a listener that throws (or rejects) never breaks the run', async () => {
    const onListenerError = vi.fn();
    const agent = new Agent({ name: 'e', model: twoTurns(), tools: [echo], onListenerError });
    agent.on('tool:start', () => {
      throw new Error('listener bug');
    });
    agent.on('model:end', async () => {
      throw new Error('async listener bug');
    });
    const result = await agent.run('go');
    expect(result.text).toBe('done');
    await new Promise((resolve) => setImmediate(resolve));
    expect(onListenerError).toHaveBeenCalledTimes(4);
  });

  it('delivers events to per-run hooks as well as agent listeners; off() detaches', async () => {
    const agent = new Agent({ name: 'e', model: twoTurns(), tools: [echo] });
    const agentSeen: string[] = [];
    const listener = (e: AgentEvent) => agentSeen.push(e.type);
    agent.on('*', listener);
    const hookSeen: string[] = [];
    await agent.run('go', {
      hooks: {
        'tool:end': (e) => hookSeen.push(e.toolCallId),
        onEvent: (e) => hookSeen.push(e.type),
      },
    });
    expect(hookSeen.filter((x) => x === 'a' || x === 'b').sort()).toEqual(['a', 'b']);
    expect(hookSeen.at(-1)).toBe('run:end');
    expect(agentSeen.at(-1)).toBe('run:end');
    agent.off('*', listener);
    const before = agentSeen.length;
    // The same agent runs again (its script is used up, so the run fails, but it emits events).
    await agent.run('again').catch(() => {});
    expect(agentSeen.length).toBe(before);
  });

  it('once() hears one event, across runs too, and off() removes a once listener', async () => {
    const agent = new Agent({ name: 'e', model: new ScriptedModel(['one', 'two']) });
    const heard: string[] = [];
    agent.once('turn:start', (e) => heard.push(`turn:start(${e.runId})`));
    agent.once('*', (e) => heard.push(e.type));
    const removed = vi.fn();
    agent.once('run:end', removed);
    agent.off('run:end', removed);
    const first = await agent.run('go');
    await agent.run('again');
    expect(heard).toEqual(['run:start', `turn:start(${first.runId})`]);
    expect(removed).not.toHaveBeenCalled();
  });

  it('a once listener firing removes only itself: re-armed and added ones still fire', async () => {
    const agent = new Agent({ name: 'e', model: new ScriptedModel(['1', '2', '3']) });
    const heard: string[] = [];
    const rearm = () => {
      heard.push('R');
      agent.once('run:start', rearm);
    };
    agent.once('run:start', rearm);
    agent.once('run:start', () => heard.push('C'));
    // A once listener that adds another once listener, followed by one more once listener.
    agent.once('run:end', () => {
      heard.push('A');
      agent.once('run:end', () => heard.push('B'));
    });
    agent.once('run:end', () => heard.push('D'));
    for (const input of ['a', 'b', 'c']) await agent.run(input);
    expect(heard).toEqual(['R', 'C', 'A', 'D', 'R', 'B', 'R']);
  });

  it('a once listener that throws is reported like any other and still removed', async () => {
    const errors: string[] = [];
    const agent = new Agent({
      name: 'e',
      model: new ScriptedModel(['one', 'two']),
      onListenerError: (error, event) => errors.push(`${event.type}: ${(error as Error).message}`),
    });
    agent.once('run:end', () => {
      throw new Error('boom');
    });
    await agent.run('go');
    await agent.run('again');
    expect(errors).toEqual(['run:end: boom']);
  });

  it('a listener added mid-run gets the later events of that run', async () => {
    const agent = new Agent({ name: 'e', model: twoTurns(), tools: [echo] });
    const seen: string[] = [];
    // Only tool:start is listened to at first; its listener subscribes to tool:end and turn:end.
    agent.once('tool:start', () => {
      agent.on('tool:end', (e) => seen.push(`tool:end(${e.toolCallId})`));
      agent.on('turn:end', (e) => seen.push(`turn:end(${e.turn})`));
    });
    const hookTypes: string[] = [];
    await agent.run('go', {
      hooks: { 'model:end': (e) => hookTypes.push(`${e.type}(${e.turn})`) },
    });
    expect(seen.sort()).toEqual(['tool:end(a)', 'tool:end(b)', 'turn:end(1)', 'turn:end(2)']);
    expect(hookTypes).toEqual(['model:end(1)', 'model:end(2)']);
  });
});

describe('maxTurns', () => {
  const loopy = () =>
    new ScriptedModel((_request, index) => ({
      toolCalls: [{ id: `c${index}`, name: 'echo', arguments: { text: `t${index}` } }],
    }));

  it('throws MaxTurnsExceededError carrying the partial result', async () => {
    const agent = new Agent({ name: 'm', model: loopy(), tools: [echo], maxTurns: 3 });
    const events: string[] = [];
    const error = await agent
      .run('go', { hooks: { onEvent: (e) => events.push(e.type) } })
      .catch((e: unknown) => e);
    expect(MaxTurnsExceededError.isInstance(error)).toBe(true);
    const partial = (
      error as MaxTurnsExceededError<{
        turns: number;
        toolCalls: unknown[];
        usage: { totalTokens: number };
      }>
    ).result;
    expect(partial.turns).toBe(3);
    expect(partial.toolCalls).toHaveLength(3);
    expect(partial.usage.totalTokens).toBeGreaterThan(0);
    expect(events.filter((t) => t === 'run:error')).toHaveLength(1);
    expect(events).not.toContain('run:end');
  });

  it("onMaxTurns: 'final-answer' makes one last call with tool_choice 'none'", async () => {
    const model = new ScriptedModel((request, index) =>
      request.tool_choice === 'none'
        ? 'Final answer from what I have.'
        : { toolCalls: [{ id: `c${index}`, name: 'echo', arguments: { text: 'x' } }] },
    );
    const agent = new Agent({
      name: 'm',
      model,
      tools: [echo],
      maxTurns: 2,
      onMaxTurns: 'final-answer',
    });
    const result = await agent.run('go');
    expect(result.text).toBe('Final answer from what I have.');
    expect(result.turns).toBe(3);
    expect(model.requests.at(-1)?.tool_choice).toBe('none');
    expect(model.requests.at(-1)?.tools).toBeDefined();
  });

  it('a run-level maxTurns overrides the agent', async () => {
    const agent = new Agent({ name: 'm', model: loopy(), tools: [echo], maxTurns: 50 });
    const error = await agent.run('go', { maxTurns: 1 }).catch((e: unknown) => e);
    expect((error as MaxTurnsExceededError).maxTurns).toBe(1);
  });
});

describe('cancellation', () => {
  it('an abort during the last turn (from a listener, say) still ends the run aborted', async () => {
    // Without memory there is nothing to save at the end of a turn; the abort must still be
    // checked there, or a run aborted after the answer arrived would report success.
    for (const type of ['model:end', 'turn:start'] as const) {
      const agent = new Agent({ name: 'c', model: new ScriptedModel(['final answer']) });
      const controller = new AbortController();
      agent.on(type, () => controller.abort(new Error(`stopped at ${type}`)));
      const events: string[] = [];
      const error = await agent
        .run('go', { signal: controller.signal, hooks: { onEvent: (e) => events.push(e.type) } })
        .catch((e: unknown) => e);
      expect(RunAbortedError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`stopped at ${type}`);
      expect(events.at(-1)).toBe('run:error');
      expect(events).not.toContain('run:end');
    }
  });

  it('aborts running tools and rejects promptly even when a tool ignores its signal', async () => {
    // A fake clock that the test never moves: the run must reject on the abort itself, not on a
    // grace timer after it (with one, this test would hang until its timeout).
    vi.useFakeTimers();
    try {
      const signals: AbortSignal[] = [];
      const bothStarted = latch(2);
      const stubborn = tool({
        name: 'stubborn',
        description: 'Ignores its signal',
        parameters: z.object({}),
        execute: (_args, ctx) => {
          signals.push(ctx.signal);
          bothStarted.arrive();
          return new Promise(() => {});
        },
      });
      const model = new ScriptedModel([
        {
          toolCalls: [
            { id: 's1', name: 'stubborn', arguments: {} },
            { id: 's2', name: 'stubborn', arguments: {} },
          ],
        },
      ]);
      const agent = new Agent({ name: 'c', model, tools: [stubborn] });
      const controller = new AbortController();
      const events: string[] = [];
      const run = agent
        .run('go', { signal: controller.signal, hooks: { onEvent: (e) => events.push(e.type) } })
        .catch((e: unknown) => e);
      await bothStarted.reached;
      const abortedAt = Date.now();
      controller.abort(new Error('user pressed stop'));
      const error = await run;

      expect(RunAbortedError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('user pressed stop');
      // The bound (within 50 ms of the abort), made exact: no time passed at all.
      expect(Date.now()).toBe(abortedAt);
      expect(signals).toHaveLength(2);
      expect(signals.every((s) => s.aborted)).toBe(true);
      expect(events.filter((t) => t === 'run:error')).toHaveLength(1);
      expect(events).not.toContain('run:end');
    } finally {
      vi.useRealTimers();
    }
  });

  it('aborts the model call in flight', async () => {
    const scripted = new ScriptedModel(['never seen'], { delayMs: 10_000 });
    // The loop also races the call against the abort, so check the signal reached the model.
    let seen: AbortSignal | undefined;
    const called = deferred();
    const model: Model = {
      name: scripted.name,
      generate: (request, options) => {
        seen = options?.signal;
        called.resolve();
        return scripted.generate(request, options);
      },
      stream: (request, options) => scripted.stream(request, options),
    };
    const controller = new AbortController();
    const run = new Agent({ name: 'c', model })
      .run('go', { signal: controller.signal })
      .catch((e: unknown) => e);
    // Abort while the model is waiting out its delay, not before the call began.
    await called.promise;
    expect(seen?.aborted).toBe(false);
    controller.abort();
    const error = await run;
    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(seen?.aborted).toBe(true);
  });

  it('rejects at once for a signal that is already aborted, without calling the model', async () => {
    const model = new ScriptedModel(['x']);
    const error = await new Agent({ name: 'c', model })
      .run('go', { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(model.requests).toHaveLength(0);
  });
});
