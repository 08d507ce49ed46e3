/**
 * Context windows of known models, for the default token budget.
 *
 * @module
 */

import { normalizeModelName } from './encoding-for-model.js';

/**
 * The context window assumed for a model that is not in the table: 8,192 tokens, the smallest
 * window of any current OpenAI chat model (`gpt-4`) and a common size for local models. It is
 * deliberately small: a budget that is too small only drops older turns, one that is too big makes
 * the provider reject (or silently cut) the request. Local servers may use less (Ollama often
 * defaults to 2,048 or 4,096 tokens): pass `maxTokens` explicitly for them.
 */
export const DEFAULT_CONTEXT_WINDOW = 8_192;

// Longest matching prefix wins. Windows are prompt + reply, as the providers document them.
const WINDOWS: ReadonlyArray<readonly [string, number]> = (
  [
    ['gpt-5', 400_000],
    ['gpt-4.1', 1_047_576],
    ['gpt-4.5', 128_000],
    ['gpt-4o', 128_000],
    ['chatgpt-4o', 128_000],
    ['gpt-4-turbo', 128_000],
    ['gpt-4-1106', 128_000],
    ['gpt-4-0125', 128_000],
    ['gpt-4-vision', 128_000],
    ['gpt-4-32k', 32_768],
    ['gpt-4', 8_192],
    ['gpt-3.5-turbo-instruct', 4_096],
    ['gpt-3.5-turbo', 16_385],
    ['gpt-35-turbo', 16_385],
    ['o1-mini', 128_000],
    ['o1-preview', 128_000],
    ['o1', 200_000],
    ['o3-mini', 200_000],
    ['o3', 200_000],
    ['o4-mini', 200_000],
    ['codex-mini', 200_000],
    ['gpt-oss', 131_072],
  ] as Array<[string, number]>
).sort((a, b) => b[0].length - a[0].length);

/**
 * The context window (prompt plus reply tokens) of a model: gpt-4o 128,000; gpt-4.1 1,047,576;
 * o1, o3, o3-mini, o4-mini 200,000; gpt-5 400,000; gpt-4 8,192; gpt-3.5-turbo 16,385; ... Dated,
 * fine-tuned (`ft:`) and provider-prefixed names use their base model. Unknown models get
 * {@link DEFAULT_CONTEXT_WINDOW} (8,192).
 *
 * Note that gpt-5 accepts at most 272,000 prompt tokens of its 400,000: keep
 * `reserveOutputTokens` at 128,000 or pass a smaller `maxTokens` when using its full window.
 *
 * @param model - A model name.
 * @returns The context window in tokens.
 * @example
 * ```ts
 * contextWindowFor('gpt-4o-2024-08-06'); // 128000
 * contextWindowFor('llama3.1:8b');       // 8192
 * ```
 */
export function contextWindowFor(model: string): number {
  const name = normalizeModelName(model);
  for (const [prefix, window] of WINDOWS) {
    if (name.startsWith(prefix)) return window;
  }
  return DEFAULT_CONTEXT_WINDOW;
}
