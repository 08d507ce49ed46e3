/**
 * Runs of agents that call agents, recorded with `runLog` on `ScriptedModel` and real tools, for
 * the inspector's tree tests: a handoff (triage hands the run over to weather, which calls its
 * tool and answers).
 */
import { Agent } from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import type { RunLog } from '@agentloop/inspector';
import { tool } from '@agentloop/tools';
import { z } from 'zod';

/** A scripted model whose usage is priced (gpt-4o-mini), so costs can be checked. */
export function priced(replies: ScriptedReply[]): ScriptedModel {
  return new ScriptedModel(replies, { name: 'gpt-4o-mini' });
}

export const forecast = tool({
  name: 'forecast',
  description: 'The forecast of a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { city, sky: 'rain', high: 11 };
  },
});

/** The weather agent: calls `forecast` once, then answers. */
export function weatherAgent(): Agent {
  return new Agent({
    name: 'weather',
    instructions: 'You answer weather questions.',
    model: priced([
      { toolCalls: [{ name: 'forecast', arguments: { city: 'Oslo' } }] },
      'Rain in Oslo, 11 °C.',
    ]),
    tools: [forecast],
  });
}

/**
 * Triage hands the run over to weather in its first turn; weather calls `forecast` and answers.
 *
 * @returns the run's answer and the agent that gave it.
 */
export async function recordHandoffRun(log: RunLog): Promise<{ text: string; agent: string }> {
  const triage = new Agent({
    name: 'triage',
    instructions: 'You route the user.',
    model: priced([
      {
        content: 'Over to the weather desk.',
        toolCalls: [{ name: 'transfer_to_weather', arguments: {} }],
      },
    ]),
    handoffs: [weatherAgent()],
  });
  triage.on('*', log);
  const result = await triage.run('Weather in Oslo?');
  await log.flush();
  return { text: result.text, agent: result.agent };
}
