/**
 * Review: an `instructions` function that throws fails the run with its own error (one
 * `run:error`); one that returns something other than a string (an async function that forgot
 * its `return`) used to send `{ role: 'system', content: undefined }`, which the API refuses with
 * a 400 blaming the provider. It is a configuration fault, reported before the model is called.
 */
import { Agent, type AgentEvent, ConfigurationError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { describe, expect, it } from 'vitest';

describe('an instructions function', () => {
  it('that throws fails the run with its error and exactly one run:error', async () => {
    const model = new ScriptedModel(['hi']);
    const agent = new Agent({
      name: 'instr',
      model,
      instructions: () => {
        throw new Error('profile service down');
      },
    });
    const events: AgentEvent['type'][] = [];
    agent.on('*', (event) => {
      events.push(event.type);
    });
    const error = await agent.run('go').catch((e: unknown) => e);
    expect((error as Error).message).toBe('profile service down');
    expect(events).toEqual(['run:start', 'run:error']);
    expect(model.callCount).toBe(0);
  });

  for (const [label, returned] of [
    ['undefined', undefined],
    ['a number', 42],
    ['an object', { text: 'be nice' }],
  ] as const) {
    it(`that returns ${label} fails with a ConfigurationError before the model is called`, async () => {
      const model = new ScriptedModel(['hi']);
      const agent = new Agent({
        name: 'instr',
        model,
        instructions: async () => returned as never,
      });
      const error = await agent.run('go').catch((e: unknown) => e);
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('instructions');
      expect(model.callCount).toBe(0);
    });
  }
});
