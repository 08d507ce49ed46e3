/**
 * Many concurrent runs against a server enforcing requests and tokens per window (429s and
 * `x-ratelimit-*` headers), five times more than the budget allows: with a shared `RateLimiter`
 * they draw (almost) no 429s and use (almost) the whole budget.
 */
import { Agent, openai, openaiResponses, RateLimiter } from '@agentloop/core';
import { TokenCounter } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Responder, startTestServer, type TestServer } from '../../support/index.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const lookup = tool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: async ({ word }) => `${word}: a word`,
});

/** A tool call first, then the answer: two requests per run. */
const twoTurns: Responder = (record) => {
  const messages = record.body.messages ?? [];
  return messages.at(-1)?.role === 'tool'
    ? { content: 'It is a word.' }
    : { toolCalls: [{ name: 'lookup', arguments: { word: 'limit' } }] };
};

const counter = new TokenCounter({ model: 'gpt-4o-mini' });
/** The server counts a request's tokens as the limiter does: the exact prompt plus max_tokens. */
const exactTokens = (body: ChatCompletionCreateParams) =>
  counter.countMessages(body.messages) +
  counter.countTools(body.tools) +
  (body.max_completion_tokens ?? body.max_tokens ?? 0);

interface Load {
  runs: number;
  limiter: RateLimiter;
}

async function runAll(url: string, { runs, limiter }: Load) {
  const model = openai('gpt-4o-mini', { baseURL: url, apiKey: 'k', limiter });
  const agent = new Agent({
    name: 'busy',
    model,
    tools: [lookup],
    modelSettings: { max_tokens: 40 },
    retry: { maxRetries: 5 },
  });
  let waits = 0;
  agent.on('model:rate_limited', () => {
    waits += 1;
  });
  const results = await Promise.all(
    Array.from({ length: runs }, async (_, i) => {
      if (i % 2 === 0) return agent.run(`Word ${i % 3}?`);
      let text = '';
      for await (const event of agent.stream(`Word ${i % 3}?`)) {
        if (event.type === 'run:end') text = event.result.text;
      }
      return { text };
    }),
  );
  return { results, waits };
}

/** What the server let through against what its budget allowed over the same time. */
function throughput(
  s: TestServer,
  capacity: number,
  perWindow: number,
  windowMs: number,
  used: number,
) {
  const admitted = s.requests.filter((r) => r.status === 200);
  const first = s.requests[0]?.receivedAt ?? 0;
  const last = admitted.at(-1)?.receivedAt ?? first;
  const allowed = capacity + (perWindow * (last - first)) / windowMs;
  return used / allowed;
}

describe('RateLimiter against a server enforcing limits', () => {
  it('5x oversubscribed on requests: no 429s, over 90% of the request budget used', async () => {
    const windowMs = 500;
    const rpm = 10;
    // 25 runs of 2 requests each: 50 requests, 5x the budget of one window.
    server = await startTestServer({ responder: twoTurns, rateLimits: { rpm, windowMs } });
    const limiter = new RateLimiter({ rpm, windowMs });
    const { results, waits } = await runAll(server.url, { runs: 25, limiter });
    expect(results.every((r) => r.text === 'It is a word.')).toBe(true);
    const limits = server.rateLimits!;
    expect(limits.admitted).toBe(50);
    expect(limits.refused).toBeLessThanOrEqual(2);
    expect(waits).toBeGreaterThan(25);
    expect(throughput(server, rpm, rpm, windowMs, limits.admitted)).toBeGreaterThan(0.9);
  });

  it('5x oversubscribed on tokens, counted exactly: no 429s, over 90% of the token budget used', async () => {
    const windowMs = 500;
    const tpm = 2_000;
    server = await startTestServer({
      responder: twoTurns,
      rateLimits: { rpm: 10_000, tpm, windowMs, tokensOf: exactTokens },
    });
    const limiter = new RateLimiter({ rpm: 10_000, tpm, windowMs });
    const { results } = await runAll(server.url, { runs: 40, limiter });
    expect(results).toHaveLength(40);
    const limits = server.rateLimits!;
    expect(limits.admittedTokens).toBeGreaterThan(5 * tpm * 0.9);
    expect(limits.refused).toBeLessThanOrEqual(2);
    expect(throughput(server, tpm, tpm, windowMs, limits.admittedTokens)).toBeGreaterThan(0.9);
  });

  it('without a limiter the same load draws 429s (the test server does enforce the limits)', async () => {
    const windowMs = 500;
    server = await startTestServer({ responder: twoTurns, rateLimits: { rpm: 10, windowMs } });
    const model = openai('gpt-4o-mini', { baseURL: server.url, apiKey: 'k' });
    const agent = new Agent({ name: 'busy', model, tools: [lookup], retry: { maxRetries: 20 } });
    await Promise.allSettled(Array.from({ length: 25 }, (_, i) => agent.run(`Word ${i}?`)));
    expect(server.rateLimits!.refused).toBeGreaterThan(10);
  });

  it('openaiResponses() waits for the same limiter', async () => {
    const windowMs = 500;
    server = await startTestServer({
      responder: () => ({ content: 'ok' }),
      rateLimits: { rpm: 4, windowMs },
    });
    const limiter = new RateLimiter({ rpm: 4, windowMs });
    const model = openaiResponses('gpt-4o-mini', { baseURL: server.url, apiKey: 'k', limiter });
    const agent = new Agent({ name: 'r', model });
    const waits: number[] = [];
    agent.on('model:rate_limited', (event) => {
      waits.push(event.waitMs);
    });
    await Promise.all(Array.from({ length: 12 }, (_, i) => agent.run(`q${i}`)));
    expect(server.rateLimits!.admitted).toBe(12);
    expect(server.rateLimits!.refused).toBe(0);
    expect(waits.length).toBeGreaterThanOrEqual(8);
  });

  it('a wait for the limiter does not count against timeouts.firstByteMs, and the run can abort it', async () => {
    server = await startTestServer({ responder: () => ({ content: 'ok' }) });
    const limiter = new RateLimiter({ rpm: 1, windowMs: 400 });
    const model = openai('gpt-4o-mini', { baseURL: server.url, apiKey: 'k', limiter });
    const agent = new Agent({ name: 'patient', model, retry: { maxRetries: 0 } });
    const events: string[] = [];
    agent.on('model:rate_limited', (e) => {
      events.push(`wait ${e.limit}`);
    });
    agent.on('model:retry', () => {
      events.push('retry');
    });
    // The first run also loads the token encoder; the timed one comes after.
    await agent.run('first');
    // The second request waits about 400 ms, four times firstByteMs, and still succeeds.
    const second = await agent.run('second', { timeouts: { firstByteMs: 100 } });
    expect(second.text).toBe('ok');
    expect(events).toEqual(['wait requests']);
    expect(server.requests).toHaveLength(2);

    const controller = new AbortController();
    agent.once('model:rate_limited', () => controller.abort());
    await expect(agent.run('third', { signal: controller.signal })).rejects.toThrow();
    expect(server.requests).toHaveLength(2);
    expect(limiter.waiting).toBe(0);
  });

  it('learns a budget it was not given from the x-ratelimit headers of the first reply', async () => {
    server = await startTestServer({
      responder: () => ({ content: 'ok' }),
      rateLimits: { rpm: 3, windowMs: 600 },
    });
    const limiter = new RateLimiter();
    const model = openai('gpt-4o-mini', { baseURL: server.url, apiKey: 'k', limiter });
    const agent = new Agent({ name: 'learner', model });
    let waits = 0;
    agent.on('model:rate_limited', () => {
      waits += 1;
    });
    await agent.run('first');
    await Promise.all(Array.from({ length: 8 }, (_, i) => agent.run(`q${i}`)));
    expect(server.rateLimits!.admitted).toBe(9);
    expect(server.rateLimits!.refused).toBe(0);
    expect(waits).toBeGreaterThanOrEqual(6);
  });
});
