/**
 * One of the processes sharing a `RedisRateLimiter` in the rate-limit tests and bench.
 *
 * Usage: `node --conditions=source --import tsx rate-limit-child.ts <json options>`, options:
 * `{ serverUrl, redisUrl, prefix, runs, rpm?, tpm?, windowMs }`. Prints `ready`, waits for a line
 * on stdin (so that every process starts together), runs `runs` concurrent two-turn runs (half of
 * them streamed), prints one JSON line `{ completed, waits }` and exits.
 *
 * @module
 */
import { createInterface } from 'node:readline';
import { Agent, openai } from '@agentloop/core';
import { RedisRateLimiter } from '@agentloop/redis';
import { tool } from '@agentloop/tools';
import { Redis } from 'ioredis';
import { z } from 'zod';

interface ChildOptions {
  serverUrl: string;
  redisUrl: string;
  prefix: string;
  runs: number;
  rpm?: number;
  tpm?: number;
  windowMs: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const redis = new Redis(options.redisUrl);
const limiter = new RedisRateLimiter({
  redis,
  prefix: options.prefix,
  key: 'shared',
  rpm: options.rpm,
  tpm: options.tpm,
  windowMs: options.windowMs,
});
const lookup = tool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: async ({ word }) => `${word}: a word`,
});
const agent = new Agent({
  name: 'busy',
  model: openai('gpt-4o-mini', { baseURL: options.serverUrl, apiKey: 'k', limiter }),
  tools: [lookup],
  modelSettings: { max_tokens: 40 },
  retry: { maxRetries: 8 },
});
let waits = 0;
agent.on('model:rate_limited', () => {
  waits += 1;
});

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
const results = await Promise.allSettled(
  Array.from({ length: options.runs }, async (_, i) => {
    if (i % 2 === 0) return (await agent.run(`Word ${i % 3}?`)).text;
    let text = '';
    for await (const event of agent.stream(`Word ${i % 3}?`)) {
      if (event.type === 'run:end') text = event.result.text;
    }
    return text;
  }),
);
const completed = results.filter((r) => r.status === 'fulfilled').length;
const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
process.stdout.write(`${JSON.stringify({ completed, waits, failures: failures.slice(0, 3) })}\n`);
lines.close();
await redis.quit();
