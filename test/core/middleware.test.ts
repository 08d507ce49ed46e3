/**
 * Issue 12, point 5: middleware wraps the run, every model call and every tool call in onion
 * order (agent before run, first listed outermost, `beforeModel` / `beforeTool` as middleware
 * placed before their level's list), and can change the request, the reply, the arguments and
 * the outcome, or answer without calling `next`.
 */
import {
  Agent,
  type AgentEvent,
  type Middleware,
  type ModelResponse,
  type RunOptions,
} from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function weatherAgent(
  replies: ScriptedReply[],
  options: {
    middleware?: Middleware[];
    beforeTool?: () => undefined;
    beforeModel?: () => undefined;
  } = {},
) {
  const ran: unknown[] = [];
  const getWeather = tool({
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: z.object({ city: z.string(), days: z.number().int().default(1) }),
    execute: (args) => {
      ran.push(args);
      return `${args.city}: sunny`;
    },
  });
  const model = new ScriptedModel(replies);
  const agent = new Agent({ name: 'weather', model, tools: [getWeather], ...options });
  const events: AgentEvent[] = [];
  agent.on('*', (e) => {
    events.push(e);
  });
  return { agent, model, events, ran };
}

const weatherCall = (city = 'Oslo', id = 'c1'): ScriptedReply => ({
  toolCalls: [{ id, name: 'get_weather', arguments: { city } }],
});

const types = (events: readonly AgentEvent[], prefix: string) =>
  events.filter((e) => e.type.startsWith(prefix)).map((e) => e.type);

/** A middleware that logs `name>hook` before `next` and `<name hook` after it. */
function tracer(name: string, log: string[]): Middleware {
  return {
    wrapRun: async (_ctx, next) => {
      log.push(`${name}>run`);
      const result = await next();
      log.push(`<${name} run`);
      return result;
    },
    wrapModelCall: async (_ctx, next) => {
      log.push(`${name}>model`);
      const reply = await next();
      log.push(`<${name} model`);
      return reply;
    },
    wrapToolCall: async (_ctx, next) => {
      log.push(`${name}>tool`);
      const outcome = await next();
      log.push(`<${name} tool`);
      return outcome;
    },
  };
}

describe('onion order', () => {
  it('agent middleware wrap run middleware, first listed outermost, for every hook; the shortcuts come first in their level', async () => {
    const log: string[] = [];
    const { agent } = weatherAgent([weatherCall(), 'Sunny.'], {
      middleware: [tracer('A', log), tracer('B', log)],
      beforeModel: () => {
        log.push('agent beforeModel');
        return undefined;
      },
      beforeTool: () => {
        log.push('agent beforeTool');
        return undefined;
      },
    });
    agent.on('model:start', () => {
      log.push('model');
    });
    agent.on('tool:start', () => {
      log.push('tool');
    });
    await agent.run('weather?', {
      middleware: [tracer('C', log)],
      hooks: {
        beforeModel: () => {
          log.push('run beforeModel');
          return undefined;
        },
        beforeTool: () => {
          log.push('run beforeTool');
          return undefined;
        },
      },
    });
    const modelCall = [
      'agent beforeModel',
      'A>model',
      'B>model',
      'run beforeModel',
      'C>model',
      'model',
      '<C model',
      '<B model',
      '<A model',
    ];
    expect(log).toEqual([
      'A>run',
      'B>run',
      'C>run',
      ...modelCall,
      'agent beforeTool',
      'A>tool',
      'B>tool',
      'run beforeTool',
      'C>tool',
      'tool',
      '<C tool',
      '<B tool',
      '<A tool',
      ...modelCall,
      '<C run',
      '<B run',
      '<A run',
    ]);
  });

  it('wrapRun wraps the loop: after run:start, before run:end', async () => {
    const order: string[] = [];
    const { agent } = weatherAgent(['Hi.'], {
      middleware: [
        {
          wrapRun: async (ctx, next) => {
            order.push(`wrapRun ${ctx.agent} ${typeof ctx.input}`);
            const result = await next();
            order.push('wrapRun done');
            return result;
          },
        },
      ],
    });
    agent.on('*', (e) => {
      if (e.type === 'run:start' || e.type === 'turn:start' || e.type === 'run:end') {
        order.push(e.type);
      }
    });
    await agent.run('hi');
    expect(order).toEqual([
      'run:start',
      'wrapRun weather string',
      'turn:start',
      'wrapRun done',
      'run:end',
    ]);
  });
});

describe('changing what passes through', () => {
  it('a changed request is what the model gets, what model:start shows and what inner middleware see', async () => {
    const seenInside: unknown[] = [];
    const { agent, model, events } = weatherAgent(['Hi.'], {
      middleware: [
        {
          wrapModelCall: (ctx, next) =>
            next({
              ...ctx.request,
              temperature: 0.25,
              messages: [{ role: 'system', content: 'Be brief.' }, ...ctx.request.messages],
            }),
        },
        {
          wrapModelCall: (ctx, next) => {
            seenInside.push(ctx.request.temperature);
            return next();
          },
        },
      ],
    });
    await agent.run('hi');
    expect(seenInside).toEqual([0.25]);
    expect(model.requests[0]?.temperature).toBe(0.25);
    expect(model.requests[0]?.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    const start = events.find((e) => e.type === 'model:start');
    expect(start?.type === 'model:start' && start.request.messages[0]).toEqual({
      role: 'system',
      content: 'Be brief.',
    });
  });

  it('a changed reply is what the loop goes on with: its tool calls run, the model sees it next, the result has its text', async () => {
    const { agent, model, events, ran } = weatherAgent(['draft', 'It is sunny in Oslo.'], {
      middleware: [
        {
          // Turns the model's first reply into a tool call, and shouts the final answer.
          wrapModelCall: async (ctx, next) => {
            const reply = await next();
            if (ctx.turn === 1) {
              return {
                ...reply,
                finishReason: 'tool_calls',
                message: {
                  role: 'assistant',
                  content: null,
                  tool_calls: [
                    {
                      id: 'added',
                      type: 'function',
                      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
                    },
                  ],
                },
              };
            }
            return { ...reply, message: { ...reply.message, content: 'IT IS SUNNY IN OSLO.' } };
          },
        },
      ],
    });
    const result = await agent.run('weather?');
    expect(ran).toEqual([{ city: 'Oslo', days: 1 }]);
    expect(events.find((e) => e.type === 'tool:start')).toMatchObject({ toolCallId: 'added' });
    expect(model.requests[1]?.messages.slice(-2)).toMatchObject([
      { role: 'assistant', tool_calls: [{ id: 'added' }] },
      { role: 'tool', tool_call_id: 'added', content: 'Oslo: sunny' },
    ]);
    expect(result.text).toBe('IT IS SUNNY IN OSLO.');
    const end = events.find((e) => e.type === 'run:end');
    expect(end?.type === 'run:end' && end.result.text).toBe('IT IS SUNNY IN OSLO.');
    // model:end shows what the model itself sent.
    const ends = events.flatMap((e) =>
      e.type === 'model:end' ? [e.response.message.content] : [],
    );
    expect(ends).toEqual(['draft', 'It is sunny in Oslo.']);
  });

  it('changed arguments are validated, seen by inner middleware and tool:start, run, and kept on the record', async () => {
    const inner: unknown[] = [];
    const { agent, events, ran } = weatherAgent([weatherCall('Oslo'), 'Done.'], {
      middleware: [
        { wrapToolCall: (ctx, next) => next({ ...(ctx.args as object), city: 'Bergen' }) },
        {
          wrapToolCall: (ctx, next) => {
            inner.push(ctx.args, ctx.description);
            return next();
          },
        },
      ],
    });
    const result = await agent.run('weather?');
    expect(inner).toEqual([{ city: 'Bergen', days: 1 }, 'Weather for a city']);
    expect(ran).toEqual([{ city: 'Bergen', days: 1 }]);
    expect(events.find((e) => e.type === 'tool:start')).toMatchObject({
      args: { city: 'Bergen', days: 1 },
    });
    expect(result.toolCalls[0]?.arguments).toEqual({ city: 'Bergen', days: 1 });
    expect(result.toolCalls[0]?.outcome.args).toEqual({ city: 'Bergen', days: 1 });
  });

  it('invalid changed arguments answer next with invalid_arguments: nothing further in, no tool:start', async () => {
    const inner: unknown[] = [];
    const seen: unknown[] = [];
    const { agent, events, ran } = weatherAgent([weatherCall('Oslo'), 'Done.'], {
      middleware: [
        {
          wrapToolCall: async (_ctx, next) => {
            const outcome = await next({ city: 42 });
            seen.push(outcome.error?.code);
            return outcome;
          },
        },
        {
          wrapToolCall: (ctx, next) => {
            inner.push(ctx.args);
            return next();
          },
        },
      ],
    });
    const result = await agent.run('weather?');
    expect(seen).toEqual(['invalid_arguments']);
    expect(inner).toEqual([]);
    expect(ran).toEqual([]);
    expect(types(events, 'tool:')).toEqual(['tool:end']);
    expect(result.toolCalls[0]?.outcome.error?.code).toBe('invalid_arguments');
  });

  it('a changed outcome is what the model sees, tool:end carries and the result records', async () => {
    const { agent, model, events } = weatherAgent([weatherCall(), 'Done.'], {
      middleware: [
        {
          wrapToolCall: async (_ctx, next) => {
            const outcome = await next();
            return { ...outcome, output: `${outcome.output} (checked)` };
          },
        },
      ],
    });
    const result = await agent.run('weather?');
    expect(model.requests[1]?.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'c1',
      content: 'Oslo: sunny (checked)',
    });
    const end = events.find((e) => e.type === 'tool:end');
    expect(end?.type === 'tool:end' && end.outcome.output).toBe('Oslo: sunny (checked)');
    expect(result.toolCalls[0]?.outcome.output).toBe('Oslo: sunny (checked)');
  });

  it('wrapRun may change the result: the caller and run:end get the changed one', async () => {
    const { agent, events } = weatherAgent(['Hi.'], {
      middleware: [
        {
          wrapRun: async (_ctx, next) => {
            const result = await next();
            return { ...result, text: `${result.text} [reviewed]` };
          },
        },
      ],
    });
    const result = await agent.run('hi');
    expect(result.text).toBe('Hi. [reviewed]');
    const end = events.find((e) => e.type === 'run:end');
    expect(end?.type === 'run:end' && end.result.text).toBe('Hi. [reviewed]');
  });
});

describe('short-circuits', () => {
  it('a cached reply: the model is not called, no model:start or model:end, no usage', async () => {
    const cache = new Map<string, ModelResponse>();
    const caching: Middleware = {
      wrapModelCall: async (ctx, next) => {
        const key = JSON.stringify(ctx.request.messages);
        const hit = cache.get(key);
        if (hit) return hit;
        const reply = await next();
        cache.set(key, reply);
        return reply;
      },
    };
    const { agent, model, events } = weatherAgent(['Hi there.'], { middleware: [caching] });
    const first = await agent.run('hi');
    expect(model.callCount).toBe(1);
    events.length = 0;
    const second = await agent.run('hi');
    expect(model.callCount).toBe(1);
    expect(second.text).toBe(first.text);
    expect(second.usage.totalTokens).toBe(0);
    expect(types(events, 'model:')).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['run:start', 'turn:start', 'turn:end', 'run:end']);
  });

  it('a tool answered by middleware does not run: no tool:start, a tool:end with the outcome, for this call', async () => {
    const { agent, model, events, ran } = weatherAgent([weatherCall('Oslo', 'now'), 'Done.'], {
      middleware: [
        {
          // An outcome kept from an earlier call: its id and name are set to this call's.
          wrapToolCall: async () => ({
            toolCallId: 'earlier',
            name: 'get_weather',
            ok: true,
            output: 'Oslo: cached',
            value: 'Oslo: cached',
            args: { city: 'Oslo', days: 1 },
            durationMs: 0,
          }),
        },
      ],
    });
    const result = await agent.run('weather?');
    expect(ran).toEqual([]);
    expect(types(events, 'tool:')).toEqual(['tool:end']);
    const end = events.find((e) => e.type === 'tool:end');
    expect(end).toMatchObject({ toolCallId: 'now', outcome: { ok: true, output: 'Oslo: cached' } });
    expect(end).not.toHaveProperty('denied');
    expect(result.toolCalls[0]?.outcome.toolCallId).toBe('now');
    expect(model.requests[1]?.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'now',
      content: 'Oslo: cached',
    });
  });

  it('ctx.deny(reason): the tool does not run, tool:end says denied, the model sees the reason', async () => {
    const { agent, model, events, ran } = weatherAgent([weatherCall(), 'Sorry.'], {
      middleware: [{ wrapToolCall: async (ctx) => ctx.deny('weather is for members only') }],
    });
    const result = await agent.run('weather?');
    expect(ran).toEqual([]);
    expect(types(events, 'tool:')).toEqual(['tool:end']);
    expect(events.find((e) => e.type === 'tool:end')).toMatchObject({
      denied: true,
      outcome: { ok: false, error: { code: 'denied' } },
    });
    expect(result.toolCalls[0]?.outcome.error?.code).toBe('denied');
    expect(String(model.requests[1]?.messages.at(-1)?.content)).toContain(
      'weather is for members only',
    );
  });

  it('a short-circuit in an outer middleware asks no inner one', async () => {
    const log: string[] = [];
    const { agent, model } = weatherAgent([], {
      middleware: [
        {
          wrapModelCall: async () => ({
            message: { role: 'assistant', content: 'From the cache.' },
            finishReason: 'stop',
          }),
        },
        tracer('inner', log),
      ],
    });
    const result = await agent.run('hi');
    expect(result.text).toBe('From the cache.');
    expect(log).toEqual(['inner>run', '<inner run']);
    expect(model.callCount).toBe(0);
  });
});

describe('calling next more than once', () => {
  it('wrapModelCall may retry: each call is a model call with its events and usage', async () => {
    const { agent, model, events } = weatherAgent(['not json', '{"ok":true}'], {
      middleware: [
        {
          wrapModelCall: async (_ctx, next) => {
            const first = await next();
            return first.message.content?.startsWith('{') ? first : next();
          },
        },
      ],
    });
    const result = await agent.run('hi');
    expect(result.text).toBe('{"ok":true}');
    expect(model.callCount).toBe(2);
    expect(types(events, 'model:')).toEqual([
      'model:start',
      'model:end',
      'model:start',
      'model:end',
    ]);
    const usages = events.flatMap((e) => (e.type === 'model:end' ? [e.usage.totalTokens] : []));
    expect(result.usage.totalTokens).toBe((usages[0] ?? 0) + (usages[1] ?? 0));
    expect(result.turns).toBe(1);
  });

  it('wrapToolCall may retry: the tool runs again, with a tool:start each time and one tool:end', async () => {
    let attempts = 0;
    const flaky = tool({
      name: 'flaky',
      description: 'Fails once',
      parameters: z.object({}),
      execute: () => {
        attempts += 1;
        if (attempts === 1) throw new Error('try again');
        return 'worked';
      },
    });
    const agent = new Agent({
      name: 'retry',
      model: new ScriptedModel([{ toolCalls: [{ name: 'flaky', arguments: {} }] }, 'Done.']),
      tools: [flaky],
      middleware: [
        {
          wrapToolCall: async (_ctx, next) => {
            const outcome = await next();
            return outcome.ok ? outcome : next();
          },
        },
      ],
    });
    const events: string[] = [];
    agent.on('*', (e) => {
      if (e.type === 'tool:start' || e.type === 'tool:end') events.push(e.type);
    });
    const result = await agent.run('go');
    expect(attempts).toBe(2);
    expect(events).toEqual(['tool:start', 'tool:start', 'tool:end']);
    expect(result.toolCalls[0]?.outcome).toMatchObject({ ok: true, output: 'worked' });
  });
});

describe('the run context reaches every hook', () => {
  it('ctx carries the run id, turn, agent, context, the run signal and the tool’s description', async () => {
    const seen: Record<string, unknown>[] = [];
    const controller = new AbortController();
    const record: Middleware<{ user: string }> = {
      wrapRun: (ctx, next) => {
        seen.push({ hook: 'run', runId: ctx.runId, user: ctx.context.user, signal: ctx.signal });
        return next();
      },
      wrapModelCall: (ctx, next) => {
        seen.push({ hook: 'model', turn: ctx.turn, model: ctx.model, user: ctx.context.user });
        return next();
      },
      wrapToolCall: (ctx, next) => {
        seen.push({
          hook: 'tool',
          turn: ctx.turn,
          id: ctx.toolCallId,
          name: ctx.name,
          description: ctx.description,
        });
        return next();
      },
    };
    const { agent } = weatherAgent([weatherCall(), 'Done.']);
    const options: RunOptions<{ user: string }> = {
      context: { user: 'ada' },
      signal: controller.signal,
      middleware: [record],
    };
    const result = await (agent as unknown as Agent<{ user: string }>).run('weather?', options);
    expect(seen).toMatchObject([
      { hook: 'run', runId: result.runId, user: 'ada' },
      { hook: 'model', turn: 1, model: 'gpt-4o-mini', user: 'ada' },
      { hook: 'tool', turn: 1, id: 'c1', name: 'get_weather', description: 'Weather for a city' },
      { hook: 'model', turn: 2 },
    ]);
    // The run's own signal (never the caller's, which many runs may share).
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(seen[0]?.signal).not.toBe(controller.signal);
  });
});
