import { contextWindowFor, DEFAULT_CONTEXT_WINDOW, encodingForModel } from '@agentloop/memory';
import { describe, expect, it } from 'vitest';

describe('encodingForModel re-implements tiktoken’s prefix table', () => {
  it.each([
    'gpt-4o',
    'gpt-4o-2024-08-06',
    'gpt-4o-mini',
    'chatgpt-4o-latest',
    'gpt-4.1',
    'gpt-4.1-nano-2025-04-14',
    'gpt-4.5-preview',
    'gpt-5',
    'gpt-5.1',
    'gpt-5-mini-2025-08-07',
    'o1',
    'o1-preview',
    'o3',
    'o3-pro',
    'o3-mini-2025-01-31',
    'o4-mini',
    'o4-mini-2025-04-16',
    'ft:gpt-4o-mini-2024-07-18:acme::abc123',
    'ft:gpt-4.1:acme::x',
    'openai/gpt-4o',
    'GPT-4O',
  ])('%s -> o200k_base', (model) => {
    expect(encodingForModel(model)).toBe('o200k_base');
  });

  it.each([
    'gpt-4',
    'gpt-4-0613',
    'gpt-4-32k',
    'gpt-4-turbo-2024-04-09',
    'gpt-3.5-turbo',
    'gpt-3.5-turbo-0125',
    'gpt-35-turbo',
    'gpt-35-turbo-16k',
    'ft:gpt-3.5-turbo-0613:acme::id',
    'ft:gpt-4-0613:acme::id',
    'text-embedding-3-small',
  ])('%s -> cl100k_base', (model) => {
    expect(encodingForModel(model)).toBe('cl100k_base');
  });

  it.each(['llama3.1:8b', 'qwen2.5-coder', 'mistral-large-latest', 'gpt-6-ultra', 'x'])(
    'unknown %s falls back to o200k_base without throwing',
    (model) => {
      expect(encodingForModel(model)).toBe('o200k_base');
    },
  );
});

describe('contextWindowFor', () => {
  it.each([
    ['gpt-4o', 128_000],
    ['gpt-4o-mini-2024-07-18', 128_000],
    ['gpt-4.1', 1_047_576],
    ['gpt-4.1-mini', 1_047_576],
    ['o3-mini', 200_000],
    ['o4-mini', 200_000],
    ['o1', 200_000],
    ['o1-mini', 128_000],
    ['gpt-5', 400_000],
    ['gpt-4', 8_192],
    ['gpt-4-turbo', 128_000],
    ['gpt-3.5-turbo', 16_385],
    ['ft:gpt-4o-2024-08-06:acme::x', 128_000],
  ])('%s has %i tokens', (model, window) => {
    expect(contextWindowFor(model)).toBe(window);
  });

  it('gives unknown models the documented conservative default of 8,192', () => {
    expect(DEFAULT_CONTEXT_WINDOW).toBe(8_192);
    expect(contextWindowFor('llama3.1:8b')).toBe(DEFAULT_CONTEXT_WINDOW);
  });
});
