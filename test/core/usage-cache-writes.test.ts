/**
 * Issue 19 point 5: cached input tokens and cache writes priced as the price table says, and a
 * breakdown that adds up (prompt = uncached + cached + cache writes; cost = the sum of its parts).
 */
import { Agent, costBreakdown, definePrice, inputBreakdown, openai } from '@agentloop/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../packages/core/src/errors/errors.js';
import { resetDefinedPrices } from '../../packages/core/src/models/pricing.js';
import { addUsage, usageFromCompletion } from '../../packages/core/src/models/usage.js';
import { startTestServer } from '../support/index.js';

afterEach(() => resetDefinedPrices());

// An Anthropic-like price: cache reads at 0.1x input, 5-minute cache writes at 1.25x input.
const CLAUDE = { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, output: 15 };

describe('cache writes', () => {
  it("reads OpenRouter's cache_write_tokens and Anthropic-style cache_creation_input_tokens", () => {
    definePrice('anthropic/claude-sonnet-4', CLAUDE);
    const openRouter = usageFromCompletion(
      {
        prompt_tokens: 1_000_000,
        completion_tokens: 100_000,
        total_tokens: 1_100_000,
        prompt_tokens_details: { cached_tokens: 500_000, cache_write_tokens: 200_000 } as never,
      },
      'anthropic/claude-sonnet-4',
    );
    expect(openRouter).toMatchObject({ cachedTokens: 500_000, cacheWriteTokens: 200_000 });
    // 300k uncached x $3 + 500k cached x $0.30 + 200k written x $3.75 + 100k out x $15, per 1M.
    expect(openRouter.cost).toBe(0.9 + 0.15 + 0.75 + 1.5);

    const relay = usageFromCompletion(
      {
        prompt_tokens: 1000,
        completion_tokens: 10,
        total_tokens: 1010,
        cache_creation_input_tokens: 400,
      } as never,
      'anthropic/claude-sonnet-4',
    );
    expect(relay.cacheWriteTokens).toBe(400);
  });

  it('a model without a cache-write price bills writes as input; OpenAI reports none', () => {
    const usage = usageFromCompletion(
      {
        prompt_tokens: 1_000_000,
        completion_tokens: 0,
        total_tokens: 1_000_000,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 1_000_000 } as never,
      },
      'gpt-4o',
    );
    expect(usage.cost).toBe(2.5);
    const plain = usageFromCompletion(
      { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
      'gpt-4o',
    );
    expect('cacheWriteTokens' in plain).toBe(false);
  });

  it('inconsistent counts are clamped: the parts never exceed the prompt', () => {
    const usage = usageFromCompletion(
      {
        prompt_tokens: 100,
        completion_tokens: 0,
        total_tokens: 100,
        prompt_tokens_details: { cached_tokens: 80, cache_write_tokens: 50 } as never,
      },
      'gpt-4o',
    );
    expect(inputBreakdown(usage)).toEqual({
      uncachedTokens: 0,
      cachedTokens: 80,
      cacheWriteTokens: 20,
    });
  });

  it('a price with a bad cacheWriteInput is refused, naming it', () => {
    expect(() => definePrice('m', { input: 1, output: 1, cacheWriteInput: -1 })).toThrow(
      ConfigurationError,
    );
    expect(() => definePrice('m', { input: 1, output: 1, cacheWriteInput: -1 })).toThrow(
      /cacheWriteInput/,
    );
  });

  it('the breakdown adds up, for any counts: tokens to the prompt, parts to the cost', () => {
    definePrice('claude-test', CLAUDE);
    const count = fc.integer({ min: 0, max: 2_000_000 });
    fc.assert(
      fc.property(count, count, count, count, (prompt, cached, writes, completion) => {
        const tokens = {
          promptTokens: prompt,
          cachedTokens: cached,
          cacheWriteTokens: writes,
          completionTokens: completion,
        };
        const input = inputBreakdown(tokens);
        expect(input.uncachedTokens + input.cachedTokens + input.cacheWriteTokens).toBe(prompt);
        for (const model of ['claude-test', 'gpt-4o', 'gpt-4o-2024-05-13']) {
          const cost = costBreakdown(tokens, model);
          if (!cost) throw new Error(`no price for ${model}`);
          const sum = cost.uncachedInput + cost.cachedInput + cost.cacheWriteInput + cost.output;
          expect(Math.abs(cost.total - sum)).toBeLessThan(1e-9);
        }
      }),
    );
    expect(costBreakdown({ promptTokens: 1, cachedTokens: 0, completionTokens: 1 }, 'x-9')).toBe(
      undefined,
    );
  });

  it('sums over turns, and a run priced end to end from the wire', async () => {
    const a = usageFromCompletion(
      {
        prompt_tokens: 10,
        completion_tokens: 1,
        total_tokens: 11,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 8 } as never,
      },
      'gpt-4o',
    );
    const b = usageFromCompletion(
      {
        prompt_tokens: 12,
        completion_tokens: 1,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 8 },
      },
      'gpt-4o',
    );
    expect(addUsage(a, b)).toMatchObject({ cachedTokens: 8, cacheWriteTokens: 8 });

    definePrice('claude-wire', CLAUDE);
    const server = await startTestServer({ apiKey: 'k' });
    try {
      server.reply(
        {
          content: 'Hi.',
          usage: {
            promptTokens: 2_000,
            completionTokens: 100,
            cachedTokens: 1_000,
            cacheWriteTokens: 600,
          },
        },
        {
          content: 'Hi again.',
          usage: { promptTokens: 2_100, completionTokens: 100, cachedTokens: 1_600 },
        },
      );
      const agent = new Agent({
        name: 'cached',
        model: openai('claude-wire', { apiKey: 'k', baseURL: server.url }),
      });
      const first = await agent.run('Hello');
      const second = await agent.run('Hello again');
      expect(first.usage).toMatchObject({ cachedTokens: 1_000, cacheWriteTokens: 600 });
      // 400 uncached x $3 + 1000 cached x $0.30 + 600 written x $3.75 + 100 out x $15, per 1M.
      expect(first.usage.cost).toBeCloseTo(
        (400 * 3 + 1000 * 0.3 + 600 * 3.75 + 100 * 15) / 1e6,
        12,
      );
      expect(second.usage.cacheWriteTokens).toBeUndefined();
      expect(second.usage.cost).toBeCloseTo((500 * 3 + 1600 * 0.3 + 100 * 15) / 1e6, 12);
    } finally {
      await server.close();
    }
  });
});
