/**
 * Issue 12, point 5: the loop's rules hold for whatever middleware does. A middleware that
 * throws fails the run in exactly one `run:error` (it is the user's code, not the model's
 * fault); one that resolves to nonsense fails it with a `ConfigurationError`; an abort while a
 * middleware awaits ends the run with `RunAbortedError`; and streamed runs behave as `run()`.
 */
import {
  Agent,
  type AgentEvent,
  ConfigurationError,
  type Middleware,
  RunAbortedError,
} from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function payAgent(replies: ScriptedReply[], middleware: Middleware[] = []) {
  const paid: number[] = [];
  const pay = tool({
    name: 'pay',
    description: 'Pays an amount',
    parameters: z.object({ amount: z.number() }),
    execute: async ({ amount }) => {
      paid.push(amount);
      return `paid ${amount}`;
    },
  });
  const model = new ScriptedModel(replies);
  const agent = new Agent({ name: 'payer', model, tools: [pay], middleware });
  const events: AgentEvent[] = [];
  agent.on('*', (e) => {
    events.push(e);
  });
  return { agent, model, events, paid };
}

const payCall = (amount = 5, id = 'p1'): ScriptedReply => ({
  toolCalls: [{ id, name: 'pay', arguments: { amount } }],
});

const terminal = (events: readonly AgentEvent[]) =>
  events.filter((e) => e.type === 'run:end' || e.type === 'run:error').map((e) => e.type);

/** A promise, and the function that settles it: "the middleware is inside now". */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const forever = () => new Promise<never>(() => {});

describe('a middleware that throws fails the run, in exactly one run:error', () => {
  const boom = new Error('middleware bug');
  const cases: [string, Middleware][] = [
    [
      'wrapRun, before next',
      {
        wrapRun: () => {
          throw boom;
        },
      },
    ],
    [
      'wrapRun, after next',
      {
        wrapRun: async (_ctx, next) => {
          await next();
          throw boom;
        },
      },
    ],
    ['wrapModelCall', { wrapModelCall: async () => Promise.reject(boom) }],
    [
      'wrapModelCall, after next',
      {
        wrapModelCall: async (_ctx, next) => {
          await next();
          throw boom;
        },
      },
    ],
    [
      'wrapToolCall',
      {
        wrapToolCall: () => {
          throw boom;
        },
      },
    ],
  ];
  for (const [label, middleware] of cases) {
    it(label, async () => {
      const { agent, events } = payAgent([payCall(), 'Paid.'], [middleware]);
      const error = await agent.run('pay').catch((e: unknown) => e);
      expect(error).toBe(boom);
      expect(terminal(events)).toEqual(['run:error']);
      const runError = events.find((e) => e.type === 'run:error');
      expect(runError?.type === 'run:error' && runError.error).toBe(boom);
    });
  }

  it('a throwing wrapToolCall stops the other calls of the turn from starting their tool', async () => {
    const waiting = latch();
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { agent, events, paid } = payAgent(
      [
        {
          toolCalls: [
            { id: 'slow', name: 'pay', arguments: { amount: 1 } },
            { id: 'bad', name: 'pay', arguments: { amount: 2 } },
          ],
        },
        'Paid.',
      ],
      [
        {
          wrapToolCall: async (ctx, next) => {
            if (ctx.toolCallId === 'bad') throw new Error('refused by a bug');
            waiting.open();
            await released;
            return next();
          },
        },
      ],
    );
    const running = agent.run('pay both').catch((e: unknown) => e);
    await waiting.opened;
    const error = await running;
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect((error as Error).message).toBe('refused by a bug');
    expect(paid).toEqual([]);
    expect(events.filter((e) => e.type === 'tool:start')).toEqual([]);
    expect(terminal(events)).toEqual(['run:error']);
  });

  it('a failed outcome a middleware returns is a value the model sees, not a run failure', async () => {
    const { agent, model, paid } = payAgent(
      [payCall(), 'Could not pay.'],
      [
        {
          wrapToolCall: async () => ({
            toolCallId: '',
            name: '',
            ok: false,
            output: 'Error: the payment service is down; try later.',
            error: { code: 'tool_error', message: 'the payment service is down' },
            durationMs: 0,
          }),
        },
      ],
    );
    const result = await agent.run('pay');
    expect(paid).toEqual([]);
    expect(result.text).toBe('Could not pay.');
    expect(model.requests[1]?.messages.at(-1)?.content).toBe(
      'Error: the payment service is down; try later.',
    );
  });
});

describe('what a middleware resolves to is checked', () => {
  it('a wrapModelCall that forgets to return next() fails with a ConfigurationError', async () => {
    const { agent, events } = payAgent(
      ['Hi.'],
      [
        {
          wrapModelCall: async (_ctx, next) => {
            await next();
            return undefined as never;
          },
        },
      ],
    );
    const error = await agent.run('hi').catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('wrapModelCall');
    expect((error as Error).message).toContain('return next()');
    expect(terminal(events)).toEqual(['run:error']);
  });

  it('next(request) without messages fails before the model is called', async () => {
    const { agent, model } = payAgent(
      ['Hi.'],
      [{ wrapModelCall: (ctx, next) => next({ ...ctx.request, messages: [] }) }],
    );
    const error = await agent.run('hi').catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('non-empty "messages"');
    expect(model.callCount).toBe(0);
  });

  it('a wrapToolCall that resolves to something else fails the run, the tool not run', async () => {
    for (const returned of [undefined, 'paid', { ok: true }, { ok: false, output: 'x' }]) {
      const { agent, paid } = payAgent(
        [payCall(), 'Paid.'],
        [{ wrapToolCall: async () => returned as never }],
      );
      const error = await agent.run('pay').catch((e: unknown) => e);
      expect(ConfigurationError.isInstance(error), JSON.stringify(returned)).toBe(true);
      expect((error as Error).message).toContain('tool outcome for the call to "pay"');
      expect(paid).toEqual([]);
    }
  });

  it('a wrapRun that calls next twice is refused: a run cannot run twice', async () => {
    const { agent, model, events } = payAgent(
      ['Hi.', 'Again.'],
      [
        {
          wrapRun: async (_ctx, next) => {
            await next();
            return next();
          },
        },
      ],
    );
    const error = await agent.run('hi').catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('next() a second time');
    expect(model.callCount).toBe(1);
    expect(terminal(events)).toEqual(['run:error']);
  });

  it('a misspelt hook, a hook that is not a function or a list that is not one is refused at once', async () => {
    const model = new ScriptedModel([]);
    expect(
      () => new Agent({ name: 'a', model, middleware: [{ wrapModel: () => {} } as never] }),
    ).toThrow(/none of wrapRun, wrapModelCall, wrapToolCall, events \(it has "wrapModel"\)/);
    expect(
      () => new Agent({ name: 'a', model, middleware: [{ wrapToolCall: 'no' } as never] }),
    ).toThrow(/middleware\[0\]\.wrapToolCall" must be a function/);
    expect(() => new Agent({ name: 'a', model, middleware: {} as never })).toThrow(
      /"middleware" must be a list/,
    );
    const agent = new Agent({ name: 'a', model });
    await expect(agent.run('x', { middleware: [null as never] })).rejects.toThrow(
      /"middleware\[0\]" must be an object/,
    );
  });
});

describe('an abort while a middleware awaits ends the run with RunAbortedError', () => {
  const hooks: [string, (inside: () => void) => Middleware][] = [
    [
      'wrapRun',
      (inside) => ({
        wrapRun: async () => {
          inside();
          return forever();
        },
      }),
    ],
    [
      'wrapModelCall',
      (inside) => ({
        wrapModelCall: async () => {
          inside();
          return forever();
        },
      }),
    ],
    [
      'wrapToolCall',
      (inside) => ({
        wrapToolCall: async () => {
          inside();
          return forever();
        },
      }),
    ],
  ];
  for (const [label, make] of hooks) {
    it(`${label}, even when it ignores ctx.signal`, async () => {
      const entered = latch();
      const { agent, events, paid } = payAgent([payCall(), 'Paid.'], [make(entered.open)]);
      const controller = new AbortController();
      const running = agent.run('pay', { signal: controller.signal }).catch((e: unknown) => e);
      await entered.opened;
      controller.abort(new Error('user left'));
      const error = await running;
      expect(RunAbortedError.isInstance(error)).toBe(true);
      expect(paid).toEqual([]);
      expect(terminal(events)).toEqual(['run:error']);
    });
  }

  it('ctx.signal is aborted too, so a middleware can stop its own work', async () => {
    const entered = latch();
    const reasons: unknown[] = [];
    const { agent } = payAgent(
      ['Hi.'],
      [
        {
          wrapModelCall: (ctx) =>
            new Promise((_resolve, reject) => {
              ctx.signal.addEventListener('abort', () => {
                reasons.push(ctx.signal.reason);
                reject(ctx.signal.reason);
              });
              entered.open();
            }),
        },
      ],
    );
    const controller = new AbortController();
    const running = agent.run('hi', { signal: controller.signal }).catch((e: unknown) => e);
    await entered.opened;
    const reason = new Error('stop');
    controller.abort(reason);
    expect(RunAbortedError.isInstance(await running)).toBe(true);
    expect(reasons).toEqual([reason]);
  });
});

describe('in stream()', () => {
  it('middleware wraps as in run(), and the model still streams its text', async () => {
    const log: string[] = [];
    const { agent } = payAgent(
      [payCall(), 'All paid.'],
      [
        {
          wrapModelCall: async (ctx, next) => {
            log.push(`model ${ctx.turn}`);
            return next();
          },
          wrapToolCall: async (ctx, next) => {
            log.push(`tool ${ctx.name}`);
            return next();
          },
        },
      ],
    );
    const stream = agent.stream('pay');
    const deltas: string[] = [];
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(event.type);
      if (event.type === 'text:delta') deltas.push(event.delta);
    }
    expect(log).toEqual(['model 1', 'tool pay', 'model 2']);
    expect(deltas.join('')).toBe('All paid.');
    expect(deltas.length).toBeGreaterThan(1);
    expect((await stream.result).text).toBe('All paid.');
    expect(seen.at(-1)).toBe('run:end');
  });

  it('a reply that did not come from the model is streamed as one text:delta', async () => {
    const { agent, model } = payAgent(
      [],
      [
        {
          wrapModelCall: async () => ({
            message: { role: 'assistant', content: 'From the cache.' },
            finishReason: 'stop',
          }),
        },
      ],
    );
    const stream = agent.stream('hi');
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'text:delta') deltas.push(event.delta);
    expect(deltas).toEqual(['From the cache.']);
    expect(model.callCount).toBe(0);
    expect((await stream.result).text).toBe('From the cache.');
  });

  it('a consumer that stops reading while a middleware awaits ends the run with RunAbortedError', async () => {
    const entered = latch();
    const { agent, events } = payAgent(
      [payCall(), 'Paid.'],
      [
        {
          wrapToolCall: async () => {
            entered.open();
            return forever();
          },
        },
      ],
    );
    const stream = agent.stream('pay');
    for await (const event of stream) {
      if (event.type === 'model:end') {
        await entered.opened;
        break;
      }
    }
    expect(RunAbortedError.isInstance(await stream.result.catch((e: unknown) => e))).toBe(true);
    expect(terminal(events)).toEqual(['run:error']);
  });
});
