import type { Tool, ToolContext, ToolErrorCode, ToolOutcome } from '@agentloop/tools';
import { ToolRegistry, tool } from '@agentloop/tools';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';

describe('tool() infers execute arguments from the schema', () => {
  it('zod v4: properties typed, optional stays optional, default makes it required, wrong access fails', () => {
    tool({
      name: 'get_weather',
      description: 'Weather',
      parameters: z.object({
        city: z.string(),
        unit: z.enum(['c', 'f']).optional(),
        days: z.number().default(1),
        place: z.object({ lat: z.number(), tags: z.array(z.string()) }),
      }),
      execute: (args, ctx) => {
        expectTypeOf(args.city).toEqualTypeOf<string>();
        expectTypeOf(args.unit).toEqualTypeOf<'c' | 'f' | undefined>();
        expectTypeOf(args.days).toEqualTypeOf<number>();
        expectTypeOf(args.place.tags).toEqualTypeOf<string[]>();
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(ctx.toolCallId).toEqualTypeOf<string>();
        // @ts-expect-error: `country` is not a parameter of this tool.
        args.country;
        // @ts-expect-error: `city` is a string, not a number.
        args.city.toFixed(1);
        return args.city;
      },
    });
  });

  it('zod v3: properties typed, optional stays optional, wrong access fails', () => {
    tool({
      name: 'get_weather_v3',
      description: 'Weather',
      parameters: z3.object({
        city: z3.string(),
        unit: z3.enum(['c', 'f']).optional(),
        days: z3.number().default(1),
      }),
      execute: (args) => {
        expectTypeOf(args.city).toEqualTypeOf<string>();
        expectTypeOf(args.unit).toEqualTypeOf<'c' | 'f' | undefined>();
        expectTypeOf(args.days).toEqualTypeOf<number>();
        // @ts-expect-error: `country` is not a parameter of this tool.
        args.country;
        // @ts-expect-error: `city` is a string, not a number.
        args.city.toFixed(1);
        return args.city;
      },
    });
  });

  it('the returned Tool carries the argument, result and context types', () => {
    const weather = tool({
      name: 'w',
      description: '',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, tempC: 21 }),
    });
    expectTypeOf(weather).toEqualTypeOf<
      Tool<{ city: string }, { city: string; tempC: number }, unknown, 'w'>
    >();
    expectTypeOf(weather.execute).parameter(0).toEqualTypeOf<{ city: string }>();
  });

  it('a non-object schema does not compile', () => {
    tool({
      name: 'bad',
      description: '',
      // @ts-expect-error: parameters must be an object schema.
      parameters: z.string(),
      execute: () => 1,
    });
  });

  it('an annotated ctx types the user context, and registries check it', () => {
    const whoAmI = tool({
      name: 'who_am_i',
      description: '',
      parameters: z.object({}),
      execute: (_args, ctx: ToolContext<{ userId: string }>) => ctx.context.userId,
    });
    expectTypeOf(whoAmI).toEqualTypeOf<
      Tool<Record<string, never>, string, { userId: string }, 'who_am_i'>
    >();
    const registry = new ToolRegistry<{ userId: string }>([whoAmI]);
    void registry.execute(
      { id: '1', name: 'who_am_i', arguments: '{}' },
      { context: { userId: 'u' } },
    );
    // @ts-expect-error: the context must have the registry's type.
    void registry.execute({ id: '1', name: 'who_am_i', arguments: '{}' }, { context: { user: 1 } });
    // @ts-expect-error: a registry without a context type cannot hold a tool that needs one.
    new ToolRegistry<unknown>([whoAmI]);
  });
});

describe('ToolOutcome', () => {
  it('narrows on ok; the error code is the union core relies on', () => {
    const outcome = {} as ToolOutcome;
    expectTypeOf(outcome.output).toEqualTypeOf<string>();
    expectTypeOf(outcome.durationMs).toEqualTypeOf<number>();
    if (outcome.ok) {
      expectTypeOf(outcome.value).toEqualTypeOf<unknown>();
      expectTypeOf(outcome.error).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(outcome.error.code).toEqualTypeOf<ToolErrorCode>();
    }
    expectTypeOf<ToolErrorCode>().toEqualTypeOf<
      | 'invalid_json'
      | 'invalid_arguments'
      | 'unknown_tool'
      | 'tool_error'
      | 'timeout'
      | 'aborted'
      | 'denied'
    >();
  });
});

describe('Tool as "any tool"', () => {
  it('a bare Tool[] accepts tools of any arguments and results', () => {
    const a = tool({
      name: 'a',
      description: '',
      parameters: z.object({ x: z.string() }),
      execute: () => 1,
    });
    const b = tool({
      name: 'b',
      description: '',
      parameters: z3.object({ y: z3.number() }),
      execute: () => 'b',
    });
    const all: Tool[] = [a, b];
    expectTypeOf(all).toEqualTypeOf<Tool[]>();
    const needsContext = tool({
      name: 'c',
      description: '',
      parameters: z.object({}),
      execute: (_args, ctx: ToolContext<{ userId: string }>) => ctx.context.userId,
    });
    // @ts-expect-error: a tool that needs a context is not a tool for any context.
    const wrong: Tool[] = [needsContext];
    const right: Tool<never, unknown, { userId: string }>[] = [needsContext, a];
    void wrong;
    void right;
  });
});

describe('tool names and contexts', () => {
  it('tool() keeps the literal name, so an agent can narrow its calls by it', () => {
    const weather = tool({
      name: 'get_weather',
      description: '',
      parameters: z.object({ city: z.string() }),
      execute: () => 21,
    });
    expectTypeOf(weather.name).toEqualTypeOf<'get_weather'>();
    // A name that is only known at runtime stays a string.
    const dynamicName: string = 'dyn';
    const dynamic = tool({
      name: dynamicName,
      description: '',
      parameters: z.object({}),
      execute: () => 1,
    });
    expectTypeOf(dynamic.name).toEqualTypeOf<string>();
  });

  it('tool.withContext<C>() types ctx.context without annotating ctx', () => {
    const whoAmI = tool.withContext<{ userId: string }>()({
      name: 'who_am_i',
      description: '',
      parameters: z.object({ verbose: z.boolean().optional() }),
      execute: (args, ctx) => {
        expectTypeOf(args).toEqualTypeOf<{ verbose?: boolean | undefined }>();
        expectTypeOf(ctx.context).toEqualTypeOf<{ userId: string }>();
        // @ts-expect-error: the context has no such field.
        ctx.context.orgId;
        return ctx.context.userId;
      },
    });
    expectTypeOf(whoAmI).toEqualTypeOf<
      Tool<{ verbose?: boolean | undefined }, string, { userId: string }, 'who_am_i'>
    >();
    new ToolRegistry<{ userId: string }>([whoAmI]);
    // @ts-expect-error: a registry of another context cannot hold it.
    new ToolRegistry<{ orgId: number }>([whoAmI]);
  });

  it('a success carries the validated arguments, typed by the outcome', () => {
    const outcome = {} as ToolOutcome<number, { city: string }>;
    if (outcome.ok) {
      expectTypeOf(outcome.args).toEqualTypeOf<{ city: string }>();
      expectTypeOf(outcome.value).toEqualTypeOf<number>();
    } else {
      expectTypeOf(outcome.args).toEqualTypeOf<unknown>();
    }
  });
});
