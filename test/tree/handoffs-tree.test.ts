/**
 * Handoffs inside the tree of agents that call agents: a handed-off agent calling a child agent
 * as a tool, a child agent handing off inside its own run, and an approval deep under a handoff
 * resumed from the root's serialised state.
 */
import { Agent, type AgentEvent, RunState } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import {
  expectNoDuplicates,
  expectOneTerminal,
  expectValidRequests,
  recordEvents,
  scripted,
  toolLog,
} from './handoff-support.js';

const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

/** One terminal event per run id of the tree. */
function expectOneTerminalPerRun(events: readonly AgentEvent[]) {
  const runs = new Set(events.map((e) => e.runId));
  for (const runId of runs) {
    const ends = events.filter(
      (e) => e.runId === runId && (e.type === 'run:end' || e.type === 'run:error'),
    );
    expect(ends, runId).toHaveLength(1);
  }
}

describe('handoffs in a tree', () => {
  it('a handed-off agent calls a child as a tool: the child’s path starts at the active agent; usage per agent', async () => {
    const { ran, make } = toolLog();
    const aModel = scripted([
      { toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }], usage: usage(10, 1) },
    ]);
    const bModel = scripted([
      {
        toolCalls: [{ id: 'k1', name: 'ask_child', arguments: { input: 'sum it' } }],
        usage: usage(20, 2),
      },
      { content: 'B relays: child says hi', usage: usage(30, 3) },
    ]);
    const childModel = scripted([
      { toolCalls: [{ id: 'c1', name: 'note', arguments: { q: 'x' } }], usage: usage(40, 4) },
      { content: 'child says hi', usage: usage(50, 5) },
    ]);
    const child = new Agent({ name: 'child', model: childModel, tools: [make('note')] });
    const b = new Agent({
      name: 'b',
      model: bModel,
      tools: [child.asTool({ name: 'ask_child', description: 'Asks the child' })],
    });
    const a = new Agent({ name: 'a', model: aModel, handoffs: [b] });
    const events = recordEvents(a);

    const result = await a.run('go');

    expect(result).toMatchObject({ agent: 'b', text: 'B relays: child says hi' });
    expect(ran).toEqual(['note:x']);
    const childEvents = events.filter((e) => e.agent === 'child');
    expect(new Set(childEvents.map((e) => e.path.join('/')))).toEqual(new Set(['b/child']));
    expect(new Set(childEvents.map((e) => e.parentRunId))).toEqual(new Set([result.runId]));
    expect(result.usageByAgent).toEqual({
      a: expect.objectContaining({ promptTokens: 10, completionTokens: 1 }),
      b: expect.objectContaining({ promptTokens: 50, completionTokens: 5 }),
      child: expect.objectContaining({ promptTokens: 90, completionTokens: 9 }),
    });
    expect(result.usage).toMatchObject({ promptTokens: 150, completionTokens: 15 });
    expect(events.filter((e) => e.type === 'agent:handoff')).toHaveLength(1);
    expectOneTerminalPerRun(events);
    expect(events.at(-1)).toMatchObject({ type: 'run:end', runId: result.runId, agent: 'b' });
    expectValidRequests(aModel, bModel, childModel);
  });

  it('a child agent hands off inside its own run: the parent gets the last agent’s answer', async () => {
    const parentModel = scripted([
      { toolCalls: [{ id: 'p1', name: 'desk', arguments: { input: 'help' } }] },
      'Parent: specialist says done',
    ]);
    const frontModel = scripted([
      { toolCalls: [{ id: 'f1', name: 'transfer_to_specialist', arguments: {} }] },
    ]);
    const specialistModel = scripted(['specialist says done']);
    const specialist = new Agent({ name: 'specialist', model: specialistModel });
    const front = new Agent({ name: 'front', model: frontModel, handoffs: [specialist] });
    const parent = new Agent({
      name: 'parent',
      model: parentModel,
      tools: [front.asTool({ name: 'desk', description: 'The help desk' })],
    });
    const events = recordEvents(parent);

    const result = await parent.run('hi');

    expect(result).toMatchObject({ agent: 'parent', text: 'Parent: specialist says done' });
    const deskResult = parentModel.requests[1]?.messages.find((m) => m.role === 'tool');
    expect(deskResult?.content).toBe('specialist says done');
    const handoffEvent = events.find((e) => e.type === 'agent:handoff');
    expect(handoffEvent).toMatchObject({
      from: 'front',
      to: 'specialist',
      path: ['parent', 'front'],
    });
    const after = events.filter((e) => e.agent === 'specialist');
    expect(new Set(after.map((e) => e.path.join('/')))).toEqual(new Set(['parent/specialist']));
    expect(Object.keys(result.usageByAgent).sort()).toEqual(['front', 'parent', 'specialist']);
    expectOneTerminalPerRun(events);
    expectValidRequests(parentModel, frontModel, specialistModel);
  });

  it('an approval in a child of a handed-off agent pauses the root; the text state resumes it with fresh agents', async () => {
    const build = (replies: { a: unknown[]; b: unknown[]; child: unknown[] }, ran: string[]) => {
      const refund = toolLog(ran).make('refund', { needsApproval: true });
      const models = {
        a: scripted(replies.a as never[]),
        b: scripted(replies.b as never[]),
        child: scripted(replies.child as never[]),
      };
      const child = new Agent({ name: 'child', model: models.child, tools: [refund] });
      const b = new Agent({
        name: 'b',
        model: models.b,
        tools: [child.asTool({ name: 'ask_child', description: 'Asks the child' })],
      });
      const a = new Agent({ name: 'a', model: models.a, handoffs: [b] });
      return { a, models };
    };
    const ran: string[] = [];
    const first = build(
      {
        a: [{ toolCalls: [{ id: 'h1', name: 'transfer_to_b', arguments: {} }] }],
        b: [{ toolCalls: [{ id: 'k1', name: 'ask_child', arguments: { input: 'refund 7' } }] }],
        child: [{ toolCalls: [{ id: 'c1', name: 'refund', arguments: { q: '7' } }] }],
      },
      ran,
    );
    const events = recordEvents(first.a);
    const paused = await first.a.run('Refund 7 please');
    expect(paused.status).toBe('interrupted');
    expect(paused.agent).toBe('b');
    expect(paused.interruptions).toEqual([
      expect.objectContaining({ agent: 'child', path: ['b', 'child'], name: 'refund' }),
    ]);
    expect(ran).toEqual([]);
    expectOneTerminal(
      events.filter((e) => e.runId === paused.runId),
      'run:end',
    );

    const state = RunState.parse(paused.state.toString());
    for (const i of state.interruptions) state.approve(i);
    const second = build({ a: [], b: ['B: refunded'], child: ['child: refunded'] }, ran);
    const resumed = recordEvents(second.a);
    const done = await second.a.run(state);

    expect(done).toMatchObject({ status: 'completed', agent: 'b', text: 'B: refunded' });
    expect(ran).toEqual(['refund:7']);
    expectNoDuplicates(ran);
    expect(second.models.a.requests).toHaveLength(0);
    expect(resumed.find((e) => e.type === 'run:start' && e.runId === done.runId)).toMatchObject({
      agent: 'b',
      path: ['b'],
    });
    expectOneTerminalPerRun(resumed);
    expectValidRequests(
      first.models.a,
      first.models.b,
      first.models.child,
      second.models.b,
      second.models.child,
    );
  });
});
