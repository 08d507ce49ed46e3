import { TokenCounter } from '@agentloop/memory';
import { describe, expect, it } from 'vitest';
import { loadedEncoderCount } from '../../packages/memory/src/encoder-cache.js';

// Each test file runs in its own process (pool: forks), so this file sees a fresh module state.
describe('one encoder per encoding per process', () => {
  let oneEncoder = 0;

  it('creates no encoder at import or construction, only on first count', () => {
    expect(loadedEncoderCount()).toBe(0);
    const before = process.memoryUsage().external;
    const counter = new TokenCounter({ model: 'gpt-4o' });
    expect(loadedEncoderCount()).toBe(0);
    counter.countText('hello');
    expect(loadedEncoderCount()).toBe(1);
    // What one o200k_base encoder costs (WASM memory shows up as external memory).
    oneEncoder = process.memoryUsage().external - before;
    expect(oneEncoder).toBeGreaterThan(10_000_000);
  });

  it('1,000 counters created and dropped grow memory by less than one encoder', () => {
    const start = process.memoryUsage().external;
    const models = ['gpt-4o', 'gpt-4o-mini', 'gpt-5.1', 'o3-pro', 'llama3.1:8b'];
    for (let i = 0; i < 1_000; i++) {
      const counter = new TokenCounter({ model: models[i % models.length] as string });
      expect(counter.countText(`message number ${i}`)).toBeGreaterThan(0);
    }
    const growth = process.memoryUsage().external - start;
    expect(growth).toBeLessThan(oneEncoder);
    expect(loadedEncoderCount()).toBe(1);
  });

  it('a second encoding adds exactly one more encoder, shared by all its counters', () => {
    for (let i = 0; i < 100; i++) new TokenCounter({ model: 'gpt-4' }).countText('x');
    expect(loadedEncoderCount()).toBe(2);
  });
});
