import {
  Agent,
  type AgentEvent,
  ConfigurationError,
  handoff,
  keepLastUserMessage,
  MaxHandoffsExceededError,
  removeToolCalls,
  sumUsage,
} from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  expectOneTerminal,
  expectValidRequests,
  recordEvents,
  scripted,
  systemOf,
  timeline,
  toolLog,
  toolNames,
} from './handoff-support.js';

/** Two agents that hand the conversation to each other for as long as their models are asked. */
function pingPong(options: { maxHandoffs?: number; onMaxHandoffs?: 'throw' | 'final-answer' }) {
  const { ran, make } = toolLog();
  const hand = (to: string) => (_: unknown, i: number) => ({
    toolCalls: [
      { id: `p${to}${i}`, name: 'note', arguments: { q: `${to}${i}` } },
      { id: `h${to}${i}`, name: `transfer_to_${to}`, arguments: {} },
    ],
  });
  const pingModel = scripted([hand('pong'), hand('pong'), hand('pong'), 'Ping answers.']);
  const pongModel = scripted([hand('ping'), hand('ping'), hand('ping'), 'Pong answers.']);
  const ping = new Agent({ name: 'ping', model: pingModel, tools: [make('note')], ...options });
  const pong = new Agent({
    name: 'pong',
    model: pongModel,
    tools: [make('note')],
    handoffs: [ping],
  });
  ping.addHandoffs(pong);
  return { ping, pong, pingModel, pongModel, ran };
}

describe('maxHandoffs', () => {
  it('stops two agents handing to each other with MaxHandoffsExceededError and the partial result', async () => {
    const { ping, pingModel, pongModel, ran } = pingPong({ maxHandoffs: 3 });
    const events = recordEvents(ping);
    const error = await ping.run('go').catch((e: unknown) => e);
    expect(MaxHandoffsExceededError.isInstance(error)).toBe(true);
    const stopped = error as MaxHandoffsExceededError;
    expect(stopped).toMatchObject({
      code: 'max_handoffs_exceeded',
      maxHandoffs: 3,
      from: 'pong',
      to: 'ping',
    });
    expect(stopped.message).toMatch(/onMaxHandoffs: 'final-answer'/);
    expect(stopped.result.agent).toBe('pong');
    // ping>pong, pong>ping, ping>pong; the fourth is refused before the turn's tools run.
    expect(
      events.filter((e) => e.type === 'agent:handoff').map((e) => `${e.from}>${e.to}`),
    ).toEqual(['ping>pong', 'pong>ping', 'ping>pong']);
    expect(ran).toEqual(['note:pong0', 'note:ping0', 'note:pong1']);
    expectOneTerminal(events, 'run:error');
    expectValidRequests(pingModel, pongModel);
  });

  it('with onMaxHandoffs: final-answer, refuses the extra handoff, offers none, and the active agent answers', async () => {
    const { ping, pingModel, pongModel, ran } = pingPong({
      maxHandoffs: 1,
      onMaxHandoffs: 'final-answer',
    });
    const events = recordEvents(ping);
    // pong's replies hand back to ping: refused each time, until its script answers.
    const result = await ping.run('go');
    expect(result.agent).toBe('pong');
    expect(events.filter((e) => e.type === 'agent:handoff')).toHaveLength(1);
    // After the one allowed handoff, pong is offered its tool only.
    expect(toolNames(pongModel.requests[0])).toEqual(['note']);
    expect(ran).toEqual(['note:pong0', 'note:ping0', 'note:ping1', 'note:ping2']);
    expect(result.text).toBe('Pong answers.');
    const refused = pongModel.requests[1]?.messages.find(
      (m) => m.role === 'tool' && m.tool_call_id === 'hping0',
    );
    expect(refused?.content).toMatch(
      /^Not transferred to agent "ping": this run has made all the handoffs it may \(1\)/,
    );
    expectOneTerminal(events, 'run:end');
    expectValidRequests(pingModel, pongModel);
  });

  it('the run option overrides the agent’s limit; 0 forbids handoffs', async () => {
    const { ping } = pingPong({});
    const error = await ping.run('go', { maxHandoffs: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'max_handoffs_exceeded', maxHandoffs: 0, from: 'ping' });
  });
});

describe('inputFilter', () => {
  function turnWithTools(inputFilter?: Parameters<typeof handoff>[1]) {
    const { make } = toolLog();
    const aModel = scripted([
      { content: 'Let me look.', toolCalls: [{ id: 't1', name: 'lookup', arguments: { q: '7' } }] },
      { toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }] },
    ]);
    const bModel = scripted(['B answers.']);
    const b = new Agent({ name: 'b', instructions: 'You are B.', model: bModel });
    const a = new Agent({
      name: 'a',
      instructions: 'You are A.',
      model: aModel,
      tools: [make('lookup')],
      handoffs: [handoff(b, inputFilter)],
    });
    return { a, aModel, bModel };
  }

  it('removeToolCalls hands over what was said, without tool calls or results', async () => {
    const { a, aModel, bModel } = turnWithTools({ inputFilter: removeToolCalls });
    const result = await a.run([{ role: 'user', content: 'Where is order 7?' }]);
    expect(bModel.requests[0]?.messages).toEqual([
      { role: 'system', content: 'You are B.' },
      { role: 'user', content: 'Where is order 7?' },
      { role: 'assistant', content: 'Let me look.' },
    ]);
    // The run's own messages are what the active agent holds.
    expect(result.newMessages).toEqual([
      { role: 'user', content: 'Where is order 7?' },
      { role: 'assistant', content: 'Let me look.' },
      { role: 'assistant', content: 'B answers.' },
    ]);
    expectValidRequests(aModel, bModel);
  });

  it('keepLastUserMessage starts the target afresh on the last request', async () => {
    const { a, bModel } = turnWithTools({ inputFilter: keepLastUserMessage });
    await a.run([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'second' },
    ]);
    expect(bModel.requests[0]?.messages).toEqual([
      { role: 'system', content: 'You are B.' },
      { role: 'user', content: 'second' },
    ]);
  });

  it('gets the conversation without the handing agent’s instructions, who hands to whom, and the context', async () => {
    const seen: unknown[] = [];
    const { a } = turnWithTools({
      inputFilter: (input) => {
        seen.push({ ...input, messages: input.messages.map((m) => m.role) });
        return input.messages;
      },
    });
    const result = await a.run('hi', { context: { user: 7 } });
    expect(seen).toEqual([
      {
        from: 'a',
        to: 'b',
        context: { user: 7 },
        runId: result.runId,
        messages: ['user', 'assistant', 'tool', 'assistant', 'tool'],
      },
    ]);
  });

  it('a filter that breaks a call from its result fails the run with a ConfigurationError', async () => {
    const { a, bModel } = turnWithTools({
      inputFilter: (input) => input.messages.filter((m) => m.role !== 'tool'),
    });
    const events = recordEvents(a);
    const error = await a.run('hi').catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /The inputFilter of the handoff from agent "a" to agent "b" dropped the result of call "t1"/,
    );
    expect(bModel.requests).toHaveLength(0);
    expectOneTerminal(events, 'run:error');
  });
});

describe('onHandoff', () => {
  it('is awaited once, between the handing agent’s last call and the target’s first', async () => {
    const order: string[] = [];
    const aModel = scripted([
      () => {
        order.push('a model');
        return { toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }] };
      },
    ]);
    const bModel = scripted([
      () => {
        order.push('b model');
        return 'B.';
      },
    ]);
    const b = new Agent({ name: 'b', model: bModel });
    const a = new Agent({
      name: 'a',
      model: aModel,
      handoffs: [
        handoff(b, {
          onHandoff: async (info) => {
            await Promise.resolve();
            order.push(
              `onHandoff ${info.from}>${info.to} ${info.toolCallId} ${JSON.stringify(info.context)}`,
            );
          },
        }),
      ],
    });
    const events = recordEvents(a);
    a.on('agent:handoff', () => order.push('agent:handoff'));
    await a.run('hi', { context: { id: 1 } });
    expect(order).toEqual(['a model', 'onHandoff a>b h1 {"id":1}', 'agent:handoff', 'b model']);
    expectOneTerminal(events, 'run:end');
  });

  it('a throw fails the run before the target is called', async () => {
    const bModel = scripted(['B.']);
    const b = new Agent({ name: 'b', model: bModel });
    const a = new Agent({
      name: 'a',
      model: scripted([{ toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }] }]),
      handoffs: [
        handoff(b, {
          onHandoff: () => {
            throw new Error('not today');
          },
        }),
      ],
    });
    const events = recordEvents(a);
    await expect(a.run('hi')).rejects.toThrow('not today');
    expect(bModel.requests).toHaveLength(0);
    expect(events.some((e) => e.type === 'agent:handoff')).toBe(false);
    expectOneTerminal(events, 'run:error');
  });
});

describe('the last agent', () => {
  it('answers with its own output schema, which only its requests carry', async () => {
    const aModel = scripted([
      { toolCalls: [{ id: 'h1', name: 'transfer_to_extractor', arguments: {} }] },
    ]);
    const bModel = scripted(['{"city":"Oslo","days":3}']);
    const extractor = new Agent({
      name: 'extractor',
      model: bModel,
      output: z.object({ city: z.string(), days: z.number() }),
    });
    const a = new Agent({ name: 'a', model: aModel, handoffs: [extractor] });
    const result = await a.run('3 days in Oslo');
    expect(result.output).toEqual({ city: 'Oslo', days: 3 });
    expect(aModel.requests[0]?.response_format).toBeUndefined();
    expect(bModel.requests[0]?.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: expect.any(String), strict: true },
    });
    expectValidRequests(aModel, bModel);
  });

  it('has its usage told apart: model:end events between handoffs, summed into the run’s', async () => {
    const aModel = scripted([
      {
        toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }],
        usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
      },
    ]);
    const bModel = scripted([
      { content: 'B.', usage: { prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 } },
    ]);
    const b = new Agent({ name: 'b', model: bModel });
    const a = new Agent({ name: 'a', model: aModel, handoffs: [b] });
    const events = recordEvents(a);
    const result = await a.run('hi');
    const byAgent = usageByAgent(events, 'a');
    expect(byAgent.a).toMatchObject({ promptTokens: 10, completionTokens: 2 });
    expect(byAgent.b).toMatchObject({ promptTokens: 30, completionTokens: 5 });
    expect(result.usage).toMatchObject({ promptTokens: 40, completionTokens: 7, totalTokens: 47 });
    // The result splits it the same way.
    expect(result.usageByAgent).toEqual({ a: byAgent.a, b: byAgent.b });
  });

  it('streams: the handoff in order between the agents’ deltas', async () => {
    const aModel = scripted([
      { content: 'Handing over.', toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }] },
    ]);
    const bModel = scripted(['B streams this.']);
    const b = new Agent({ name: 'b', model: bModel });
    const a = new Agent({ name: 'a', model: aModel, handoffs: [b] });
    const seen: AgentEvent[] = [];
    const stream = a.stream('hi');
    for await (const event of stream) seen.push(event);
    const result = await stream.result;
    expect(result.agent).toBe('b');
    const order = timeline(seen);
    const handoffAt = order.indexOf('agent:handoff a>b');
    const text = (from: number, to: number) =>
      seen
        .slice(from, to)
        .map((e) => (e.type === 'text:delta' ? e.delta : ''))
        .join('');
    expect(text(0, handoffAt)).toBe('Handing over.');
    expect(text(handoffAt, seen.length)).toBe('B streams this.');
    expectOneTerminal(seen, 'run:end');
    expect(systemOf(bModel.requests[0])).toBeUndefined();
    expectValidRequests(aModel, bModel);
  });
});

/** Usage per agent from the events: a run's model calls belong to the agent active at the time. */
function usageByAgent(events: readonly AgentEvent[], first: string) {
  let active = first;
  const usage: Record<string, ReturnType<typeof sumUsage>> = {};
  for (const event of events) {
    if (event.type === 'agent:handoff') active = event.to;
    if (event.type === 'model:end') {
      const before = usage[active];
      usage[active] = before ? sumUsage([before, event.usage]) : event.usage;
    }
  }
  return usage;
}

describe('session memory across a handoff', () => {
  it('stores every message of the run once, the turn before the handoff whole whatever the filter', async () => {
    const { InMemoryStore } = await import('@agentloop/memory');
    const store = new InMemoryStore();
    const { ran, make } = toolLog();
    const aModel = scripted([
      {
        toolCalls: [
          { id: 't1', name: 'lookup', arguments: { q: '7' } },
          { id: 'h1', name: 'transfer_to_b', arguments: {} },
        ],
      },
    ]);
    const bModel = scripted(['B answers.']);
    const b = new Agent({ name: 'b', instructions: 'You are B.', model: bModel });
    const a = new Agent({
      name: 'a',
      instructions: 'You are A.',
      model: aModel,
      tools: [make('lookup')],
      handoffs: [handoff(b, { inputFilter: removeToolCalls })],
      memory: { store },
    });
    const result = await a.run('Where is order 7?', { sessionId: 's1' });
    expect(result.text).toBe('B answers.');
    expect(ran).toEqual(['lookup:7']);
    const kept = await store.load('s1');
    expect(kept.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(kept.at(-1)).toEqual({ role: 'assistant', content: 'B answers.' });
    // The next run of the session starts with the first agent again, on the whole history.
    const again = scripted(['A again.']);
    const a2 = new Agent({
      name: 'a',
      instructions: 'You are A.',
      model: again,
      memory: { store },
    });
    await a2.run('Thanks', { sessionId: 's1' });
    expect(again.requests[0]?.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'assistant',
      'user',
    ]);
    expectValidRequests(bModel, again);
  });
});
