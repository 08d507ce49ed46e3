/**
 * The child process of the scale benchmark: starts N runs at once against the test server whose
 * URL it is given, samples its own RSS meanwhile, and prints one JSON line of figures. It runs in
 * a fresh process so the RSS figure holds nothing but agentloop, the client and the runs.
 *
 * Plain JavaScript run by plain `node`, as a user's program runs the built packages: under tsx
 * the process would also hold tsx's loader and its transforms of every module it loads (tens of
 * MB of RSS that are not agentloop's).
 *
 * Usage: `node bench/scale-child.mjs <baseURL> <runs>` (after `pnpm build`); the figures are
 * `ScaleFigures` of `scale.ts`.
 *
 * @module
 */

import { Agent, openai } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { z } from 'zod';

const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  parameters: z.object({ key: z.string() }),
  execute: async ({ key }) => ({ key, value: key.length }),
});

async function main() {
  const [baseURL, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (!baseURL || !Number.isInteger(count) || count <= 0) {
    throw new Error('usage: scale-child.mjs <baseURL> <runs>');
  }
  const agent = new Agent({
    name: 'scale',
    model: openai('gpt-4o-mini', { apiKey: 'test-key', baseURL }),
    tools: [lookup],
  });
  let retries = 0;
  agent.on('model:retry', () => {
    retries += 1;
  });
  // One run first so that lazy work (client creation, schema conversion) is out of the figures.
  await agent.run('warm up');

  const baselineRssBytes = process.memoryUsage().rss;
  let peakRssBytes = baselineRssBytes;
  const sampleRss = () => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  };
  const sampler = setInterval(sampleRss, 5);

  /** @type {number[]} */
  const latenciesMs = [];
  /** @type {Record<string, number>} */
  const failures = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const runStarted = performance.now();
      try {
        await agent.run(`Look up key ${i}.`);
        latenciesMs.push(performance.now() - runStarted);
      } catch (error) {
        const code = error?.code;
        const key = typeof code === 'string' ? code : String(error);
        failures[key] = (failures[key] ?? 0) + 1;
      } finally {
        sampleRss();
      }
    }),
  );
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  sampleRss();

  const figures = {
    runs: count,
    ok: latenciesMs.length,
    failed: count - latenciesMs.length,
    failures,
    wallMs,
    latenciesMs,
    baselineRssBytes,
    peakRssBytes,
    retries,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exitCode = 1;
});
