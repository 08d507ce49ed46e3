import { ToolRegistry, tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { deferred, settleEventLoop } from '../support/deferred.js';

const weather = tool({
  name: 'get_weather',
  description: 'Weather',
  parameters: z.object({
    city: z.string(),
    days: z.number().int().max(7),
    stops: z.array(z.object({ name: z.string() })).optional(),
  }),
  execute: ({ city }) => `sunny in ${city}`,
});
const weatherV3 = tool({
  name: 'get_weather_v3',
  description: 'Weather',
  parameters: z3.object({ city: z3.string(), days: z3.number() }),
  execute: ({ city }) => `sunny in ${city}`,
});

const call = (name: string, args: unknown) => ({
  id: 'call_9',
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});

/** A tool whose execute is the given function. */
const failing = (execute: () => unknown, extra: { timeoutMs?: number } = {}) =>
  tool({ name: 'flaky', description: '', parameters: z.object({}), execute, ...extra });

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('faults the model causes are outcomes it can act on', () => {
  const registry = new ToolRegistry([weather, weatherV3]);

  it('malformed JSON', async () => {
    const outcome = await registry.execute(call('get_weather', '{"city": "Paris",'));
    expect(outcome).toMatchObject({ ok: false, toolCallId: 'call_9', name: 'get_weather' });
    expect(outcome.error?.code).toBe('invalid_json');
    expect(outcome.output).toMatch(
      /^Error: the arguments for tool "get_weather" are not valid JSON \(.+\)/,
    );
    expect(outcome.output).toContain('Received: {"city": "Paris",');
    expect(outcome.output).toMatch(/call the tool again/);
    expect(outcome.args).toBeUndefined();
  });

  it('JSON that is not an object', async () => {
    const outcome = await registry.execute(call('get_weather', '["Paris"]'));
    expect(outcome.error?.code).toBe('invalid_arguments');
    expect(outcome.output).toContain('expected a JSON object, received array');
  });

  it('an empty argument string means no arguments', async () => {
    const noArgs = tool({
      name: 'now',
      description: '',
      parameters: z.object({}),
      execute: () => 'noon',
    });
    const outcome = await new ToolRegistry([noArgs]).execute(call('now', ''));
    expect(outcome).toMatchObject({ ok: true, output: 'noon' });
  });

  it('arguments failing the schema name each failing path and what was expected (zod v4)', async () => {
    const outcome = await registry.execute(
      call('get_weather', { city: 42, days: 9, stops: [{ name: 'a' }, { name: false }] }),
    );
    expect(outcome.error?.code).toBe('invalid_arguments');
    expect(outcome.output).toBe(
      'Error: invalid arguments for tool "get_weather": city: expected string, received number; ' +
        'days: too big: expected number to be <=7; stops[1].name: expected string, received boolean. ' +
        'Fix the arguments and call the tool again.',
    );
    expect(outcome.error?.message).toContain('city: expected string, received number');
  });

  it('arguments failing the schema (zod v3), a missing key included', async () => {
    const outcome = await registry.execute(call('get_weather_v3', { city: 42 }));
    expect(outcome.error?.code).toBe('invalid_arguments');
    expect(outcome.output).toContain('city: expected string, received number');
    expect(outcome.output).toContain('days: expected number, received undefined');
  });

  it('an unknown tool lists the tools that exist', async () => {
    const outcome = await registry.execute(call('get_wether', {}));
    expect(outcome.error?.code).toBe('unknown_tool');
    expect(outcome.output).toBe(
      'Error: unknown tool "get_wether"; available tools: get_weather, get_weather_v3. Call one of the available tools by its exact name.',
    );
    const empty = await new ToolRegistry().execute(call('x', {}));
    expect(empty.output).toContain('available tools: (none)');
  });

  it('async refinements are awaited; a refinement that throws is a tool_error', async () => {
    const checked = tool({
      name: 'checked',
      description: '',
      parameters: z.object({ n: z.number() }).refine(async ({ n }) => {
        if (n < 0) throw new Error('refine blew up');
        return n % 2 === 0;
      }, 'n must be even'),
      execute: ({ n }) => n,
    });
    const registry2 = new ToolRegistry([checked]);
    expect(await registry2.execute(call('checked', { n: 2 }))).toMatchObject({
      ok: true,
      value: 2,
    });
    const odd = await registry2.execute(call('checked', { n: 3 }));
    expect(odd.output).toContain('(root): n must be even');
    const blown = await registry2.execute(call('checked', { n: -1 }));
    expect(blown.error?.code).toBe('tool_error');
    expect(blown.output).toContain('refine blew up');
  });

  it('a validator that throws at once is a tool_error naming the validation, with the args', async () => {
    const parameters = z.object({ n: z.number() });
    const throwing = tool({ name: 'throwing', description: '', parameters, execute: () => 'ran' });
    // A Standard Schema whose validate throws synchronously, not from inside a promise.
    Object.defineProperty(parameters, '~standard', {
      value: {
        version: 1,
        vendor: 'test',
        validate: () => {
          throw new Error('sync boom');
        },
      },
    });
    const outcome = await new ToolRegistry([throwing]).execute(call('throwing', { n: 1 }));
    expect(outcome).toMatchObject({ ok: false, args: { n: 1 } });
    expect(outcome.error?.message).toBe('validating the arguments threw: sync boom');
  });

  it('never rejects, even when what a refinement threw cannot be described', async () => {
    const hostile = tool({
      name: 'hostile',
      description: '',
      parameters: z.object({ n: z.number() }).refine(async () => {
        // A thrown value whose message getter itself throws.
        throw {
          get message(): string {
            throw new Error('getter boom');
          },
        };
      }),
      execute: () => 'ran',
    });
    const outcome = await new ToolRegistry([hostile]).execute(call('hostile', { n: 1 }));
    expect(outcome).toMatchObject({ ok: false, args: { n: 1 } });
    expect(outcome.error?.message).toBe('unexpected failure: getter boom');
  });
});

describe('a tool that throws', () => {
  it.each([
    [
      'an Error (message, never the stack)',
      () => Promise.reject(new Error('City not found')),
      'City not found',
    ],
    [
      'a TypeError (named)',
      () => Promise.reject(new TypeError('x is not a function')),
      'TypeError: x is not a function',
    ],
    [
      'synchronously',
      () => {
        throw new Error('sync boom');
      },
      'sync boom',
    ],
    ['a string', () => Promise.reject('plain string'), 'plain string'],
    [
      'an object with a message',
      () => Promise.reject({ message: 'from object', status: 500 }),
      'from object',
    ],
    ['an object without a message', () => Promise.reject({ status: 500 }), '{"status":500}'],
    ['undefined', () => Promise.reject(undefined), '(the tool threw undefined)'],
    ['null', () => Promise.reject(null), '(the tool threw null)'],
  ])('%s', async (_label, execute, message) => {
    const outcome = await new ToolRegistry([failing(execute)]).execute(call('flaky', {}));
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('tool_error');
    expect(outcome.output).toBe(`Error: tool "flaky" failed: ${message}`);
    expect(outcome.output).not.toMatch(/\n\s+at /);
    expect(outcome.error?.message).toBe(message);
  });

  it('keeps the thrown value as error.cause for the program', async () => {
    const boom = new Error('City not found');
    const outcome = await new ToolRegistry([failing(() => Promise.reject(boom))]).execute(
      call('flaky', {}),
    );
    expect(outcome.error?.cause).toBe(boom);
  });
});

describe('timeouts', () => {
  // A fake clock: a timeout fires when the test moves time past it, not after a real wait.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns at the timeout even if the tool never settles, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const hang = tool({
      name: 'hang',
      description: '',
      parameters: z.object({}),
      timeoutMs: 30,
      execute: (_args, ctx) => {
        seen = ctx.signal;
        return new Promise<never>(() => {});
      },
    });
    let settled = false;
    const pending = new ToolRegistry([hang]).execute(call('hang', {})).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(29);
    expect(settled).toBe(false);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await pending;
    expect(outcome.error?.code).toBe('timeout');
    expect(outcome.output).toMatch(/^Error: tool "hang" timed out after 30 ms and was cancelled\./);
    expect(seen?.aborted).toBe(true);
    expect((seen!.reason as DOMException).name).toBe('TimeoutError');
    expect((seen!.reason as DOMException).message).toContain('30 ms');
    expect(outcome.durationMs).toBe(30);
  });

  it('the registry timeout applies to tools without their own; the tool setting wins', async () => {
    const slow = (name: string, timeoutMs?: number) =>
      tool({
        name,
        description: '',
        parameters: z.object({}),
        ...(timeoutMs ? { timeoutMs } : {}),
        execute: () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), 80)),
      });
    const registry = new ToolRegistry([slow('a'), slow('b', 2_000)], { timeoutMs: 20 });
    const a = registry.execute(call('a', {}));
    await vi.advanceTimersByTimeAsync(20);
    expect((await a).error?.code).toBe('timeout');
    // The tool's own 2 s wins over the registry's 20 ms: it finishes at 80 ms.
    const b = registry.execute(call('b', {}));
    await vi.advanceTimersByTimeAsync(80);
    expect(await b).toMatchObject({ ok: true, output: 'done' });
  });

  it('a tool that rejects after its timeout causes no unhandled rejection', async () => {
    const late = failing(
      () => new Promise((_resolve, reject) => setTimeout(() => reject(new Error('late')), 40)),
      { timeoutMs: 10 },
    );
    const pending = new ToolRegistry([late]).execute(call('flaky', {}));
    await vi.advanceTimersByTimeAsync(10);
    expect((await pending).error?.code).toBe('timeout');
    // The tool rejects at 40 ms; Node reports an unhandled rejection on its next turn.
    await vi.advanceTimersByTimeAsync(30);
    await settleEventLoop();
    expect(unhandled).toEqual([]);
  });
});

describe('aborts', () => {
  it('the caller signal aborts the tool signal and resolves promptly with aborted', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const started = deferred();
    // Rejects only when the test says, after the outcome is in.
    const late = deferred<never>();
    const hang = tool({
      name: 'hang',
      description: '',
      parameters: z.object({}),
      execute: (_args, ctx) => {
        seen = ctx.signal;
        started.resolve();
        return late.promise;
      },
    });
    const pending = new ToolRegistry([hang]).execute(call('hang', {}), {
      signal: controller.signal,
    });
    await started.promise;
    controller.abort(new Error('user cancelled'));
    const outcome = await pending;
    expect(outcome.error?.code).toBe('aborted');
    expect(outcome.output).toContain('the run was aborted');
    expect(seen?.aborted).toBe(true);
    expect((seen!.reason as Error).message).toBe('user cancelled');
    late.reject(new Error('later'));
    await settleEventLoop();
    expect(unhandled).toEqual([]);
  });

  it('settleOnAbort: false passes the abort to the tool but waits for it, with no listener', async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    let seen: AbortSignal | undefined;
    const started = deferred();
    const finish = deferred();
    const slow = tool({
      name: 'slow',
      description: '',
      parameters: z.object({}),
      execute: async (_args, ctx) => {
        seen = ctx.signal;
        started.resolve();
        await finish.promise;
        return ctx.signal.aborted ? 'saw the abort' : 'finished';
      },
    });
    let settled = false;
    const pending = new ToolRegistry([slow]).execute(call('slow', {}), {
      signal: controller.signal,
      settleOnAbort: false,
    });
    void pending.finally(() => {
      settled = true;
    });
    await started.promise;
    controller.abort(new Error('run failed'));
    // Aborted, but the outcome waits for the tool to finish.
    await settleEventLoop();
    expect(settled).toBe(false);
    finish.resolve();
    const outcome = await pending;
    expect(outcome).toMatchObject({ ok: true, output: 'saw the abort' });
    expect(seen?.aborted).toBe(true);
    expect(add).not.toHaveBeenCalled();
  });

  it('settleOnAbort: false with a timeout still aborts the tool on the caller abort', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const started = deferred();
    const finish = deferred();
    const slow = tool({
      name: 'slow',
      description: '',
      parameters: z.object({}),
      timeoutMs: 1_000,
      execute: async (_args, ctx) => {
        seen = ctx.signal;
        started.resolve();
        await finish.promise;
        return 'finished';
      },
    });
    const pending = new ToolRegistry([slow]).execute(call('slow', {}), {
      signal: controller.signal,
      settleOnAbort: false,
    });
    await started.promise;
    controller.abort(new Error('run failed'));
    // The tool has its own signal (for the timeout); the caller's abort still reaches it.
    expect(seen?.aborted).toBe(true);
    expect(((seen as AbortSignal).reason as Error).message).toBe('run failed');
    finish.resolve();
    expect(await pending).toMatchObject({ ok: true, output: 'finished' });
  });

  it('an already aborted signal does not start the tool', async () => {
    const execute = vi.fn(() => 'ran');
    const registry = new ToolRegistry([failing(execute)]);
    const outcome = await registry.execute(call('flaky', {}), { signal: AbortSignal.abort() });
    expect(outcome.error?.code).toBe('aborted');
    expect(execute).not.toHaveBeenCalled();
  });

  it('leaves no listener on the caller signal, whatever the ending', async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const registry = new ToolRegistry([
      failing(() => 'fine'),
      tool({
        name: 'boom',
        description: '',
        parameters: z.object({}),
        execute: () => Promise.reject(new Error('x')),
      }),
      tool({
        name: 'hang',
        description: '',
        parameters: z.object({}),
        timeoutMs: 5,
        execute: () => new Promise(() => {}),
      }),
    ]);
    // The hanging tool's 5 ms timeout passes on a fake clock.
    vi.useFakeTimers();
    try {
      for (const name of ['flaky', 'boom', 'hang']) {
        const pending = registry.execute(call(name, {}), { signal: controller.signal });
        await vi.advanceTimersByTimeAsync(5);
        await pending;
      }
    } finally {
      vi.useRealTimers();
    }
    expect(add).toHaveBeenCalledTimes(3);
    expect(remove).toHaveBeenCalledTimes(3);
    for (const [index, [type, listener]] of add.mock.calls.entries()) {
      expect(remove.mock.calls[index]).toEqual([type, listener]);
    }
  });

  it('passes toolCallId, runId and context to the tool', async () => {
    const ctxSeen = vi.fn();
    const spy = tool({
      name: 'spy',
      description: '',
      parameters: z.object({}),
      execute: (_args, ctx) => {
        ctxSeen({ toolCallId: ctx.toolCallId, runId: ctx.runId, context: ctx.context });
        return 'ok';
      },
    });
    await new ToolRegistry<{ user: string }>([spy]).execute(call('spy', {}), {
      runId: 'run_1',
      context: { user: 'u42' },
    });
    expect(ctxSeen).toHaveBeenCalledWith({
      toolCallId: 'call_9',
      runId: 'run_1',
      context: { user: 'u42' },
    });
  });
});

describe('execute never rejects', () => {
  it('for any argument text, tool or signal state', async () => {
    const registry = new ToolRegistry([
      weather,
      failing(() => {
        throw 'x';
      }),
    ]);
    const texts = ['', '{', 'null', '1', '"s"', '{"city":null}', '{"__proto__":{"x":1}}', '\u0000'];
    const outcomes = await Promise.all(
      texts.flatMap((text) =>
        ['get_weather', 'flaky', 'nope'].map((name) => registry.execute(call(name, text))),
      ),
    );
    for (const outcome of outcomes) expect(typeof outcome.output).toBe('string');
  });
});
