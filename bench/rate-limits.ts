/**
 * Rate limits shared across runs: many concurrent runs ask five times more of a server than its
 * requests / tokens budget allows (the test server enforces it with 429s and `x-ratelimit-*`
 * headers). With a shared `RateLimiter` (one process) or `RedisRateLimiter` (three processes)
 * they should draw at most a handful of 429s and use over 90% of the budget; without one, the
 * same load is refused again and again.
 *
 * Run alone: `node --conditions=source --import tsx bench/rate-limits.ts` (a Redis is found as
 * the tests find it; without one the three-process row is skipped).
 *
 * @module
 */

import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, openai, RateLimiter } from '@agentloop/core';
import { TokenCounter } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { runProcesses } from '../test/redis/rate-limit-processes.js';
import { type Responder, startTestServer, type TestServer } from '../test/support/index.js';
import { findRedis, uniquePrefix } from '../test/support/redis.js';
import type { BenchResult, BenchRow } from './stats.js';

const lookup = tool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: async ({ word }) => `${word}: a word`,
});

const twoTurns: Responder = (record) =>
  record.body.messages?.at(-1)?.role === 'tool'
    ? { content: 'It is a word.' }
    : { toolCalls: [{ name: 'lookup', arguments: { word: 'limit' } }] };

const counter = new TokenCounter({ model: 'gpt-4o-mini' });
const exactTokens = (body: ChatCompletionCreateParams) =>
  counter.countMessages(body.messages) +
  counter.countTools(body.tools) +
  (body.max_completion_tokens ?? body.max_tokens ?? 0);

interface Scenario {
  name: string;
  /** Served (requests or tokens) over what the budget allowed in the same span. */
  ratio: number;
  refused: number;
  requests: number;
  waits: number;
}

/** Served against allowed: the budget's capacity plus its refill over the span served. */
function ratioOf(server: TestServer, capacity: number, windowMs: number, served: number): number {
  const admitted = server.requests.filter((r) => r.status === 200);
  const first = admitted[0]?.receivedAt ?? 0;
  const last = admitted.at(-1)?.receivedAt ?? first;
  return served / (capacity + (capacity * (last - first)) / windowMs);
}

async function inProcess(options: {
  name: string;
  runs: number;
  windowMs: number;
  rpm?: number;
  tpm?: number;
  maxTokens: number;
  limited: boolean;
}): Promise<Scenario> {
  const { name, runs, windowMs, rpm, tpm, maxTokens, limited } = options;
  const server = await startTestServer({
    responder: twoTurns,
    rateLimits: {
      ...(rpm ? { rpm } : {}),
      ...(tpm ? { tpm } : {}),
      windowMs,
      tokensOf: exactTokens,
    },
  });
  try {
    const limiter = limited ? new RateLimiter({ rpm, tpm, windowMs }) : undefined;
    const agent = new Agent({
      name: 'busy',
      model: openai('gpt-4o-mini', { baseURL: server.url, apiKey: 'k', limiter }),
      tools: [lookup],
      modelSettings: { max_tokens: maxTokens },
      retry: { maxRetries: 30, maxDelayMs: 200 },
    });
    let waits = 0;
    agent.on('model:rate_limited', () => {
      waits += 1;
    });
    await Promise.allSettled(
      Array.from({ length: runs }, async (_, i) => {
        if (i % 2 === 0) return agent.run(`Word ${i % 3}?`);
        for await (const _event of agent.stream(`Word ${i % 3}?`)) {
          // Drained.
        }
      }),
    );
    const limits = server.rateLimits!;
    const ratio = tpm
      ? ratioOf(server, tpm, windowMs, limits.admittedTokens)
      : ratioOf(server, rpm ?? 1, windowMs, limits.admitted);
    return { name, ratio, refused: limits.refused, requests: limits.admitted, waits };
  } finally {
    await server.close();
  }
}

async function acrossProcesses(): Promise<Scenario | string> {
  const redis = await findRedis();
  if (!redis.url) return redis.reason;
  // The same 30 requests a second over a 2 s window: the requests' latency on a busy machine is
  // then small next to the window, as a model call's is next to OpenAI's minute.
  const windowMs = 2000;
  const rpm = 60;
  const server = await startTestServer({ responder: twoTurns, rateLimits: { rpm, windowMs } });
  try {
    const reports = await runProcesses({
      serverUrl: server.url,
      redisUrl: redis.url,
      prefix: uniquePrefix('bench'),
      processes: 3,
      runsPerProcess: 50,
      rpm,
      windowMs,
    });
    const limits = server.rateLimits!;
    return {
      name: 'RedisRateLimiter, 3 processes x 50 runs, 60 per 2 s',
      ratio: ratioOf(server, rpm, windowMs, limits.admitted),
      refused: limits.refused,
      requests: limits.admitted,
      waits: reports.reduce((sum, r) => sum + r.waits, 0),
    };
  } finally {
    await server.close();
    await redis.stop();
  }
}

/**
 * Runs the scenarios: requests-bound and tokens-bound in one process with a `RateLimiter`, the
 * same without one, and three processes sharing a `RedisRateLimiter`; each at 5x the budget.
 *
 * @returns Rows of throughput against the limit and 429 counts.
 */
export async function runRateLimitBenchmark(): Promise<BenchResult> {
  const loadBefore = loadavg();
  const windowMs = 1000;
  const scenarios: Scenario[] = [];
  // 75 two-turn runs: 150 requests against 30 a second, 5x one window's budget.
  scenarios.push(
    await inProcess({
      name: 'RateLimiter, 75 runs, rpm 30/s',
      runs: 75,
      windowMs,
      rpm: 30,
      maxTokens: 40,
      limited: true,
    }),
  );
  // About 500 tokens a request (max_tokens 400): 30 runs x 2 x 500 = 30k against 6k a second.
  scenarios.push(
    await inProcess({
      name: 'RateLimiter, 30 runs, tpm 6000/s',
      runs: 30,
      windowMs,
      tpm: 6000,
      maxTokens: 400,
      limited: true,
    }),
  );
  scenarios.push(
    await inProcess({
      name: 'no limiter, 75 runs, rpm 30/s',
      runs: 75,
      windowMs,
      rpm: 30,
      maxTokens: 40,
      limited: false,
    }),
  );
  const redis = await acrossProcesses();
  if (typeof redis !== 'string') scenarios.push(redis);

  const rows: BenchRow[] = [];
  for (const s of scenarios) {
    const limited = !s.name.startsWith('no limiter');
    rows.push({
      name: `${s.name}: throughput / limit`,
      value: Number(s.ratio.toFixed(3)),
      unit: 'x',
      ...(limited ? { target: '>= 0.9', pass: s.ratio >= 0.9 } : {}),
    });
    rows.push({
      name: `${s.name}: 429s (of ${s.requests} served)`,
      value: s.refused,
      unit: '',
      ...(limited ? { target: '<= 5', pass: s.refused <= 5 } : {}),
    });
    if (limited)
      rows.push({ name: `${s.name}: model:rate_limited events`, value: s.waits, unit: '' });
  }
  const title = 'Rate limits shared across runs (5x oversubscribed)';
  const table = [
    '| measure | value | target | met |',
    '| --- | ---: | --- | :---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.value}${r.unit ? ` ${r.unit}` : ''} | ${r.target ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'yes' : '**no**'} |`,
    ),
  ].join('\n');
  const notes = [
    'The test server enforces the budget like OpenAI (continuously refilled, 429 with `retry-after`, `x-ratelimit-*` headers) over a 1 s window (2 s across processes); every run makes two requests (a tool call, then the answer), half of them streamed. Throughput is what the server served over what its budget allowed in the same span (capacity plus refill).',
    // Starved of CPU, a client holds requests it was granted before they reach the server, whose
    // budget sits full meanwhile: the figures move with the machine's load.
    `Load average before and after: ${loadBefore.map((l) => l.toFixed(1)).join(', ')}; ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}.`,
    typeof redis === 'string' ? `The three-process row was skipped: ${redis}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { title, rows, markdown: `## ${title}\n\n${table}\n\n${notes}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runRateLimitBenchmark();
  console.log(result.markdown);
}
