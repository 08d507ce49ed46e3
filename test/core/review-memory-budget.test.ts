/**
 * Review: trimming in a live run. When the newest turn only fits because a huge tool output was
 * cut, the request was trimmed just as surely as when turns are dropped, so `memory:trim` must
 * say so (nothing was dropped, one output was shrunk). A small budget with the default reserve
 * works: the default never takes more than a quarter of a chosen budget. A reserve the user set
 * that exhausts the budget can never work: it is refused at construction.
 */
import { Agent, ConfigurationError, type MemoryTrimEvent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { TokenCounter } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateChatRequest } from '../support/validate-request.js';

const dump = tool({
  name: 'dump',
  description: 'Returns a very long log',
  parameters: z.object({}),
  execute: async () => 'line of log output\n'.repeat(3000),
});

describe('a huge tool output in the newest turn', () => {
  it('is cut to the budget and announced with memory:trim', async () => {
    const model = new ScriptedModel([{ toolCalls: [{ name: 'dump', arguments: {} }] }, 'done']);
    const agent = new Agent({
      name: 'logs',
      model,
      tools: [dump],
      memory: { maxTokens: 2000, reserveOutputTokens: 200 },
    });
    const trims: MemoryTrimEvent[] = [];
    agent.on('memory:trim', (event) => {
      trims.push(event);
    });
    const result = await agent.run('show the log');
    expect(result.text).toBe('done');

    const second = model.requests[1];
    expect(second).toBeDefined();
    expect(validateChatRequest({ model: 'gpt-4o-mini', ...second })).toEqual({ ok: true });
    const counter = new TokenCounter({ model: model.name });
    const sent =
      counter.countMessages(second?.messages ?? []) + counter.countTools(second?.tools ?? []);
    expect(sent + 200).toBeLessThanOrEqual(2000);
    // The store and the result keep the whole output; only the request was cut.
    const whole = result.toolCalls[0]?.outcome.output ?? '';
    expect(result.messages.at(-2)?.content).toBe(whole);
    const cut = String(second?.messages.at(-1)?.content);
    expect(cut.length).toBeLessThan(whole.length / 2);

    expect(trims).toHaveLength(1);
    expect(trims[0]).toMatchObject({ turn: 2, dropped: 0, shrunk: 1, maxTokens: 2000 });
    expect(trims[0]?.tokens).toBe(sent);
  });
});

describe('the reply reserve and a small budget', () => {
  it('the default reserve shrinks to a quarter of a small budget, so the run works', async () => {
    const model = new ScriptedModel(['hi']);
    const agent = new Agent({ name: 'tiny', model, memory: { maxTokens: 1000 } });
    expect((await agent.run('hello')).text).toBe('hi');
  });

  it('an explicit reserve that leaves nothing is refused at construction, naming both numbers', () => {
    const make = () =>
      new Agent({
        name: 'tiny',
        model: new ScriptedModel(['hi']),
        memory: { maxTokens: 1000, reserveOutputTokens: 1000 },
      });
    expect(make).toThrow(ConfigurationError);
    expect(make).toThrow(/1000 of them free/);
  });

  it('also when the reserve comes from modelSettings.max_completion_tokens', () => {
    expect(
      () =>
        new Agent({
          name: 'tiny',
          model: new ScriptedModel(['hi']),
          modelSettings: { max_completion_tokens: 2000 },
          memory: { maxTokens: 2000 },
        }),
    ).toThrow(ConfigurationError);
  });

  it('a small budget with a small reserve still works', async () => {
    const agent = new Agent({
      name: 'tiny',
      model: new ScriptedModel(['hi']),
      memory: { maxTokens: 1000, reserveOutputTokens: 100 },
    });
    expect((await agent.run('hello')).text).toBe('hi');
  });
});
