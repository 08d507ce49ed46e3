import { Agent, type AgentEvent, type RunBudget, type RunResult } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import type { Tool } from '@agentloop/tools';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const model = new ScriptedModel(['ok']);
const weather = new Agent({ name: 'weather', model, output: z.object({ tempC: z.number() }) });

describe('agent.asTool types', () => {
  it('takes { input: string } by default', () => {
    const t = weather.asTool({ description: 'w' });
    expectTypeOf(t).toExtend<Tool<{ input: string }, unknown>>();
  });

  it('infers the arguments from parameters, and types input and output by the agent', () => {
    const t = weather.asTool({
      description: 'w',
      parameters: z.object({ city: z.string(), days: z.number() }),
      input: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days: number }>();
        return args.city;
      },
      output: (result) => {
        expectTypeOf(result).toEqualTypeOf<RunResult<{ tempC: number }>>();
        return result.output.tempC;
      },
    });
    expectTypeOf(t).toExtend<Tool<{ city: string; days: number }, unknown>>();
    // A description is required.
    // @ts-expect-error description is missing
    weather.asTool({});
  });

  it('a run takes a typed budget, and events carry agent and path', async () => {
    const triage = new Agent({
      name: 'triage',
      model,
      tools: [weather.asTool({ description: 'w' })],
    });
    const budget: RunBudget = {
      maxTurns: 5,
      maxTokens: 1000,
      maxCostUsd: 0.1,
      onExceeded: 'final-answer',
    };
    const result = await triage.run('x', { budget });
    expectTypeOf(result.usageByAgent).toEqualTypeOf<Record<string, RunResult['usage']>>();
    // @ts-expect-error onExceeded is 'throw' or 'final-answer'
    void triage.run('x', { budget: { onExceeded: 'stop' } });
    triage.on('*', (event: AgentEvent) => {
      expectTypeOf(event.path).toEqualTypeOf<readonly string[]>();
      expectTypeOf(event.agent).toEqualTypeOf<string>();
      expectTypeOf(event.parentRunId).toEqualTypeOf<string | undefined>();
    });
  });
});
