import {
  Agent,
  type Middleware,
  type ModelCallContext,
  type ModelResponse,
  type RunFinishReason,
  type RunMiddlewareContext,
  type RunOptions,
  type RunResult,
  type StopCondition,
  stopAtTool,
  type ToolCallContext,
  type ToolCallContextOf,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { type ToolFailure, type ToolOutcome, ToolRegistry, tool } from '@agentloop/tools';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const model = new ScriptedModel([]);

const getWeather = tool({
  name: 'get_weather',
  description: 'Weather',
  parameters: z.object({ city: z.string(), days: z.number().default(1) }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});
const search = tool({
  name: 'search',
  description: 'Search',
  parameters: z.object({ query: z.string() }),
  execute: ({ query }) => [query],
});
const whoAmI = tool.withContext<{ userId: string }>()({
  name: 'who_am_i',
  description: 'The user',
  parameters: z.object({}),
  execute: (_args, ctx) => ctx.context.userId,
});

describe('middleware types', () => {
  it('every hook gets a context typed by the run context', () => {
    new Agent({
      name: 'ctx',
      model,
      tools: [whoAmI],
      middleware: [
        {
          wrapRun: async (ctx, next) => {
            expectTypeOf(ctx).toEqualTypeOf<RunMiddlewareContext<{ userId: string }>>();
            expectTypeOf(ctx.resumed).toEqualTypeOf<boolean>();
            expectTypeOf(ctx.context.userId).toEqualTypeOf<string>();
            expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
            const result = await next();
            expectTypeOf(result).toEqualTypeOf<RunResult<unknown>>();
            expectTypeOf(result.finishReason).toEqualTypeOf<RunFinishReason | null>();
            return result;
          },
          wrapModelCall: async (ctx, next) => {
            expectTypeOf(ctx).toEqualTypeOf<ModelCallContext<{ userId: string }>>();
            expectTypeOf(ctx.context.userId).toEqualTypeOf<string>();
            expectTypeOf(next).parameter(0).toEqualTypeOf<typeof ctx.request | undefined>();
            expectTypeOf(next).returns.toEqualTypeOf<Promise<ModelResponse>>();
            return next({ ...ctx.request, temperature: 0 });
          },
          wrapToolCall: async (ctx, next) => {
            expectTypeOf(ctx.context.userId).toEqualTypeOf<string>();
            expectTypeOf(ctx.deny).returns.toEqualTypeOf<ToolFailure>();
            expectTypeOf(ctx.interrupt).toEqualTypeOf<(reason?: string) => void>();
            expectTypeOf(ctx.approved).toEqualTypeOf<boolean>();
            expectTypeOf(ctx.restarted).toEqualTypeOf<boolean>();
            expectTypeOf(next).returns.toEqualTypeOf<Promise<ToolOutcome>>();
            return next();
          },
        },
      ],
    });
  });

  it('wrapToolCall narrows on the tool name: args are the validated arguments', () => {
    new Agent({
      name: 'typed',
      model,
      tools: [getWeather, search],
      middleware: [
        {
          wrapToolCall: async (ctx, next) => {
            expectTypeOf(ctx.name).toEqualTypeOf<'get_weather' | 'search'>();
            // @ts-expect-error: the agent has no tool of that name.
            if (ctx.name === 'get_wether') return ctx.deny('typo');
            if (ctx.name === 'get_weather') {
              expectTypeOf(ctx.args).toEqualTypeOf<{ city: string; days: number }>();
              // @ts-expect-error: get_weather takes no query.
              ctx.args.query;
              return next({ ...ctx.args, days: 2 });
            }
            expectTypeOf(ctx.args.query).toEqualTypeOf<string>();
            return next();
          },
        },
      ],
    });
    expectTypeOf<
      ToolCallContextOf<unknown, readonly [typeof getWeather, typeof search]>
    >().toEqualTypeOf<
      | ToolCallContext<unknown, 'get_weather', { city: string; days: number }>
      | ToolCallContext<unknown, 'search', { query: string }>
    >();
  });

  it('run middleware is typed by the agent too', () => {
    const agent = new Agent({ name: 'typed', model, tools: [getWeather, search] });
    void agent.run('x', {
      middleware: [
        {
          wrapToolCall: (ctx, next) => {
            expectTypeOf(ctx.name).toEqualTypeOf<'get_weather' | 'search'>();
            return next();
          },
        },
      ],
    });
  });

  it('a middleware written for any agent fits every agent, and does not change what is inferred', () => {
    const logging: Middleware = {
      wrapModelCall: (_ctx, next) => next(),
      wrapToolCall: (ctx, next) => {
        expectTypeOf(ctx.name).toEqualTypeOf<string>();
        expectTypeOf(ctx.args).toEqualTypeOf<unknown>();
        return next();
      },
    };
    const agent = new Agent({
      name: 'a',
      model,
      tools: [getWeather, whoAmI],
      middleware: [logging],
    });
    agent.on('tool:start', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'get_weather' | 'who_am_i'>();
    });
    void agent.run('x', { context: { userId: 'u' }, middleware: [logging] });
    new Agent({ name: 'r', model, tools: new ToolRegistry([getWeather]), middleware: [logging] });
  });

  it('a middleware needing a context the agent does not give is refused', () => {
    const needsTenant: Middleware<{ tenant: string }> = {
      wrapRun: (ctx, next) => {
        expectTypeOf(ctx.context.tenant).toEqualTypeOf<string>();
        return next();
      },
    };
    // @ts-expect-error: the agent's context (from its tools) has no tenant.
    new Agent({ name: 'a', model, tools: [whoAmI], middleware: [needsTenant] });
  });
});

describe('stopWhen types', () => {
  it('stopAtTool takes one of the agent tools, a predicate sees the typed run', () => {
    new Agent({ name: 'a', model, tools: [getWeather, search], stopWhen: stopAtTool('search') });
    new Agent({
      name: 'a',
      model,
      tools: [getWeather, search],
      stopWhen: [
        stopAtTool('get_weather'),
        (run) => {
          expectTypeOf(run.turn).toEqualTypeOf<number>();
          expectTypeOf(run.text).toEqualTypeOf<string>();
          const last = run.toolCalls.at(-1);
          if (last?.name === 'get_weather' && last.outcome.ok) {
            expectTypeOf(last.outcome.value.tempC).toEqualTypeOf<number>();
          }
          return run.usage.totalTokens > 1000;
        },
      ],
    });
    // @ts-expect-error: the agent has no tool of that name.
    new Agent({ name: 'a', model, tools: [getWeather, search], stopWhen: stopAtTool('serch') });
    // With a wide tool list any name is accepted (and checked when a run starts).
    new Agent({
      name: 'r',
      model,
      tools: new ToolRegistry([getWeather]),
      stopWhen: stopAtTool('x'),
    });
    expectTypeOf(stopAtTool('search')).toExtend<StopCondition>();
  });

  it('a run adds its own conditions: predicates typed alike, names checked when it starts', () => {
    const agent = new Agent({ name: 'a', model, tools: [getWeather, search] });
    void agent.run('x', {
      stopWhen: [
        stopAtTool('search'),
        (run) => {
          const last = run.toolCalls.at(-1);
          if (last?.name === 'search' && last.outcome.ok) {
            expectTypeOf(last.outcome.value).toEqualTypeOf<string[]>();
          }
          return false;
        },
      ],
    });
    // Run options written for any agent fit a typed one.
    const options: RunOptions = { stopWhen: stopAtTool('anything'), middleware: [] };
    void agent.run('x', options);
  });
});
