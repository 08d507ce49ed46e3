/**
 * Issue 11 point 8: `deadlineMs` bounds a whole run. When it passes, whatever runs is cancelled
 * (the model request, the wait between retries, every tool through `ctx.signal`), no retry is
 * attempted past it, and the run ends with one `run:error` carrying a `DeadlineExceededError`.
 * And the bounds are validated: a bad value is a `ConfigurationError` naming the option.
 */
import {
  Agent,
  type AgentEvent,
  ConfigurationError,
  DeadlineExceededError,
  type Model,
  type ModelCallOptions,
  type RunOptions,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function settle(agent: Agent, mode: 'run' | 'stream', options: RunOptions = {}) {
  const events: AgentEvent[] = [];
  const started = Date.now();
  const hooks = { onEvent: (event: AgentEvent) => void events.push(event) };
  const pending = (async () => {
    if (mode === 'run') return agent.run('go', { ...options, hooks });
    const stream = agent.stream('go', { ...options, hooks });
    for await (const _event of stream) {
      // Drain.
    }
    return stream.result;
  })().then(
    (result) => ({ result, error: undefined as unknown }),
    (error: unknown) => ({ result: undefined, error }),
  );
  let done = false;
  void pending.then(() => {
    done = true;
  });
  for (let i = 0; i < 10_000 && !done; i++) await vi.advanceTimersToNextTimerAsync();
  return { ...(await pending), events, elapsed: Date.now() - started };
}

const terminal = (events: AgentEvent[]) =>
  events.filter((e) => e.type === 'run:end' || e.type === 'run:error');

describe.each(['run', 'stream'] as const)('deadlineMs (%s)', (mode) => {
  it('ends the run while a tool runs, aborting its signal, even when it ignores it', async () => {
    const signals: AbortSignal[] = [];
    const stubborn = tool({
      name: 'stubborn',
      description: 'Never finishes and ignores its signal',
      parameters: z.object({}),
      execute: (_args, ctx) => {
        signals.push(ctx.signal);
        return new Promise<never>(() => {});
      },
    });
    const model = new ScriptedModel([{ toolCalls: [{ name: 'stubborn', arguments: {} }] }, 'x']);
    const agent = new Agent({ name: 'd', model, tools: [stubborn] });
    const outcome = await settle(agent, mode, { deadlineMs: 2000 });

    expect(DeadlineExceededError.isInstance(outcome.error)).toBe(true);
    const error = outcome.error as DeadlineExceededError;
    expect(error.code).toBe('deadline_exceeded');
    expect(error.deadlineMs).toBe(2000);
    expect(error.message).toMatch(/deadline of 2000 ms \(deadlineMs\)/);
    expect(error.toJSON()).toMatchObject({ code: 'deadline_exceeded', deadlineMs: 2000 });
    // The partial result holds the turn's tool call.
    expect(error.result).toMatchObject({ turns: 1 });
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toMatchObject({ name: 'TimeoutError' });
    expect(outcome.elapsed).toBe(2000);
    expect(terminal(outcome.events).map((e) => e.type)).toEqual(['run:error']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is not retried past: a silent model ends at the deadline, not after every attempt', async () => {
    const calls: ModelCallOptions[] = [];
    const silent: Model = {
      name: 'silent',
      generate: (_request, options = {}) => {
        calls.push(options);
        return new Promise<never>(() => {});
      },
      stream: (_request, options = {}) => {
        calls.push(options);
        return (async function* () {
          await new Promise<never>(() => {});
        })();
      },
    };
    const agent = new Agent({
      name: 'd',
      model: silent,
      retry: { maxRetries: 10, baseDelayMs: 10, maxDelayMs: 10 },
      timeouts: { firstByteMs: 1000 },
    });
    const outcome = await settle(agent, mode, { deadlineMs: 2500 });
    expect(DeadlineExceededError.isInstance(outcome.error)).toBe(true);
    expect(outcome.elapsed).toBe(2500);
    // Attempts at 0, ~1010 and ~2020; none after the deadline, and every one cancelled.
    expect(calls).toHaveLength(3);
    expect(calls.every((call) => call.signal?.aborted)).toBe(true);
    expect(outcome.events.filter((e) => e.type === 'model:retry')).toHaveLength(2);
    expect(terminal(outcome.events).map((e) => e.type)).toEqual(['run:error']);
  });

  it('a run that finishes in time is unaffected and leaves no timer', async () => {
    const agent = new Agent({ name: 'd', model: new ScriptedModel(['Hi.'], { delayMs: 100 }) });
    const outcome = await settle(agent, mode, { deadlineMs: 1000 });
    expect(outcome.error).toBeUndefined();
    expect(outcome.result?.text).toBe('Hi.');
    expect(outcome.elapsed).toBe(100);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('validation', () => {
  const model = () => new ScriptedModel(['ok']);
  const bad: [string, unknown][] = [
    ['zero', 0],
    ['negative', -5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '1000'],
    ['beyond what a timer holds', 2 ** 31],
  ];

  it.each(bad)(
    'agent timeouts.firstByteMs / idleMs: %s is refused at construction',
    (_n, value) => {
      for (const key of ['firstByteMs', 'idleMs']) {
        const build = () =>
          new Agent({ name: 'v', model: model(), timeouts: { [key]: value } as never });
        expect(build).toThrow(ConfigurationError);
        expect(build).toThrow(new RegExp(`"timeouts\\.${key}" must be a positive, finite number`));
      }
    },
  );

  it.each(bad)('run deadlineMs and timeouts: %s is refused', async (_n, value) => {
    const agent = new Agent({ name: 'v', model: model() });
    const runDeadline = agent.run('go', { deadlineMs: value as number });
    await expect(runDeadline).rejects.toThrow(ConfigurationError);
    await expect(runDeadline).rejects.toMatchObject({ option: 'deadlineMs' });
    await expect(agent.run('go', { timeouts: { idleMs: value as number } })).rejects.toMatchObject({
      code: 'invalid_config',
      option: 'timeouts.idleMs',
    });
    expect(() => agent.stream('go', { deadlineMs: value as number })).toThrow(ConfigurationError);
  });

  it('refuses a timeouts that is not an object, or has an unknown bound', () => {
    expect(() => new Agent({ name: 'v', model: model(), timeouts: 5000 as never })).toThrow(
      /"timeouts" must be an object/,
    );
    expect(
      () => new Agent({ name: 'v', model: model(), timeouts: { deadlineMs: 5 } as never }),
    ).toThrow(/"timeouts\.deadlineMs" is not an option.*deadlineMs/);
  });
});
