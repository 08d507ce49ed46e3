/**
 * Issue 11, point 18: a call that `beforeTool` denied used to get a `tool:start` (a UI showed a
 * spinner for a tool that never ran). A denied call gets no `tool:start`; its `tool:end` says it
 * was denied (`denied: true`, `outcome.error.code === 'denied'`), here and on the wire.
 */
import { Agent, type AgentEvent, toWireEvent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function payAgent(stream: boolean) {
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
  const agent = new Agent({
    name: 'guarded',
    model: new ScriptedModel([
      {
        toolCalls: [
          { id: 'small', name: 'pay', arguments: { amount: 5 } },
          { id: 'large', name: 'pay', arguments: { amount: 5_000 } },
        ],
      },
      'One payment went through.',
    ]),
    tools: [pay],
    beforeTool: ({ args }) =>
      (args as { amount: number }).amount > 100
        ? { action: 'deny', reason: 'over the limit' }
        : undefined,
  });
  const events: AgentEvent[] = [];
  agent.on('*', (e) => {
    events.push(e);
  });
  const run = async () => {
    if (!stream) return agent.run('pay both');
    const s = agent.stream('pay both');
    for await (const _ of s) {
      // drain
    }
    return s.result;
  };
  return { run, events, paid };
}

const toolEvents = (events: readonly AgentEvent[]) =>
  events.flatMap((e) =>
    e.type === 'tool:start' || e.type === 'tool:end' ? [`${e.type} ${e.toolCallId}`] : [],
  );

describe.each([false, true])('a denied tool call (streamed: %s)', (stream) => {
  it('gets no tool:start, and its tool:end says it was denied', async () => {
    const { run, events, paid } = payAgent(stream);
    const result = await run();
    expect(paid).toEqual([5]);
    const lines = toolEvents(events);
    expect(lines).not.toContain('tool:start large');
    expect(lines).toContain('tool:start small');
    expect(lines.filter((l) => l.startsWith('tool:end')).sort()).toEqual([
      'tool:end large',
      'tool:end small',
    ]);
    // The approved call still starts before it ends.
    expect(lines.indexOf('tool:start small')).toBeLessThan(lines.indexOf('tool:end small'));

    const ends = events.flatMap((e) => (e.type === 'tool:end' ? [e] : []));
    const denied = ends.find((e) => e.toolCallId === 'large');
    const approved = ends.find((e) => e.toolCallId === 'small');
    expect(denied?.denied).toBe(true);
    expect(denied?.outcome).toMatchObject({ ok: false, error: { code: 'denied' } });
    expect(denied?.outcome.error?.message).toContain('over the limit');
    expect(approved).not.toHaveProperty('denied');
    expect(result.toolCalls.map((c) => c.outcome.error?.code)).toEqual([undefined, 'denied']);

    // On the wire too.
    expect(denied && toWireEvent(denied)).toMatchObject({
      denied: true,
      outcome: { ok: false, error: { code: 'denied' } },
    });
    expect(approved && toWireEvent(approved)).not.toHaveProperty('denied');
  });
});
