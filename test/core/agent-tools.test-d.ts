import {
  Agent,
  type AgentEvent,
  type AgentOptions,
  type AnyEventListener,
  type BeforeTool,
  type EventListener,
  type EventOf,
  type RunHooks,
  type RunResult,
  type ToolCallInfo,
  type ToolCallRecord,
  type ToolEndEvent,
  type ToolStartEvent,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import {
  type AnyTool,
  type Tool,
  type ToolContext,
  type ToolFailure,
  type ToolOutcome,
  ToolRegistry,
  tool,
} from '@agentloop/tools';
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
const orgOnly = tool({
  name: 'org',
  description: 'The organisation',
  parameters: z.object({}),
  execute: (_args, ctx: ToolContext<{ orgId: number }>) => ctx.context.orgId,
});

describe('an agent types its tool calls from its tools (inferred form)', () => {
  const agent = new Agent({ name: 'typed', model, tools: [getWeather, search] });

  it('tool:end narrows on the name: outcome.value and outcome.args of a success are typed', () => {
    agent.on('tool:end', (event) => {
      if (event.name === 'get_weather' && event.outcome.ok) {
        expectTypeOf(event.outcome.value).toEqualTypeOf<{ city: string; tempC: number }>();
        expectTypeOf(event.outcome.args).toEqualTypeOf<{ city: string; days: number }>();
      }
      if (event.name === 'search' && event.outcome.ok) {
        expectTypeOf(event.outcome.value).toEqualTypeOf<string[]>();
        // @ts-expect-error: `search` returns an array, not the weather.
        event.outcome.value.tempC;
      }
      if (!event.outcome.ok) expectTypeOf(event.outcome.args).toEqualTypeOf<unknown>();
      expectTypeOf(event.name).toExtend<string>();
    });
  });

  it('a name the model invented stays representable, as a failed call', () => {
    type ToolEnd = EventOf<'tool:end', [typeof getWeather, typeof search]>;
    const invented = {
      type: 'tool:end',
      runId: 'r',
      turn: 1,
      agent: 'a',
      path: ['a'],
      toolCallId: 'c',
      name: 'made_up',
      outcome: {} as ToolFailure,
    } as const;
    expectTypeOf(invented).toExtend<ToolEnd>();
    // Only a failure: a tool the agent does not have can never succeed.
    expectTypeOf({ ...invented, outcome: {} as ToolOutcome }).not.toExtend<ToolEnd>();
  });

  it('the run result lists typed tool calls', async () => {
    const result = await agent.run('x');
    expectTypeOf(result).toEqualTypeOf<RunResult<string, (typeof getWeather | typeof search)[]>>();
    for (const call of result.toolCalls) {
      if (call.name === 'get_weather' && call.outcome.ok) {
        expectTypeOf(call.outcome.value.tempC).toEqualTypeOf<number>();
      }
      // The arguments as the model sent them are not validated: unknown.
      expectTypeOf(call.arguments).toEqualTypeOf<unknown>();
    }
    expectTypeOf(result.toolCalls[0]).toExtend<ToolCallRecord | undefined>();
  });

  it('beforeTool is asked only about the agent tools: its name is their union', () => {
    new Agent({
      name: 'gated',
      model,
      tools: [getWeather, search],
      beforeTool: (call) => {
        expectTypeOf(call.name).toEqualTypeOf<'get_weather' | 'search'>();
        // @ts-expect-error: the agent has no tool of that name.
        if (call.name === 'get_wether') return { action: 'deny', reason: 'typo' };
        // The arguments are validated first: narrowing on the name types them.
        if (call.name === 'get_weather') {
          expectTypeOf(call.args).toEqualTypeOf<{ city: string; days: number }>();
          // @ts-expect-error: get_weather takes no query.
          call.args.query;
        }
        if (call.name === 'search') expectTypeOf(call.args.query).toEqualTypeOf<string>();
        return undefined;
      },
    });
    // A gate written for any tool fits any agent.
    const anyGate: BeforeTool<unknown> = () => undefined;
    new Agent({ name: 'g', model, tools: [getWeather], beforeTool: anyGate });
  });

  it('run hooks and the "*" listener get the typed events', () => {
    void agent.run('x', {
      hooks: {
        'tool:end': (event) => {
          if (event.name === 'search' && event.outcome.ok) {
            expectTypeOf(event.outcome.value).toEqualTypeOf<string[]>();
          }
        },
        beforeTool: (call) => {
          expectTypeOf(call.name).toEqualTypeOf<'get_weather' | 'search'>();
          return undefined;
        },
      },
    });
    agent.on('*', (event) => {
      if (event.type === 'tool:end' && event.name === 'get_weather' && event.outcome.ok) {
        expectTypeOf(event.outcome.value.tempC).toEqualTypeOf<number>();
      }
    });
  });

  it('tool:start narrows on the name: args are the validated arguments', () => {
    agent.on('tool:start', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'get_weather' | 'search'>();
      if (event.name === 'get_weather') {
        expectTypeOf(event.args).toEqualTypeOf<{ city: string; days: number }>();
        // @ts-expect-error: get_weather takes no query.
        event.args.query;
      }
      if (event.name === 'search') expectTypeOf(event.args).toEqualTypeOf<{ query: string }>();
      // @ts-expect-error: only a tool the agent has starts; no invented name.
      if (event.name === 'made_up') return;
    });
    agent.on('*', (event) => {
      if (event.type === 'tool:start' && event.name === 'search') {
        expectTypeOf(event.args.query).toEqualTypeOf<string>();
      }
    });
    void agent.run('x', {
      hooks: {
        'tool:start': (event) => {
          if (event.name === 'get_weather') expectTypeOf(event.args.days).toEqualTypeOf<number>();
        },
      },
    });
    expectTypeOf<EventOf<'tool:start', [typeof getWeather]>>().toEqualTypeOf<
      ToolStartEvent<'get_weather', { city: string; days: number }>
    >();
  });

  it('options, hooks and listeners written for any agent still fit a typed one', () => {
    const options: AgentOptions = { name: 'o', model, tools: [getWeather] };
    expectTypeOf(new Agent(options)).toExtend<Agent>();
    const hooks: RunHooks<unknown> = { 'tool:end': (event) => event.outcome.ok };
    void agent.run('x', { hooks });
    const onEnd: EventListener<'tool:end'> = (event) => event.name;
    agent.on('tool:end', onEnd).off('tool:end', onEnd);
    const onAny: AnyEventListener = (event) => event.type;
    agent.once('*', onAny);
  });

  it('a typed agent, its events and results stay assignable to their wide forms', async () => {
    expectTypeOf(agent).toExtend<Agent<unknown, unknown>>();
    expectTypeOf(agent).toExtend<Agent>();
    expectTypeOf(await agent.run('x')).toExtend<RunResult<unknown>>();
    agent.on('tool:end', (event) => {
      expectTypeOf(event).toExtend<AgentEvent>();
    });
  });
});

describe('the context reaches the tools', () => {
  it('explicit form: a tool written inline sees the context type', () => {
    new Agent<{ userId: string }>({
      name: 'c',
      model,
      tools: [
        tool({
          name: 'inline',
          description: '',
          parameters: z.object({}),
          execute: (_args, ctx) => {
            expectTypeOf(ctx.context).toEqualTypeOf<{ userId: string }>();
            return ctx.context.userId;
          },
        }),
      ],
    });
  });

  it('tool.withContext types ctx.context of a tool defined on its own', () => {
    expectTypeOf(whoAmI).toEqualTypeOf<
      Tool<Record<string, never>, string, { userId: string }, 'who_am_i'>
    >();
    new Agent<{ userId: string }>({ name: 'c', model, tools: [whoAmI, getWeather] });
    // A context with more fields still fits the tool.
    new Agent<{ userId: string; plan: string }>({ name: 'c', model, tools: [whoAmI] });
  });

  it('a tool whose context does not fit the agent context fails to compile', () => {
    // @ts-expect-error: `org` needs { orgId: number }, the agent gives { userId: string }.
    new Agent<{ userId: string }>({ name: 'c', model, tools: [orgOnly] });
    // @ts-expect-error: an agent without a context cannot run a tool that needs one.
    new Agent<unknown>({ name: 'c', model, tools: [whoAmI] });
  });

  it('inferred form: the context comes from the tools, and the events are typed', () => {
    const agent = new Agent({ name: 'c', model, tools: [whoAmI, getWeather] });
    expectTypeOf(agent).toEqualTypeOf<
      Agent<{ userId: string }, string, (typeof whoAmI | typeof getWeather)[]>
    >();
    void agent.run('x', { context: { userId: 'u' } });
    // @ts-expect-error: the tools need { userId: string }.
    void agent.run('x', { context: { user: 1 } });
    agent.on('tool:end', (event) => {
      if (event.name === 'who_am_i' && event.outcome.ok) {
        expectTypeOf(event.outcome.value).toEqualTypeOf<string>();
      }
    });
  });

  it('explicit form with only the context: events fall back to the wide types', () => {
    const agent = new Agent<{ userId: string }>({ name: 'c', model, tools: [whoAmI, getWeather] });
    agent.on('tool:end', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<string>();
      expectTypeOf(event.outcome).toEqualTypeOf<ToolOutcome>();
    });
  });

  it('explicit form with the tools too: both are typed', () => {
    const tools = [whoAmI, getWeather] as const;
    const agent = new Agent<{ userId: string }, string, typeof tools>({ name: 'c', model, tools });
    agent.on('tool:end', (event) => {
      if (event.name === 'get_weather' && event.outcome.ok) {
        expectTypeOf(event.outcome.value.tempC).toEqualTypeOf<number>();
      }
    });
  });

  it('the context inferred from the tools reaches the instructions too', () => {
    new Agent({
      name: 'c',
      model,
      tools: [whoAmI],
      instructions: ({ context }) => {
        expectTypeOf(context).toEqualTypeOf<{ userId: string }>();
        return `Help ${context.userId}.`;
      },
    });
  });

  it('tools that need different contexts need an agent whose context fits both', () => {
    // @ts-expect-error: no single context was given that fits { userId } and { orgId }.
    new Agent({ name: 'c', model, tools: [whoAmI, orgOnly] });
    new Agent<{ userId: string; orgId: number }>({ name: 'c', model, tools: [whoAmI, orgOnly] });
  });
});

describe('what is not narrowed', () => {
  it('a registry, or a list typed AnyTool[], gives the wide types', () => {
    const list: AnyTool[] = [getWeather, search];
    for (const tools of [list, new ToolRegistry([getWeather, search])]) {
      const agent = new Agent({ name: 'r', model, tools });
      agent.on('tool:end', (event) => {
        expectTypeOf(event.name).toEqualTypeOf<string>();
        expectTypeOf(event.outcome).toEqualTypeOf<ToolOutcome>();
      });
      agent.on('tool:start', (event) => {
        expectTypeOf(event.name).toEqualTypeOf<string>();
        expectTypeOf(event.args).toEqualTypeOf<unknown>();
      });
      void agent.run('x', {
        hooks: {
          beforeTool: (call) => {
            expectTypeOf(call.name).toEqualTypeOf<string>();
            expectTypeOf(call.args).toEqualTypeOf<unknown>();
            return undefined;
          },
        },
      });
    }
  });

  it('one tool without a literal name makes every outcome value unknown, honestly', () => {
    const name: string = 'dynamic';
    const dynamic = tool({ name, description: '', parameters: z.object({}), execute: () => 1 });
    const agent = new Agent({ name: 'd', model, tools: [getWeather, dynamic] });
    agent.on('tool:end', (event) => {
      // `dynamic` may be called "get_weather" at runtime: its value could be anything.
      if (event.name === 'get_weather' && event.outcome.ok) {
        expectTypeOf(event.outcome.value).toEqualTypeOf<unknown>();
      }
    });
    agent.on('tool:start', (event) => {
      if (event.name === 'get_weather') expectTypeOf(event.args).toEqualTypeOf<unknown>();
    });
  });

  it('the wide event and record types are the plain ones, up to a redundant failure member', () => {
    expectTypeOf<EventOf<'tool:end'>>().toExtend<ToolEndEvent>();
    expectTypeOf<EventOf<'tool:start'>>().toEqualTypeOf<ToolStartEvent>();
    expectTypeOf<Parameters<BeforeTool<unknown>>[0]>().toEqualTypeOf<ToolCallInfo<unknown>>();
    expectTypeOf<ToolEndEvent>().toExtend<EventOf<'tool:end'>>();
    expectTypeOf<RunResult['toolCalls'][number]>().toExtend<ToolCallRecord>();
    expectTypeOf<ToolCallRecord>().toExtend<RunResult['toolCalls'][number]>();
  });
});
