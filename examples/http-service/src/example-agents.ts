import type { Model } from '@agentloop/core';
import { z } from 'zod';
import { getTimeTool } from './get-time-tool.js';
import type { ServiceAgentOptions } from './service-options.js';

/** The shape of the `poet` agent's answer. */
export const Poem = z.object({
  title: z.string().describe('A short title.'),
  lines: z.array(z.string()).describe('Two to six short lines.'),
});

/**
 * The agents this example serves: `assistant` (the default), which can tell the time anywhere
 * with the `get_time` tool, and `poet`, which answers with a structured `{ title, lines }` poem.
 *
 * @param options - `model` for both agents; `now`, the clock of `get_time`.
 * @returns the agent definitions for `createService`.
 */
export function exampleAgents({
  model,
  now,
}: {
  model: Model;
  now?: () => Date;
}): ServiceAgentOptions[] {
  return [
    {
      name: 'assistant',
      instructions:
        'You are a concise assistant. Use get_time for any question about the current time or date.',
      model,
      tools: [getTimeTool(now ? { now } : {})],
      memory: { maxTokens: 16_000 },
    },
    {
      name: 'poet',
      instructions: 'Write a short poem about what the user asks for.',
      model,
      output: Poem,
      memory: { maxTokens: 16_000 },
    },
  ];
}
