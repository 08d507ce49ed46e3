import { Agent, AgentError, ConfigurationError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: city.length }),
});

describe('a run', () => {
  it('calls the model, runs the tools it asks for, feeds results back and returns the answer', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      'It is 5 degrees in Paris.',
    ]);
    const agent = new Agent({ name: 'w', instructions: 'Be brief.', model, tools: [getWeather] });
    const result = await agent.run('Weather in Paris?');

    expect(result.text).toBe('It is 5 degrees in Paris.');
    expect(result.output).toBe(result.text);
    expect(result.turns).toBe(2);
    expect(result.finishReason).toBe('stop');
    expect(result.runId).toMatch(/^run_/);
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({
      id: 'c1',
      name: 'get_weather',
      arguments: { city: 'Paris' },
      turn: 1,
      outcome: { ok: true, value: { city: 'Paris', tempC: 5 } },
    });
    expect(result.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(result.newMessages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    // The second request carries the tool result, answering the call by id.
    const second = model.requests[1];
    expect(second?.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'c1',
      content: JSON.stringify({ city: 'Paris', tempC: 5 }),
    });
    expect(model.requests[0]?.tools?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather' },
    });
  });

  it('sums usage over turns, including cached and reasoning tokens, and prices known models', async () => {
    const usage = (p: number, c: number, cached: number, reasoning: number) => ({
      prompt_tokens: p,
      completion_tokens: c,
      total_tokens: p + c,
      prompt_tokens_details: { cached_tokens: cached },
      completion_tokens_details: { reasoning_tokens: reasoning },
    });
    const model = new ScriptedModel(
      [
        {
          toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }],
          usage: usage(100, 10, 40, 2),
        },
        { content: 'Cold.', usage: usage(150, 5, 100, 1) },
      ],
      { name: 'gpt-4o-mini' },
    );
    const result = await new Agent({ name: 'u', model, tools: [getWeather] }).run('Oslo?');
    expect(result.usage).toMatchObject({
      promptTokens: 250,
      completionTokens: 15,
      totalTokens: 265,
      cachedTokens: 140,
      reasoningTokens: 3,
    });
    expect(result.usage.cost).toBeGreaterThan(0);

    const unknown = new ScriptedModel(['hi'], { name: 'my-local-llama' });
    const r2 = await new Agent({ name: 'u', model: unknown }).run('hi');
    expect(r2.usage.cost).toBeUndefined();
  });

  it('resolves async instructions from the run context, and accepts messages as input', async () => {
    const model = new ScriptedModel(['ok']);
    const agent = new Agent<{ user: string }>({
      name: 'ctx',
      model,
      instructions: async ({ context }) => `You help ${context.user}.`,
    });
    await agent.run(
      [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'noted' },
        { role: 'user', content: 'second' },
      ],
      { context: { user: 'Ada' } },
    );
    expect(model.requests[0]?.messages).toEqual([
      { role: 'system', content: 'You help Ada.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'noted' },
      { role: 'user', content: 'second' },
    ]);
  });

  it('sends no tools and no tool_choice when the agent has no tools', async () => {
    const model = new ScriptedModel(['plain']);
    await new Agent({ name: 'n', model, toolChoice: 'auto' }).run('hi');
    expect(model.requests[0]).not.toHaveProperty('tools');
    expect(model.requests[0]).not.toHaveProperty('tool_choice');
  });

  it('hands the run context and ids to tools', async () => {
    const seen: unknown[] = [];
    const whoami = tool({
      name: 'whoami',
      description: 'who',
      parameters: z.object({}),
      execute: async (_args, ctx) => {
        seen.push({ context: ctx.context, runId: ctx.runId, id: ctx.toolCallId });
        return 'ok';
      },
    });
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'x1', name: 'whoami', arguments: {} }] },
      'done',
    ]);
    const result = await new Agent<{ tenant: string }>({ name: 'c', model, tools: [whoami] }).run(
      'go',
      { context: { tenant: 't1' } },
    );
    expect(seen).toEqual([{ context: { tenant: 't1' }, runId: result.runId, id: 'x1' }]);
  });
});

describe('configuration errors are thrown at construction', () => {
  it.each([
    [{ name: '', model: 'gpt-4o' }, 'name'],
    [{ name: 'a', model: '' }, 'model'],
    [{ name: 'a', model: 'gpt-4o', maxTurns: 0 }, 'maxTurns'],
    [{ name: 'a', model: 'gpt-4o', toolConcurrency: 1.5 }, 'toolConcurrency'],
    [{ name: 'a', model: 'gpt-4o', onMaxTurns: 'later' }, 'onMaxTurns'],
    [{ name: 'a', model: 'gpt-4o', output: { type: 'object' } }, 'output'],
  ])('%o names %s', (options, option) => {
    let caught: unknown;
    try {
      new Agent(options as never);
    } catch (error) {
      caught = error;
    }
    expect(ConfigurationError.isInstance(caught)).toBe(true);
    expect(AgentError.isInstance(caught)).toBe(true);
    expect((caught as ConfigurationError).option).toBe(option);
    expect((caught as Error).message).toContain(option);
  });

  it('rejects duplicate tool names with the tools package error (an AgentError)', () => {
    let caught: unknown;
    try {
      new Agent({ name: 'a', model: 'gpt-4o', tools: [getWeather, getWeather] });
    } catch (error) {
      caught = error;
    }
    expect(AgentError.isInstance(caught)).toBe(true);
    expect((caught as AgentError).code).toBe('duplicate_tool');
  });

  it('rejects bad input with a clear error and makes no model call', async () => {
    const model = new ScriptedModel(['x']);
    const agent = new Agent({ name: 'a', model });
    await expect(agent.run(42 as never)).rejects.toThrow(
      /expects a string or an array of chat messages/,
    );
    expect(model.requests).toHaveLength(0);
  });
});
