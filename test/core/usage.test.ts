import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../packages/core/src/errors/errors.js';
import {
  costOf,
  DEFAULT_PRICES,
  definePrice,
  priceFor,
  resetDefinedPrices,
} from '../../packages/core/src/models/pricing.js';
import {
  addUsage,
  emptyUsage,
  sumUsage,
  type Usage,
  usageFromCompletion,
} from '../../packages/core/src/models/usage.js';

afterEach(() => resetDefinedPrices());

const completionUsage = {
  prompt_tokens: 1_000_000,
  completion_tokens: 200_000,
  total_tokens: 1_200_000,
  prompt_tokens_details: { cached_tokens: 400_000 },
  completion_tokens_details: { reasoning_tokens: 50_000 },
};

describe('usageFromCompletion', () => {
  it('maps prompt, completion, cached and reasoning tokens, and prices them', () => {
    const usage = usageFromCompletion(completionUsage, 'gpt-4o-mini');
    expect(usage).toMatchObject({
      promptTokens: 1_000_000,
      completionTokens: 200_000,
      totalTokens: 1_200_000,
      cachedTokens: 400_000,
      reasoningTokens: 50_000,
    });
    // 600k uncached at $0.15, 400k cached at $0.075, 200k output at $0.60 (per 1M).
    expect(usage.cost).toBeCloseTo(0.09 + 0.03 + 0.12, 10);
  });

  it('bills cached tokens at the cached rate, not the input rate', () => {
    const cached = usageFromCompletion(completionUsage, 'gpt-4.1').cost ?? Number.NaN;
    const uncached =
      usageFromCompletion(
        { ...completionUsage, prompt_tokens_details: { cached_tokens: 0 } },
        'gpt-4.1',
      ).cost ?? Number.NaN;
    // 400k tokens at $2.00 instead of $0.50: $0.60 more.
    expect(uncached - cached).toBeCloseTo(0.6, 10);
  });

  it('leaves the cost out for an unknown model, never a wrong number', () => {
    for (const model of [
      'llama3.1:8b',
      'o3-pro',
      'gpt-5.2',
      'ft:gpt-4o-mini:acme::x1',
      'my-gpt-4o',
    ]) {
      const usage = usageFromCompletion(completionUsage, model);
      expect(usage.promptTokens).toBe(1_000_000);
      expect(usage.cost).toBeUndefined();
      expect('cost' in usage).toBe(false);
    }
  });

  it('reports zero tokens and an unknown cost when the provider sent no usage', () => {
    const usage = usageFromCompletion(undefined, 'gpt-4o');
    expect(usage.totalTokens).toBe(0);
    expect(usage.cost).toBeUndefined();
  });

  it('fills in totals and details that are missing', () => {
    const usage = usageFromCompletion(
      { prompt_tokens: 10, completion_tokens: 5, total_tokens: 0 },
      'gpt-4o',
    );
    expect(usage).toMatchObject({ totalTokens: 15, cachedTokens: 0, reasoningTokens: 0 });
  });
});

describe('usageFromCompletion, reasoning tokens outside completion_tokens', () => {
  it('adds reasoning reported beside completion_tokens (total = prompt + completion + reasoning)', () => {
    // The xAI shape: 150 reasoning tokens not counted in completion_tokens, but in the total.
    definePrice('grok-test', { input: 0.3, cachedInput: 0.075, output: 0.5 });
    const usage = usageFromCompletion(
      {
        prompt_tokens: 20,
        completion_tokens: 3,
        total_tokens: 173,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 150 },
      },
      'grok-test',
    );
    expect(usage).toMatchObject({
      promptTokens: 20,
      completionTokens: 153,
      totalTokens: 173,
      cachedTokens: 4,
      reasoningTokens: 150,
    });
    // 16 uncached at $0.30, 4 cached at $0.075, 153 output at $0.50 (per 1M): reasoning is billed.
    expect(usage.cost).toBeCloseTo((16 * 0.3 + 4 * 0.075 + 153 * 0.5) / 1e6, 15);
  });

  it('takes an unexplained surplus of the total as reasoning when none is reported', () => {
    // The Gemini shape: thinking tokens only in the total.
    definePrice('gemini-test', { input: 1.25, output: 10 });
    const usage = usageFromCompletion(
      { prompt_tokens: 50, completion_tokens: 8, total_tokens: 90 },
      'gemini-test',
    );
    expect(usage).toMatchObject({
      promptTokens: 50,
      completionTokens: 40,
      totalTokens: 90,
      reasoningTokens: 32,
    });
    expect(usage.cost).toBeCloseTo((50 * 1.25 + 40 * 10) / 1e6, 15);
  });

  it('keeps reasoning inside completion_tokens when the total says so (OpenAI)', () => {
    const usage = usageFromCompletion(
      {
        prompt_tokens: 13,
        completion_tokens: 564,
        total_tokens: 577,
        completion_tokens_details: { reasoning_tokens: 561 },
      },
      'o3',
    );
    expect(usage).toMatchObject({ completionTokens: 564, totalTokens: 577, reasoningTokens: 561 });
    expect(usage.cost).toBeCloseTo((13 * 2 + 564 * 8) / 1e6, 15);
  });

  it('takes reasoning larger than completion_tokens as outside it when no total is sent', () => {
    const usage = usageFromCompletion(
      {
        prompt_tokens: 10,
        completion_tokens: 2,
        total_tokens: 0,
        completion_tokens_details: { reasoning_tokens: 30 },
      },
      'gpt-4o',
    );
    expect(usage).toMatchObject({ completionTokens: 32, totalTokens: 42, reasoningTokens: 30 });
  });

  it('keeps completion_tokens when reasoning and total do not fit together', () => {
    // A total with a surplus that is not the reported reasoning: nothing is invented.
    const usage = usageFromCompletion(
      {
        prompt_tokens: 10,
        completion_tokens: 20,
        total_tokens: 45,
        completion_tokens_details: { reasoning_tokens: 5 },
      },
      'gpt-4o',
    );
    expect(usage).toMatchObject({ completionTokens: 20, totalTokens: 45, reasoningTokens: 5 });
  });
});

describe('cost without float noise', () => {
  it('prices one call to a clean number of USD', () => {
    // 1 input token at $0.15 and 2 output tokens at $0.60 per 1M: 1.35e-6 USD, not 1.3499999e-6.
    const usage = usageFromCompletion(
      { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      'gpt-4o-mini',
    );
    expect(String(usage.cost)).toBe('0.00000135');
    expect(costOf({ promptTokens: 1, cachedTokens: 0, completionTokens: 7 }, 'gpt-4o-mini')).toBe(
      0.00000435,
    );
  });

  it('sums costs to clean numbers, exactly', () => {
    const call = (prompt: number) =>
      usageFromCompletion(
        { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt },
        'gpt-4o',
      );
    // $0.0001 + $0.0002 is 0.00030000000000000003 in plain floating point.
    expect(addUsage(call(40), call(80)).cost).toBe(0.0003);
    const many = sumUsage(Array.from({ length: 1000 }, () => call(1)));
    expect(many.cost).toBe(0.0025);
    expect(String(many.cost)).toBe('0.0025');
  });
});

describe('prices', () => {
  it('covers the current OpenAI models', () => {
    for (const model of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'o3',
      'o4-mini',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5-nano',
    ]) {
      expect(priceFor(model), model).toBeDefined();
    }
  });

  it('prices dated snapshots by their longest known name', () => {
    expect(priceFor('gpt-4o-2024-08-06')).toBe(DEFAULT_PRICES['gpt-4o']);
    expect(priceFor('gpt-4o-mini-2024-07-18')).toBe(DEFAULT_PRICES['gpt-4o-mini']);
    expect(priceFor('gpt-4.1-nano-2025-04-14')).toBe(DEFAULT_PRICES['gpt-4.1-nano']);
    expect(priceFor('o4-mini-2025-04-16')).toBe(DEFAULT_PRICES['o4-mini']);
    // The first gpt-4o snapshot has its own, higher price.
    expect(priceFor('gpt-4o-2024-05-13')?.input).toBe(5);
    expect(priceFor('GPT-4o-Mini')).toBe(DEFAULT_PRICES['gpt-4o-mini']);
  });

  it('does not borrow a price across different models that share a prefix', () => {
    expect(priceFor('o3-pro')).toBeUndefined();
    expect(priceFor('gpt-4o-realtime-preview')).toBeUndefined();
    expect(priceFor('gpt-5.2')).toBeUndefined();
  });

  it('definePrice adds a model (and its snapshots) and overrides a built-in price', () => {
    expect(priceFor('acme-llm')).toBeUndefined();
    definePrice('acme-llm', { input: 1, output: 2 });
    expect(usageFromCompletion(completionUsage, 'acme-llm-2025-01-01').cost).toBeCloseTo(
      1 + 0.4,
      10,
    );
    definePrice('gpt-4o', { input: 1, cachedInput: 1, output: 1 });
    expect(costOf({ promptTokens: 1e6, cachedTokens: 0, completionTokens: 1e6 }, 'gpt-4o')).toBe(2);
  });

  it('a price looked up before definePrice or resetDefinedPrices is looked up again after', () => {
    // Lookups are remembered per name; changing the tables must not leave a stale answer.
    expect(priceFor('acme-llm-2025-01-01')).toBeUndefined();
    definePrice('acme-llm', { input: 1, output: 2 });
    expect(priceFor('acme-llm-2025-01-01')).toEqual({ input: 1, output: 2 });
    definePrice('acme-llm', { input: 3, output: 4 });
    expect(priceFor('acme-llm-2025-01-01')).toEqual({ input: 3, output: 4 });
    resetDefinedPrices();
    expect(priceFor('acme-llm-2025-01-01')).toBeUndefined();
  });

  it('a prices table wins over the built-in one', () => {
    const prices = { 'gpt-4o-mini': { input: 10, output: 10 } };
    const tokens = { promptTokens: 1e6, cachedTokens: 4e5, completionTokens: 2e5 };
    expect(costOf(tokens, 'gpt-4o-mini', prices)).toBeCloseTo(12, 10);
    expect(usageFromCompletion(completionUsage, 'gpt-4o-mini').cost).toBeCloseTo(0.24, 10);
  });

  it('rejects prices that are not finite numbers >= 0', () => {
    expect(() => definePrice('x', { input: -1, output: 1 })).toThrow(ConfigurationError);
    expect(() => definePrice('x', { input: 1, output: Number.NaN })).toThrow(/output/);
    expect(() => definePrice('y', { input: 1, output: 1, cachedInput: -2 })).toThrow(/cachedInput/);
  });
});

describe('summing usage', () => {
  const a: Usage = usageFromCompletion(completionUsage, 'gpt-4o');
  const b: Usage = usageFromCompletion(
    { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    'gpt-4o',
  );

  it('adds every count and the cost', () => {
    const sum = addUsage(a, b);
    expect(sum.promptTokens).toBe(1_000_010);
    expect(sum.completionTokens).toBe(200_002);
    expect(sum.totalTokens).toBe(1_200_012);
    expect(sum.cachedTokens).toBe(400_000);
    expect(sum.reasoningTokens).toBe(50_000);
    expect(sum.cost).toBeCloseTo((a.cost ?? 0) + (b.cost ?? 0), 12);
    expect(sumUsage([a, b])).toEqual(addUsage(addUsage(emptyUsage(), a), b));
    expect(sumUsage([])).toEqual(emptyUsage());
  });

  it('loses the cost when any part of it is unknown', () => {
    const unknown = usageFromCompletion(completionUsage, 'local-model');
    expect(addUsage(a, unknown).cost).toBeUndefined();
    expect(sumUsage([a, unknown, b]).cost).toBeUndefined();
    expect(sumUsage([a, unknown, b]).promptTokens).toBe(2_000_010);
  });

  it('the cost of a sum equals the sum of the costs (one model)', () => {
    const tokens = fc.record({
      prompt: fc.integer({ min: 0, max: 1e7 }),
      cachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      completion: fc.integer({ min: 0, max: 1e6 }),
    });
    fc.assert(
      fc.property(
        fc.array(tokens, { maxLength: 8 }),
        fc.constantFrom('gpt-4o', 'o3', 'gpt-5-mini'),
        (parts, model) => {
          const usages = parts.map((p) =>
            usageFromCompletion(
              {
                prompt_tokens: p.prompt,
                completion_tokens: p.completion,
                total_tokens: p.prompt + p.completion,
                prompt_tokens_details: { cached_tokens: Math.floor(p.prompt * p.cachedShare) },
              },
              model,
            ),
          );
          const total = sumUsage(usages);
          const direct = costOf(total, model);
          expect(total.cost).toBeDefined();
          expect(Math.abs((total.cost ?? 0) - (direct ?? 0))).toBeLessThan(1e-9);
        },
      ),
    );
  });
});
