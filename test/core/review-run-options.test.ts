/**
 * Review: the run-level `maxTurns` override was never checked. `NaN` (say, from
 * `Number(process.env.MAX_TURNS)` when the variable is unset) made `turn >= maxTurns` always
 * false, so a model that keeps calling tools looped without end; `0` or a negative number failed
 * with a `MaxTurnsExceededError` before any call. Both are configuration faults, refused like the
 * agent-level option.
 */
import { Agent, ConfigurationError, MaxTurnsExceededError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const again = tool({
  name: 'again',
  description: 'always asks for more',
  parameters: z.object({}),
  execute: () => 'more',
});

function loopingAgent() {
  const model = new ScriptedModel(() => ({ toolCalls: [{ name: 'again', arguments: {} }] }));
  return { model, agent: new Agent({ name: 'loop', model, tools: [again], maxTurns: 3 }) };
}

describe('the maxTurns run option', () => {
  for (const bad of [Number.NaN, 0, -1, 2.5, Number.POSITIVE_INFINITY]) {
    it(`${bad} is refused by run() and stream() before the model is called`, async () => {
      const { model, agent } = loopingAgent();
      const error = await agent.run('go', { maxTurns: bad }).catch((e: unknown) => e);
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('maxTurns');
      expect(() => agent.stream('go', { maxTurns: bad })).toThrow(ConfigurationError);
      expect(model.callCount).toBe(0);
    });
  }

  it('a valid override still wins over the agent setting', async () => {
    const { model, agent } = loopingAgent();
    const error = await agent.run('go', { maxTurns: 2 }).catch((e: unknown) => e);
    expect(MaxTurnsExceededError.isInstance(error)).toBe(true);
    expect(model.callCount).toBe(2);
  });
});
