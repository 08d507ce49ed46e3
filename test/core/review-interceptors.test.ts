/**
 * Review: interceptors that answer nonsense. A `beforeTool` decision the loop does not understand must never run the tool
 * (an approval gate that fails open is worse than none); a `beforeModel` that returns a request
 * without messages is a configuration fault, reported as one before anything is sent.
 */
import { Agent, ConfigurationError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function tools() {
  const ran: string[] = [];
  const pay = tool({
    name: 'pay',
    description: 'moves money',
    parameters: z.object({ amount: z.number() }),
    execute: async ({ amount }) => {
      ran.push(`pay ${amount}`);
      return `paid ${amount}`;
    },
  });
  return { pay, ran };
}

describe('beforeTool decisions the loop does not understand', () => {
  const garbage: [string, unknown][] = [
    ['a misspelt action', { action: 'reject', reason: 'no' }],
    ['a boolean', false],
    ['a string', 'deny'],
    ['a number', 0],
    ['a rewrite without args', { action: 'rewrite' }],
  ];
  for (const [label, decision] of garbage) {
    it(`${label} never runs the tool and fails the run with a ConfigurationError`, async () => {
      const { pay, ran } = tools();
      const model = new ScriptedModel([
        { toolCalls: [{ name: 'pay', arguments: { amount: 100 } }] },
        'done',
      ]);
      const agent = new Agent({
        name: 'gate',
        model,
        tools: [pay],
        beforeTool: () => decision as never,
      });
      const error = await agent.run('go').catch((e: unknown) => e);
      expect(ran).toEqual([]);
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('beforeTool');
      expect(model.callCount).toBe(1);
    });
  }

  it('null and undefined approve, as documented for "nothing"', async () => {
    for (const decision of [null, undefined]) {
      const { pay, ran } = tools();
      const model = new ScriptedModel([
        { toolCalls: [{ name: 'pay', arguments: { amount: 5 } }] },
        'done',
      ]);
      const agent = new Agent({
        name: 'gate',
        model,
        tools: [pay],
        beforeTool: () => decision as never,
      });
      expect((await agent.run('go')).text).toBe('done');
      expect(ran).toEqual(['pay 5']);
    }
  });

  it('a deny without a reason is still a deny, with a readable message', async () => {
    const { pay, ran } = tools();
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'pay', arguments: { amount: 100 } }] },
      'done',
    ]);
    const agent = new Agent({
      name: 'gate',
      model,
      tools: [pay],
      beforeTool: () => ({ action: 'deny' }) as never,
    });
    const result = await agent.run('go');
    expect(ran).toEqual([]);
    const output = result.toolCalls[0]?.outcome.output ?? '';
    expect(output).toContain('denied');
    expect(output).not.toContain('undefined');
  });
});

describe('beforeModel returning a request without messages', () => {
  for (const [label, request] of [
    ['an empty object', {}],
    ['empty messages', { messages: [] }],
    ['a string', 'hello'],
  ] as const) {
    it(`(${label}) fails with a ConfigurationError before the model is called`, async () => {
      const model = new ScriptedModel(['done']);
      const agent = new Agent({ name: 'rewriter', model, beforeModel: () => request as never });
      const error = await agent.run('go').catch((e: unknown) => e);
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('beforeModel');
      expect(model.callCount).toBe(0);
    });
  }
});
