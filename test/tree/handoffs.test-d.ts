import {
  Agent,
  type AgentEvent,
  type EventOf,
  handoff,
  keepLastUserMessage,
  removeToolCalls,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const model = new ScriptedModel([]);

it('handoffs take any agent; a handoff’s filter and callback see the run’s context', () => {
  const lookup = tool({
    name: 'lookup',
    description: 'Looks up',
    parameters: z.object({ id: z.string() }),
    execute: ({ id }) => ({ id }),
  });
  const target = new Agent({
    name: 'target',
    model,
    tools: [lookup],
    output: z.object({ a: z.number() }),
  });
  new Agent<{ user: string }>({
    name: 'front',
    model,
    handoffs: [
      target,
      handoff(target, {
        toolName: 'other',
        inputFilter: (input) => {
          expectTypeOf(input.context).toEqualTypeOf<{ user: string }>();
          return input.messages;
        },
        onHandoff: (info) => {
          expectTypeOf(info.from).toBeString();
          expectTypeOf(info.context.user).toBeString();
        },
      }),
      handoff(target, { toolName: 'third', inputFilter: removeToolCalls }),
      handoff(target, { toolName: 'fourth', inputFilter: keepLastUserMessage }),
    ],
  }).addHandoffs(target);
});

it('the handoff event and the result name agents', async () => {
  type Handoff = EventOf<'agent:handoff'>;
  expectTypeOf<Handoff['from']>().toBeString();
  expectTypeOf<Handoff['to']>().toBeString();
  expectTypeOf<Extract<AgentEvent, { type: 'agent:handoff' }>>().toEqualTypeOf<Handoff>();
  const result = await new Agent({ name: 'a', model }).run('x');
  expectTypeOf(result.agent).toBeString();
  // @ts-expect-error: a handoff is an agent or handoff(agent), not a string
  new Agent({ name: 'b', model, handoffs: ['a'] });
});
