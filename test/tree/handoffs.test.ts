import { Agent, AgentError, ConfigurationError, handoff } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import {
  expectNoDuplicates,
  expectOneTerminal,
  expectValidRequests,
  recordEvents,
  scripted,
  systemOf,
  timeline,
  toolLog,
  toolNames,
} from './handoff-support.js';

describe('a handoff', () => {
  it('makes the target the active agent: its instructions, tools, model and settings', async () => {
    const { ran, make } = toolLog();
    const triageModel = scripted([
      { toolCalls: [{ id: 'h1', name: 'transfer_to_weather', arguments: {} }] },
    ]);
    const weatherModel = scripted([
      { toolCalls: [{ id: 'w1', name: 'forecast', arguments: { q: 'Oslo' } }] },
      'Rain in Oslo.',
    ]);
    const weather = new Agent({
      name: 'weather',
      instructions: 'You answer weather questions.',
      model: weatherModel,
      tools: [make('forecast')],
      modelSettings: { temperature: 0.1 },
    });
    const triage = new Agent({
      name: 'triage',
      instructions: 'You route the user.',
      model: triageModel,
      tools: [make('lookup')],
      handoffs: [weather],
    });
    const events = recordEvents(triage);

    const result = await triage.run('Weather in Oslo?');

    expect(result.agent).toBe('weather');
    expect(result.text).toBe('Rain in Oslo.');
    expect(ran).toEqual(['forecast:Oslo']);
    // The triage agent's request: its instructions, its tool and its handoff.
    expect(systemOf(triageModel.requests[0])).toBe('You route the user.');
    expect(toolNames(triageModel.requests[0])).toEqual(['lookup', 'transfer_to_weather']);
    // The weather agent's: its own instructions (the triage agent's are gone), tools and settings.
    const first = weatherModel.requests[0];
    expect(systemOf(first)).toBe('You answer weather questions.');
    expect(first?.messages.filter((m) => m.role === 'system')).toHaveLength(1);
    expect(toolNames(first)).toEqual(['forecast']);
    expect(first?.temperature).toBe(0.1);
    expect(triageModel.requests[0]?.temperature).toBeUndefined();
    // The handoff call is answered, so the conversation handed over is a valid one.
    expect(first?.messages.slice(1)).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      expect.objectContaining({
        role: 'assistant',
        tool_calls: [expect.objectContaining({ id: 'h1' })],
      }),
      { role: 'tool', tool_call_id: 'h1', content: '{"assistant":"weather"}' },
    ]);
    expect(timeline(events)).toEqual([
      'run:start',
      'turn:start',
      'model:start',
      'model:end',
      'turn:end',
      'agent:handoff triage>weather',
      'turn:start',
      'model:start',
      'model:end',
      'tool:start',
      'tool:end',
      'turn:end',
      'turn:start',
      'model:start',
      'model:end',
      'turn:end',
      'run:end',
    ]);
    // Events up to the handoff are the triage agent's, those after it the weather agent's.
    const at = events.findIndex((e) => e.type === 'agent:handoff');
    expect(new Set(events.slice(0, at + 1).map((e) => `${e.agent} ${e.path.join('/')}`))).toEqual(
      new Set(['triage triage']),
    );
    expect(new Set(events.slice(at + 1).map((e) => `${e.agent} ${e.path.join('/')}`))).toEqual(
      new Set(['weather weather']),
    );
    expect(new Set(events.map((e) => e.runId))).toEqual(new Set([result.runId]));
    expectOneTerminal(events, 'run:end');
    expectValidRequests(triageModel, weatherModel);
  });

  it('chains: A hands to B, B to C, and C answers', async () => {
    const { ran, make } = toolLog();
    const aModel = scripted([{ toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }] }]);
    const bModel = scripted([
      { toolCalls: [{ id: 'b1', name: 'b_tool', arguments: { q: '1' } }] },
      { toolCalls: [{ id: 'h2', name: 'transfer_to_c', arguments: {} }] },
    ]);
    const cModel = scripted(['C answers.']);
    const c = new Agent({ name: 'c', instructions: 'You are C.', model: cModel });
    const b = new Agent({ name: 'b', model: bModel, tools: [make('b_tool')], handoffs: [c] });
    const a = new Agent({ name: 'a', instructions: 'You are A.', model: aModel, handoffs: [b] });
    const events = recordEvents(a);

    const result = await a.run('go');

    expect(result.agent).toBe('c');
    expect(result.text).toBe('C answers.');
    expect(ran).toEqual(['b_tool:1']);
    expect(events.filter((e) => e.type === 'agent:handoff')).toEqual([
      expect.objectContaining({ from: 'a', to: 'b', toolCallId: 'h1', turn: 1 }),
      expect.objectContaining({ from: 'b', to: 'c', toolCallId: 'h2', turn: 3 }),
    ]);
    // B has no instructions: A's are not kept for it; C's come first for C.
    expect(systemOf(bModel.requests[0])).toBeUndefined();
    expect(systemOf(cModel.requests[0])).toBe('You are C.');
    // C has no tools: no tools, and no parallel_tool_calls, are sent.
    expect(cModel.requests[0]?.tools).toBeUndefined();
    expect(result.turns).toBe(4);
    expect([aModel, bModel, cModel].map((m) => m.requests.length)).toEqual([1, 2, 1]);
    expectOneTerminal(events, 'run:end');
    expectValidRequests(aModel, bModel, cModel);
  });

  it('answers parallel handoff calls: the first wins, the others are told, every call has a result', async () => {
    const aModel = scripted([
      {
        toolCalls: [
          { id: 'h1', name: 'transfer_to_search', arguments: {} },
          { id: 'h2', name: 'transfer_to_weather', arguments: {} },
          { id: 'h3', name: 'transfer_to_search', arguments: {} },
        ],
      },
    ]);
    const searchModel = scripted(['Searched.']);
    const weatherModel = scripted([]);
    const weather = new Agent({ name: 'weather', model: weatherModel });
    const search = new Agent({ name: 'search', model: searchModel });
    const triage = new Agent({ name: 'triage', model: aModel, handoffs: [search, weather] });
    const events = recordEvents(triage);

    const result = await triage.run('?');

    expect(result.agent).toBe('search');
    expect(weatherModel.requests).toHaveLength(0);
    const tools = searchModel.requests[0]?.messages.filter((m) => m.role === 'tool') ?? [];
    expect(tools.map((m) => m.tool_call_id)).toEqual(['h1', 'h2', 'h3']);
    expect(tools[0]?.content).toBe('{"assistant":"search"}');
    expect(tools[1]?.content).toMatch(
      /^Not transferred to agent "weather": this reply already hands the conversation to agent "search"/,
    );
    expect(tools[2]?.content).toMatch(/^Not transferred to agent "search"/);
    expect(events.filter((e) => e.type === 'agent:handoff')).toHaveLength(1);
    // Handoff calls run nothing: no tool events, no tool call records.
    expect(events.some((e) => e.type === 'tool:start' || e.type === 'tool:end')).toBe(false);
    expect(result.toolCalls).toEqual([]);
    expectOneTerminal(events, 'run:end');
    expectValidRequests(aModel, searchModel);
  });

  it('runs the tools of the handoff turn once, before the target takes over', async () => {
    const { ran, make } = toolLog();
    const aModel = scripted([
      {
        toolCalls: [
          { id: 't1', name: 'lookup', arguments: { q: 'order 7' } },
          { id: 'h1', name: 'transfer_to_refunds', arguments: {} },
          { id: 't2', name: 'lookup', arguments: { q: 'order 8' } },
        ],
      },
    ]);
    const refundsModel = scripted(['Refund issued.']);
    const refunds = new Agent({ name: 'refunds', model: refundsModel });
    const triage = new Agent({
      name: 'triage',
      model: aModel,
      tools: [make('lookup')],
      handoffs: [refunds],
    });
    const events = recordEvents(triage);

    const result = await triage.run('refund please');

    expect(ran.sort()).toEqual(['lookup:order 7', 'lookup:order 8']);
    expectNoDuplicates(ran);
    expect(result.toolCalls.map((c) => c.id)).toEqual(['t1', 't2']);
    const handed = refundsModel.requests[0]?.messages ?? [];
    expect(handed.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual([
      'lookup says order 7',
      '{"assistant":"refunds"}',
      'lookup says order 8',
    ]);
    // Both tools ended before the handoff, which comes at the turn's end.
    const order = timeline(events);
    expect(order.lastIndexOf('tool:end')).toBeLessThan(
      order.indexOf('agent:handoff triage>refunds'),
    );
    expect(order.indexOf('turn:end')).toBeLessThan(order.indexOf('agent:handoff triage>refunds'));
    expectOneTerminal(events, 'run:end');
    expectValidRequests(aModel, refundsModel);
  });

  it('after a handoff, the old agent’s handoff tools are gone: a call to one is an unknown tool', async () => {
    const aModel = scripted([{ toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }] }]);
    const bModel = scripted([
      { toolCalls: [{ id: 'x', name: 'transfer_to_b', arguments: {} }] },
      'B answers.',
    ]);
    const b = new Agent({ name: 'b', model: bModel });
    const a = new Agent({ name: 'a', model: aModel, handoffs: [b] });
    const events = recordEvents(a);
    const result = await a.run('go');
    expect(result.text).toBe('B answers.');
    const end = events.find((e) => e.type === 'tool:end');
    expect(end).toMatchObject({
      name: 'transfer_to_b',
      outcome: { ok: false, error: { code: 'unknown_tool' } },
    });
    expect(events.filter((e) => e.type === 'agent:handoff')).toHaveLength(1);
    expectValidRequests(aModel, bModel);
  });

  it('counts turns across agents against the run’s maxTurns', async () => {
    const aModel = scripted([{ toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }] }]);
    const bModel = scripted([{ toolCalls: [{ id: 'b1', name: 'noop', arguments: { q: 'x' } }] }]);
    const { make } = toolLog();
    const b = new Agent({ name: 'b', model: bModel, tools: [make('noop')], maxTurns: 50 });
    const a = new Agent({ name: 'a', model: aModel, handoffs: [b], maxTurns: 2 });
    const error = await a.run('go').catch((e: unknown) => e);
    expect(AgentError.isInstance(error) && error.code).toBe('max_turns_exceeded');
    expect((error as { result: { agent: string } }).result.agent).toBe('b');
  });
});

describe('handoff tools', () => {
  it('are named transfer_to_<name>, cut to the tool-name pattern, or as given', async () => {
    const target = new Agent({ name: 'Weather Bot (EU)', model: scripted([]) });
    expect(handoff(target).toolName).toBe('transfer_to_weather_bot_eu_');
    const dashed = new Agent({ name: 'weather-bot', model: scripted([]) });
    expect(handoff(dashed).toolName).toBe('transfer_to_weather_bot');
    const long = new Agent({ name: 'x'.repeat(80), model: scripted([]) });
    expect(handoff(long).toolName).toHaveLength(64);
    const custom = handoff(target, { toolName: 'ask_weather', description: 'Weather questions' });
    expect(custom).toMatchObject({ toolName: 'ask_weather', description: 'Weather questions' });
    const described = new Agent({
      name: 'billing',
      model: scripted([]),
      handoffDescription: 'Invoices and payments.',
    });
    const model = scripted(['ok']);
    await new Agent({ name: 'front', model, handoffs: [described, custom] }).run('hi');
    expect(model.requests[0]?.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'transfer_to_billing',
          description: 'Hand the conversation to agent "billing": Invoices and payments.',
          parameters: { type: 'object', properties: {}, required: [], additionalProperties: false },
          strict: true,
        },
      },
      expect.objectContaining({ function: expect.objectContaining({ name: 'ask_weather' }) }),
    ]);
    expectValidRequests(model);
  });

  it('refuses duplicates and bad entries at definition time, naming the fault', () => {
    const { make } = toolLog();
    const b = new Agent({ name: 'b', model: scripted([]) });
    const fault = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        expect(ConfigurationError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigurationError');
    };
    expect(fault(() => new Agent({ name: 'a', model: scripted([]), handoffs: [b, b] }))).toMatch(
      /the handoff to agent "b" would be the tool "transfer_to_b", which is already its handoff to agent "b"/,
    );
    expect(
      fault(
        () =>
          new Agent({
            name: 'a',
            model: scripted([]),
            tools: [make('transfer_to_b')],
            handoffs: [b],
          }),
      ),
    ).toMatch(/which is already its tool "transfer_to_b"/);
    expect(fault(() => handoff(b, { toolName: 'to b' }))).toMatch(/"toolName" must match/);
    expect(fault(() => handoff({ name: 'fake' }))).toMatch(/expects an Agent/);
    expect(
      fault(() => new Agent({ name: 'a', model: scripted([]), handoffs: [{ name: 'x' }] })),
    ).toMatch(/handoffs\[0\] must be an Agent or handoff/);
    expect(fault(() => new Agent({ name: 'a', model: scripted([]), maxHandoffs: -1 }))).toMatch(
      /"maxHandoffs" must be an integer of 0 or more/,
    );
    const a = new Agent({ name: 'a', model: scripted([]), handoffs: [b] });
    expect(fault(() => a.addHandoffs(handoff(b)))).toMatch(/already its handoff to agent "b"/);
    expect(
      a.addHandoffs(handoff(b, { toolName: 'second_b' })).handoffs.map((h) => h.toolName),
    ).toEqual(['transfer_to_b', 'second_b']);
  });

  it('refuses a tool registered later under a handoff’s name when the run starts', async () => {
    const { make } = toolLog();
    const b = new Agent({ name: 'b', model: scripted([]) });
    const a = new Agent({ name: 'a', model: scripted(['x']), handoffs: [b] });
    a.tools.register(make('transfer_to_b'));
    const error = await a.run('go').catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/has a tool named "transfer_to_b" and a handoff/);
  });
});

describe('middleware across a handoff', () => {
  it('the active agent’s middleware wraps its calls; the run’s wrap every agent’s; wrapRun once', async () => {
    const { ran, make } = toolLog();
    const seen: string[] = [];
    const aModel = scripted([
      {
        toolCalls: [
          { id: 'a1', name: 'a_tool', arguments: { q: '1' } },
          { id: 'h1', name: 'transfer_to_b', arguments: {} },
        ],
      },
    ]);
    const bModel = scripted([
      { toolCalls: [{ id: 'b1', name: 'b_tool', arguments: { q: '2' } }] },
      'B.',
    ]);
    const b = new Agent({
      name: 'b',
      model: bModel,
      tools: [make('b_tool')],
      middleware: [
        {
          wrapToolCall: (ctx, next) => {
            seen.push(`b mw ${ctx.name}`);
            return next();
          },
        },
      ],
    });
    const a = new Agent({
      name: 'a',
      model: aModel,
      tools: [make('a_tool')],
      handoffs: [b],
      middleware: [
        {
          wrapRun: (_ctx, next) => {
            seen.push('a wrapRun');
            return next();
          },
          wrapToolCall: (ctx, next) => {
            seen.push(`a mw ${ctx.name}`);
            return next();
          },
        },
      ],
    });
    const result = await a.run('go', {
      middleware: [
        {
          wrapModelCall: (ctx, next) => {
            seen.push(`run mw model ${ctx.request.tools?.length ?? 0} tools`);
            return next();
          },
        },
      ],
    });
    expect(result.text).toBe('B.');
    expect(ran).toEqual(['a_tool:1', 'b_tool:2']);
    expect(seen).toEqual([
      'a wrapRun',
      'run mw model 2 tools',
      'a mw a_tool',
      'run mw model 1 tools',
      'b mw b_tool',
      'run mw model 1 tools',
    ]);
  });
});
