/**
 * Tools that misbehave: throwing values that are not errors, returning undefined, a circular
 * object or 10 MB, never settling, settling after the run was aborted. Every run stays bounded in
 * time and memory, ends with exactly one run:end / run:error and nothing after it, and no
 * rejection goes unhandled.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, type AgentEvent, RunAbortedError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { type Tool, tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { deferred, settleEventLoop } from '../support/deferred.js';
import { watchUnhandledRejections } from './fault-harness.js';

const MB = 1024 * 1024;
const unhandled = watchUnhandledRejections();
beforeEach(() => unhandled.start());
afterEach(async () => {
  await unhandled.stop();
  expect(unhandled.seen).toEqual([]);
  unhandled.seen.length = 0;
});

/** A zod-typed tool with no arguments around `execute`. */
function misbehaving(name: string, execute: Tool['execute'], timeoutMs?: number) {
  return tool({
    name,
    description: `Misbehaves: ${name}`,
    parameters: z.object({}),
    execute: execute as () => unknown,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
}

/**
 * One turn calling `name`, then an answer; returns the result, the tool message and the time.
 * `drive` runs while the run is in flight (to move a fake clock, or to abort at a known point).
 */
async function runOnce(
  t: ReturnType<typeof misbehaving>,
  options: { signal?: AbortSignal; drive?: () => Promise<unknown> } = {},
) {
  const model = new ScriptedModel([
    { toolCalls: [{ id: 'call_1', name: t.name, arguments: {} }] },
    'Carried on.',
  ]);
  const events: AgentEvent[] = [];
  const agent = new Agent({ name: 'tools', model, tools: [t] });
  agent.on('*', (event) => {
    events.push(event);
  });
  const started = performance.now();
  const pending = agent.run('Go.', options.signal ? { signal: options.signal } : {}).then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await options.drive?.();
  const settled = await pending;
  const elapsedMs = performance.now() - started;
  const toolMessage = model.requests[1]?.messages.find((m) => m.role === 'tool');
  return { settled, elapsedMs, events, content: toolMessage?.content as string | undefined };
}

/** Runs the garbage collector, made available for this check. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('tools that throw what is not an Error', () => {
  const thrown: Array<[string, unknown]> = [
    ['a string', 'boom'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', { code: 'E_NOPE', detail: { deep: true } }],
    ['a symbol', Symbol('weird')],
    [
      'an object whose toString throws',
      {
        toString: () => {
          throw new Error('nope');
        },
      },
    ],
  ];

  it.each(thrown)(
    '%s, thrown or rejected: the model sees a failure and the run completes',
    async (_name, value) => {
      for (const style of ['sync', 'async'] as const) {
        const t = misbehaving('thrower', () => {
          if (style === 'sync') throw value;
          return Promise.reject(value);
        });
        const { settled, content } = await runOnce(t);
        if (!settled.ok) throw settled.error;
        expect(settled.result.text).toBe('Carried on.');
        expect(content).toMatch(/^Error: tool "thrower" failed/);
        expect(settled.result.toolCalls[0]?.outcome).toMatchObject({
          ok: false,
          error: { code: 'tool_error' },
        });
      }
    },
  );
});

describe('tools that return what is awkward to send', () => {
  it('undefined: the run completes with a string tool message', async () => {
    const { settled, content } = await runOnce(misbehaving('nothing', async () => undefined));
    if (!settled.ok) throw settled.error;
    expect(typeof content).toBe('string');
    expect(settled.result.toolCalls[0]?.outcome.ok).toBe(true);
  });

  it('a circular object, BigInt and a throwing getter: serialised without throwing', async () => {
    const value: Record<string, unknown> = { n: 10n };
    value.self = value;
    Object.defineProperty(value, 'bad', {
      enumerable: true,
      get() {
        throw new Error('getter exploded');
      },
    });
    const { settled, content } = await runOnce(misbehaving('circular', async () => value));
    if (!settled.ok) throw settled.error;
    expect(content).toContain('[Circular]');
    expect(content).toContain('"10"');
    expect(content).toContain('getter exploded');
  });

  it('10 MB, as a string and as an object: the message is cut, memory is given back', async () => {
    const big = [
      misbehaving('big_string', async () => 'x'.repeat(10 * MB)),
      misbehaving('big_object', async () => ({
        rows: Array.from({ length: 200_000 }, (_, i) => ({ i, text: 'y'.repeat(40) })),
      })),
    ];
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let round = 0; round < 5; round++) {
      for (const t of big) {
        const { settled, content, elapsedMs } = await runOnce(t);
        if (!settled.ok) throw settled.error;
        // Cut to the 20,000-character default with a marker saying how much was cut.
        expect(content?.length).toBeLessThan(21_000);
        expect(content).toMatch(/cut|truncated|omitted/i);
        expect(JSON.stringify(settled.result.messages).length).toBeLessThan(50_000);
        expect(elapsedMs).toBeLessThan(10_000);
      }
    }
    collectGarbage();
    // Ten runs of 10 MB each leave nothing of it behind.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(30 * MB);
  });
});

describe('tools that do not settle in time', () => {
  // A fake clock (performance.now too): a timeout passes when the test moves time, and a run's
  // time is what the clock was moved by.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never settling, with a timeout: the model sees the timeout and the run completes', async () => {
    const t = misbehaving('stuck', () => new Promise(() => {}), 50);
    const { settled, content, elapsedMs } = await runOnce(t, {
      drive: () => vi.advanceTimersByTimeAsync(50),
    });
    if (!settled.ok) throw settled.error;
    expect(content).toContain('timed out after 50 ms');
    expect(settled.result.toolCalls[0]?.outcome.error?.code).toBe('timeout');
    expect(elapsedMs).toBe(50);
  });

  it('never settling and ignoring its signal: an abort ends the run at once', async () => {
    const controller = new AbortController();
    const started = deferred();
    const t = misbehaving('deaf', () => {
      started.resolve();
      return new Promise(() => {});
    });
    const { settled, elapsedMs, events } = await runOnce(t, {
      signal: controller.signal,
      drive: async () => {
        await started.promise;
        controller.abort(new Error('user left'));
      },
    });
    expect(settled.ok).toBe(false);
    expect(RunAbortedError.isInstance((settled as { error: unknown }).error)).toBe(true);
    // No time passed: the run did not wait on any timer after the abort.
    expect(elapsedMs).toBe(0);
    expect(events.at(-1)?.type).toBe('run:error');
  });

  it.each(['resolves', 'rejects'] as const)(
    'a tool that %s after the abort: the run is aborted, the late value goes nowhere',
    async (how) => {
      const controller = new AbortController();
      const started = deferred();
      // Settles when the test says, once the run has ended.
      const late = deferred<string>();
      const t = misbehaving('late', () => {
        started.resolve();
        return late.promise;
      });
      const { settled, events } = await runOnce(t, {
        signal: controller.signal,
        drive: async () => {
          await started.promise;
          controller.abort();
        },
      });
      expect(settled.ok).toBe(false);
      const error = (settled as { error: RunAbortedError }).error;
      expect(RunAbortedError.isInstance(error)).toBe(true);
      const eventsAtEnd = events.length;
      if (how === 'resolves') late.resolve('too late');
      else late.reject(new Error('too late'));
      await settleEventLoop();
      // Nothing happens after the run's last event, and the late value is in no message.
      expect(events.length).toBe(eventsAtEnd);
      expect(events.filter((e) => e.type === 'run:error')).toHaveLength(1);
      expect(JSON.stringify(error.result)).not.toContain('too late');
    },
  );
});
