/**
 * Whatever a tool throws, rejects with or returns, however hostile (a Proxy whose every trap
 * throws, a revoked Proxy, getters, `toString` or `then` that throw), the call resolves to an
 * outcome the model sees: `ToolRegistry.execute` never rejects, and an Agent run goes on to its
 * one terminal event.
 */
import { types } from 'node:util';
import { Agent, type AgentEvent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { formatToolOutput, ToolRegistry, tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { settleEventLoop } from '../support/deferred.js';

const TRAPS = [
  'get',
  'set',
  'has',
  'deleteProperty',
  'ownKeys',
  'getOwnPropertyDescriptor',
  'defineProperty',
  'getPrototypeOf',
  'setPrototypeOf',
  'isExtensible',
  'preventExtensions',
  'apply',
  'construct',
] as const;

/**
 * A Proxy every trap of which throws: by default the proxy itself, so that whatever catches
 * the throw holds a value just as hostile, and nothing can be read from it at all.
 */
function hostile({
  target = {},
  throws,
}: {
  target?: object;
  throws?: () => unknown;
} = {}): object {
  const handler: ProxyHandler<object> = {};
  const proxy: object = new Proxy(target, handler);
  for (const trap of TRAPS) {
    handler[trap] = () => {
      throw throws ? throws() : proxy;
    };
  }
  return proxy;
}

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** An object whose every conversion to text throws a hostile proxy. */
function unprintable(): object {
  return {
    get message(): string {
      throw hostile();
    },
    get name(): string {
      throw hostile();
    },
    toString() {
      throw hostile();
    },
    valueOf() {
      throw hostile();
    },
    [Symbol.toPrimitive]() {
      throw hostile();
    },
    toJSON() {
      throw hostile();
    },
  };
}

function errorWith(property: 'message' | 'name' | 'stack'): Error {
  const error = new Error('original');
  Object.defineProperty(error, property, {
    get() {
      throw hostile();
    },
  });
  return error;
}

/** A native promise whose own `then` and `constructor` throw a hostile proxy when read. */
function boobyTrappedPromise(): Promise<unknown> {
  const promise = Promise.resolve('fine');
  for (const key of ['then', 'constructor']) {
    Object.defineProperty(promise, key, {
      get() {
        throw hostile();
      },
    });
  }
  return promise;
}

/** A thenable whose `then` getter throws a hostile proxy. */
function thenGetterThrows(): object {
  return {
    // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of the test.
    get then() {
      throw hostile();
    },
  };
}

/** Values a tool throws (and rejects with). */
const THROWN: [string, () => unknown][] = [
  ['a Proxy whose traps throw an Error', () => hostile({ throws: () => new Error('trap') })],
  ['a Proxy whose traps throw the Proxy itself', () => hostile()],
  ['a function Proxy whose traps throw itself', () => hostile({ target: () => {} })],
  ['a Proxy of an Error whose traps throw itself', () => hostile({ target: new Error('x') })],
  ['a revoked Proxy', revoked],
  ['an object whose message, toString and toPrimitive throw', unprintable],
  ['an Error whose message getter throws a hostile Proxy', () => errorWith('message')],
  ['an Error whose name getter throws a hostile Proxy', () => errorWith('name')],
  ['an object whose message is a hostile Proxy', () => ({ message: hostile() })],
  ['an Error whose cause is a hostile Proxy', () => new Error('with cause', { cause: hostile() })],
  ['a symbol', () => Symbol('odd')],
  ['a function', () => function thrownFunction() {}],
  ['a BigInt', () => 12n],
];

/** Values a tool returns, fulfilled or not. */
const RETURNED: [string, () => unknown][] = [
  ['a hostile Proxy', () => hostile()],
  ['a revoked Proxy', revoked],
  ['a thenable whose then getter throws a hostile Proxy', thenGetterThrows],
  [
    'a thenable that throws a hostile Proxy from then',
    () => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of the test.
      then() {
        throw hostile();
      },
    }),
  ],
  [
    'a thenable that rejects with a hostile Proxy',
    () => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of the test.
      then(_resolve: unknown, reject: (reason: unknown) => void) {
        reject(hostile());
      },
    }),
  ],
  ['a thenable that fulfils with a hostile Proxy', () => Promise.resolve(hostile())],
  ['a promise rejecting with a hostile Proxy', () => Promise.reject(hostile())],
  ['a promise whose own then and constructor throw', boobyTrappedPromise],
  [
    'an object with a getter throwing a hostile Proxy',
    () => ({
      ok: 1,
      get bad() {
        throw hostile();
      },
    }),
  ],
  ['an object whose toJSON throws a hostile Proxy', unprintable],
  [
    'an object whose toJSON returns a hostile Proxy',
    () => ({ toJSON: () => hostile({ throws: () => new Error('x') }) }),
  ],
  ['an Error whose cause is a hostile Proxy', () => new Error('e', { cause: hostile() })],
  ['a Map keyed by a hostile Proxy', () => new Map([[hostile(), 1]])],
  ['an array holding a hostile Proxy', () => [1, hostile(), revoked()]],
  ['an Error whose message getter throws a hostile Proxy', () => errorWith('message')],
];

const call = (name: string) => ({ id: 'call_h', name, arguments: '{}' });
const toolOf = (execute: () => unknown, extra: { timeoutMs?: number } = {}) =>
  tool({ name: 'hostile', description: 'misbehaves', parameters: z.object({}), execute, ...extra });

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** Runs a call, failing the test with a readable message if `execute` rejects. */
async function settle(
  registry: ToolRegistry,
  options: Parameters<ToolRegistry['execute']>[1] = {},
) {
  let rejected = false;
  const outcome = await registry.execute(call('hostile'), options).catch(() => {
    rejected = true;
    return undefined;
  });
  expect(rejected, 'registry.execute rejected').toBe(false);
  if (!outcome) throw new Error('unreachable');
  expect(outcome.toolCallId).toBe('call_h');
  expect(typeof outcome.output).toBe('string');
  return outcome;
}

describe('a tool that throws a hostile value', () => {
  it.each(THROWN)('synchronously: %s', async (_label, make) => {
    const outcome = await settle(
      new ToolRegistry([
        toolOf(() => {
          throw make();
        }),
      ]),
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('tool_error');
    expect(outcome.output).toMatch(/^Error: tool "hostile" failed: \S/);
  });

  it.each(THROWN)('by rejecting: %s', async (_label, make) => {
    const outcome = await settle(new ToolRegistry([toolOf(() => Promise.reject(make()))]));
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('tool_error');
    expect(outcome.output).toMatch(/^Error: tool "hostile" failed: \S/);
  });

  it('keeps the thrown value as the cause, and says it could not be read', async () => {
    const thrown = hostile();
    const outcome = await settle(
      new ToolRegistry([
        toolOf(() => {
          throw thrown;
        }),
      ]),
    );
    // Compared by identity: a failed toBe would try to print the proxy.
    expect(outcome.error?.cause === thrown).toBe(true);
    expect(outcome.output).toBe(
      'Error: tool "hostile" failed: unexpected failure: the tool threw a value that cannot be read (every access to it throws)',
    );
  });

  it('names a symbol and a function instead of printing null', async () => {
    const symbol = await settle(new ToolRegistry([toolOf(() => Promise.reject(Symbol('odd')))]));
    expect(symbol.output).toBe('Error: tool "hostile" failed: Symbol(odd)');
    const fn = await settle(
      new ToolRegistry([
        toolOf(() => {
          throw function thrownFunction() {};
        }),
      ]),
    );
    expect(fn.output).toBe('Error: tool "hostile" failed: (the tool threw a function)');
  });
});

describe('a tool that returns a hostile value', () => {
  it.each(RETURNED)('%s', async (_label, make) => {
    const outcome = await settle(new ToolRegistry([toolOf(make)]));
    if (outcome.ok) expect(outcome.output).toContain('[Unserializable');
    else expect(outcome.output).toMatch(/^Error: tool "hostile" failed: \S/);
  });

  it('keeps what could be serialised next to what could not', async () => {
    const outcome = await settle(
      new ToolRegistry([
        toolOf(() => ({
          ok: 1,
          get bad() {
            throw hostile();
          },
        })),
      ]),
    );
    expect(outcome.ok).toBe(true);
    expect(JSON.parse(outcome.output)).toEqual({
      ok: 1,
      bad: '[Unserializable: a value that cannot be read (every access to it throws)]',
    });
  });

  it('formatToolOutput itself never throws', () => {
    const threw: string[] = [];
    for (const [label, make] of [...RETURNED, ...THROWN]) {
      try {
        const value = make();
        // A rejected promise is formatted like any object, but must not go unhandled.
        if (types.isPromise(value) && !label.includes('own then')) {
          Promise.prototype.then.call(value, undefined, () => {});
        }
        expect(typeof formatToolOutput(value)).toBe('string');
      } catch {
        threw.push(label);
      }
    }
    expect(threw).toEqual([]);
  });
});

describe('hostile values on the timeout and abort paths', () => {
  it('a tool that rejects with a hostile value after its timeout', async () => {
    // A fake clock: the timeout (5 ms) and the late rejection (30 ms) come when the test says.
    vi.useFakeTimers();
    try {
      const pending = settle(
        new ToolRegistry([
          toolOf(
            () =>
              new Promise((_resolve, reject) => {
                setTimeout(() => reject(hostile()), 30);
              }),
            { timeoutMs: 5 },
          ),
        ]),
      );
      await vi.advanceTimersByTimeAsync(5);
      expect((await pending).error?.code).toBe('timeout');
      await vi.advanceTimersByTimeAsync(25);
      // Node reports an unhandled rejection on its next turn.
      await settleEventLoop();
      expect(unhandled.length).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  for (const settleOnAbort of [true, false]) {
    it(`an abort whose reason is a hostile Proxy (settleOnAbort: ${settleOnAbort})`, async () => {
      const controller = new AbortController();
      let seen: AbortSignal | undefined;
      const registry = new ToolRegistry([
        tool({
          name: 'hostile',
          description: '',
          parameters: z.object({}),
          execute: (_args, ctx) => {
            seen = ctx.signal;
            return new Promise((_resolve, reject) => {
              ctx.signal.addEventListener('abort', () => reject(hostile()), { once: true });
            });
          },
        }),
      ]);
      const pending = settle(registry, { signal: controller.signal, settleOnAbort });
      await Promise.resolve();
      controller.abort(hostile());
      const outcome = await pending;
      expect(seen?.aborted).toBe(true);
      expect(outcome.ok).toBe(false);
      expect(outcome.error?.code).toBe(settleOnAbort ? 'aborted' : 'tool_error');
      await settleEventLoop();
      expect(unhandled.length).toBe(0);
    });
  }
});

describe('an Agent run with a tool that throws a hostile value', () => {
  const cases: [string, () => unknown][] = [
    [
      'throws a Proxy whose traps throw itself',
      () => {
        throw hostile();
      },
    ],
    ['rejects with a revoked Proxy', () => Promise.reject(revoked())],
    ['returns a thenable whose then getter throws', thenGetterThrows],
    ['returns a hostile Proxy', () => hostile()],
  ];
  it.each(cases)('%s: one terminal event, and the model sees a tool message', async (_l, make) => {
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'call_h', name: 'hostile', arguments: {} }] },
      'recovered',
    ]);
    const agent = new Agent({ name: 'hostile-run', model, tools: [toolOf(make)] });
    const events: AgentEvent['type'][] = [];
    agent.on('*', (event) => {
      events.push(event.type);
    });
    // A rejection is caught here: the test runner cannot print a hostile value.
    const result = await agent.run('go').catch(() => 'rejected' as const);
    expect(result === 'rejected' ? result : result.output).toBe('recovered');
    expect(events.filter((type) => type === 'run:end' || type === 'run:error')).toEqual([
      'run:end',
    ]);
    expect(events.at(-1)).toBe('run:end');
    const toolMessage = model.requests[1]?.messages.find((message) => message.role === 'tool');
    expect(toolMessage).toMatchObject({ role: 'tool', tool_call_id: 'call_h' });
    expect(typeof toolMessage?.content).toBe('string');
    expect(unhandled.length).toBe(0);
  });

  it('the same through agent.stream()', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'call_h', name: 'hostile', arguments: {} }] },
      'recovered',
    ]);
    const agent = new Agent({
      name: 'hostile-stream',
      model,
      tools: [
        toolOf(() => {
          throw hostile();
        }),
      ],
    });
    const types: string[] = [];
    let rejected = false;
    try {
      for await (const event of agent.stream('go')) types.push(event.type);
    } catch {
      rejected = true;
    }
    expect(rejected).toBe(false);
    expect(types.filter((type) => type === 'run:end' || type === 'run:error')).toEqual(['run:end']);
    expect(model.requests).toHaveLength(2);
  });
});
