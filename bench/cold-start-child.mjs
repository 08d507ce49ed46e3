// The child process of the cold-start benchmark: imports @agentloop/core, finishes one run of
// one tool call and an answer on ScriptedModel, and prints how long that took in-process.
// Plain JavaScript, so the same file runs on the sources (with tsx and the `source` condition)
// and on the built `dist/` (plain node), which is what users get.
const started = performance.now();
const { Agent } = await import('@agentloop/core');
const { ScriptedModel } = await import('@agentloop/core/testing');
const { tool } = await import('@agentloop/tools');
const { z } = await import('zod');
const imported = performance.now();

const clock = tool({
  name: 'clock',
  description: 'The time in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, time: '12:00' }),
});
// Usage is given, as a provider reports it: without it ScriptedModel would load tiktoken to
// count the request, which is the model's start-up, not the loop's.
const usage = { prompt_tokens: 60, completion_tokens: 8, total_tokens: 68 };
const model = new ScriptedModel([
  { toolCalls: [{ name: 'clock', arguments: { city: 'Oslo' } }], usage },
  { content: 'It is noon in Oslo.', usage },
]);
const agent = new Agent({ name: 'cold', model, tools: [clock] });
const result = await agent.run('What time is it in Oslo?');
if (result.text !== 'It is noon in Oslo.') throw new Error(`unexpected answer: ${result.text}`);
const finished = performance.now();
process.stdout.write(
  `${JSON.stringify({ importMs: imported - started, runMs: finished - imported, sinceProcessStartMs: finished })}\n`,
);
