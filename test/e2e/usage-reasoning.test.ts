/**
 * Issue 11 point 4 end to end: reasoning tokens that a provider counts outside
 * `completion_tokens` (xAI beside them, Gemini only in the total) reach `result.usage` as
 * completion tokens, and are priced as output, through the real `openai` client.
 */
import { Agent, definePrice, openai } from '@agentloop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetDefinedPrices } from '../../packages/core/src/models/pricing.js';
import { startTestServer, type TestServer } from '../support/index.js';

const API_KEY = 'sk-test-SECRET-123';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY });
  definePrice('reasoner-test', { input: 0.3, cachedInput: 0.075, output: 0.5 });
});
afterEach(async () => {
  resetDefinedPrices();
  await server.close();
});

const agent = () =>
  new Agent({
    name: 'reasoner',
    model: openai('reasoner-test', { apiKey: API_KEY, baseURL: server.url }),
  });

describe.each(['beside', 'total'] as const)('reasoning counted %s completion_tokens', (where) => {
  const usage = { promptTokens: 20, completionTokens: 3, reasoningTokens: 150, reasoningIn: where };
  const expected = {
    promptTokens: 20,
    completionTokens: 153,
    totalTokens: 173,
    reasoningTokens: 150,
    // 20 input tokens at $0.30 and 153 output tokens at $0.50 per 1M.
    cost: 0.0000825,
  };

  it('run(): the usage has it in completionTokens, and the cost bills it', async () => {
    server.reply({ content: 'Done.', usage });
    const result = await agent().run('Think hard.');
    expect(result.usage).toEqual({ cachedTokens: 0, ...expected });
  });

  it('stream(): the same', async () => {
    server.reply({ content: 'Done.', usage });
    const stream = agent().stream('Think hard.');
    for await (const _event of stream) {
      // Drain the events.
    }
    expect((await stream.result).usage).toEqual({ cachedTokens: 0, ...expected });
  });
});
