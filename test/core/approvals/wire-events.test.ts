import { toWireEvent, type WireEvent } from '@agentloop/core';
import { expect, it } from 'vitest';
import { approvalAgent } from './approval-agent.js';

it('toWireEvent carries the interruption, the status and the resumption', async () => {
  const { agent } = approvalAgent([
    { toolCalls: [{ id: 'call_r1', name: 'refund', arguments: { order: 3 } }] },
    'Refunded.',
  ]);
  const wire: WireEvent[] = [];
  const paused = agent.stream('Refund 3');
  for await (const event of paused) wire.push(JSON.parse(JSON.stringify(toWireEvent(event))));
  const result = await paused.result;

  expect(wire.find((e) => e.type === 'tool:interrupt')).toEqual({
    type: 'tool:interrupt',
    runId: result.runId,
    turn: 1,
    agent: 'support',
    path: ['support'],
    toolCallId: 'call_r1',
    name: 'refund',
    interruption: {
      id: 'approve_call_r1',
      kind: 'approval',
      agent: 'support',
      path: ['support'],
      toolCallId: 'call_r1',
      name: 'refund',
      args: { order: 3 },
    },
  });
  const end = wire.at(-1);
  expect(end).toMatchObject({
    type: 'run:end',
    status: 'interrupted',
    result: { status: 'interrupted', interruptions: [{ id: 'approve_call_r1' }] },
  });
  // The state never goes over the wire: it holds the whole conversation.
  expect(JSON.stringify(end)).not.toContain('messages');

  result.state.approve('approve_call_r1');
  const resumed: WireEvent[] = [];
  for await (const event of agent.stream(result.state)) resumed.push(toWireEvent(event));
  expect(resumed[0]).toMatchObject({ type: 'run:start', resumed: true, runId: result.runId });
  expect(resumed.at(-1)).toMatchObject({
    type: 'run:end',
    status: 'completed',
    result: { status: 'completed', interruptions: [], text: 'Refunded.' },
  });
});
