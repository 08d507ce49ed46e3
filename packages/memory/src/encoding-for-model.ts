/**
 * Model name to tiktoken encoding, with tiktoken's prefix table re-implemented: the npm
 * `tiktoken` package only knows exact names and throws on `gpt-5.1`, `o3-pro`, dated or
 * fine-tuned names.
 *
 * @module
 */

/** The encodings `@agentloop/memory` counts with. */
export type Encoding = 'o200k_base' | 'cl100k_base';

/** The encoding used for a name nobody recognises (every current OpenAI chat model uses it). */
export const DEFAULT_ENCODING: Encoding = 'o200k_base';

// Longest matching prefix wins, so 'gpt-4o' beats 'gpt-4' and 'gpt-4.1' beats 'gpt-4'.
const PREFIXES: ReadonlyArray<readonly [string, Encoding]> = (
  [
    ['gpt-5', 'o200k_base'],
    ['gpt-4.', 'o200k_base'],
    ['gpt-4o', 'o200k_base'],
    ['chatgpt-4o', 'o200k_base'],
    ['gpt-oss', 'o200k_base'],
    ['o1', 'o200k_base'],
    ['o3', 'o200k_base'],
    ['o4-mini', 'o200k_base'],
    ['codex-mini', 'o200k_base'],
    ['gpt-4', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['gpt-3.5', 'cl100k_base'],
    ['gpt-35-turbo', 'cl100k_base'],
    ['text-embedding-ada-002', 'cl100k_base'],
    ['text-embedding-3', 'cl100k_base'],
    ['davinci-002', 'cl100k_base'],
    ['babbage-002', 'cl100k_base'],
  ] as Array<[string, Encoding]>
).sort((a, b) => b[0].length - a[0].length);

/**
 * The tiktoken encoding of a model, by tiktoken's prefix rules: `gpt-4o*`, `gpt-4.1*`, `gpt-4.5*`,
 * `gpt-5*`, `o1*`, `o3*`, `o4-mini*` map to `o200k_base`; `gpt-4*`, `gpt-3.5-turbo*`,
 * `gpt-35-turbo*` (Azure) to `cl100k_base`. A fine-tuned name (`ft:gpt-4o-mini:org::id`) uses its
 * base model; a provider prefix (`openai/gpt-4o`) is ignored; case does not matter. Anything
 * unknown (`llama3.1:8b`, a future name) gets `o200k_base`: it never throws.
 *
 * @param model - A model name.
 * @returns The encoding to count its tokens with.
 * @example
 * ```ts
 * encodingForModel('gpt-4-0613'); // 'cl100k_base'
 * encodingForModel('gpt-5.1');    // 'o200k_base'
 * ```
 */
export function encodingForModel(model: string): Encoding {
  const name = normalizeModelName(model);
  for (const [prefix, encoding] of PREFIXES) {
    if (name.startsWith(prefix)) return encoding;
  }
  return DEFAULT_ENCODING;
}

/**
 * Lower-cases a model name and strips what does not identify the base model: a fine-tune
 * prefix (`ft:`) and a provider path (`openai/`, `azure/`).
 *
 * @param model - A model name.
 * @returns The base name used for table look-ups.
 */
export function normalizeModelName(model: string): string {
  let name = String(model).trim().toLowerCase();
  if (name.startsWith('ft:')) name = name.slice(3);
  const slash = name.lastIndexOf('/');
  if (slash !== -1) name = name.slice(slash + 1);
  return name;
}
