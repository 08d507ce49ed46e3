import { fileURLToPath } from 'node:url';
import { Agent, type MemoryOptions, type Model } from '@agentloop/core';
import type { Tool, ToolOutcome } from '@agentloop/tools';
import {
  type FetchLike,
  type LocalSearchResult,
  localSearchTool,
  searxngBackend,
  webSearchTool,
} from '@agentloop/tools/builtin';

/** Options of {@link createSearchBot}. */
export interface SearchBotOptions {
  /** The model (see `selectModel`). */
  model: Model;
  /** The folder of documents to answer from. @default this repository (its READMEs and docs) */
  dir?: string | undefined;
  /** A SearXNG instance for web search, e.g. `process.env.SEARXNG_URL`. @default none (no web search) */
  searxngUrl?: string | undefined;
  /** The web search transport. @default the global fetch */
  fetch?: FetchLike | undefined;
  /** Session memory. @default none */
  memory?: MemoryOptions | undefined;
}

/** This repository's root: the default folder of documents. */
export const REPOSITORY_DIR = fileURLToPath(new URL('../../../', import.meta.url));

/** The question the bot answers when it is given none. */
export const DEFAULT_SEARCH_QUESTION = 'How does agentloop retry transient model faults?';

const instructions = (web: boolean): string =>
  [
    'You answer questions from a folder of documents.',
    'Search it with search_documents using specific keywords; search again with other words when the passages do not answer the question.',
    web
      ? 'Use web_search only for what the documents do not cover, and give the URL of every web page you rely on.'
      : '',
    'Answer only from what the passages say, quoting the key sentences briefly.',
    'Cite every file you used as path:line (for example packages/core/README.md:12), and say so plainly when the documents do not answer the question.',
  ]
    .filter(Boolean)
    .join('\n');

/**
 * The search bot: an agent answering from a folder of documents with the built-in local search
 * (BM25 over its text and markdown files), plus web search through SearXNG when a URL is given.
 *
 * @param options - `model`, `dir`, `searxngUrl`, `fetch`, `memory`.
 * @returns the agent.
 * @example
 * ```ts
 * const bot = createSearchBot({ model: openai('gpt-4o-mini'), dir: './docs' });
 * const result = await bot.run('How do I configure retries?');
 * ```
 */
export function createSearchBot({
  model,
  dir = REPOSITORY_DIR,
  searxngUrl,
  fetch,
  memory,
}: SearchBotOptions): Agent {
  // Over this repository, leave out test fixtures and the examples' own sample questions.
  const exclude = dir === REPOSITORY_DIR ? ['test', 'examples', 'bench'] : [];
  const tools: Tool[] = [localSearchTool({ dir, exclude, snippetChars: 280, maxResults: 4 })];
  if (searxngUrl) {
    tools.push(
      webSearchTool({
        backend: searxngBackend({ baseUrl: searxngUrl, ...(fetch ? { fetch } : {}) }),
      }),
    );
  }
  return new Agent({
    name: 'search-bot',
    instructions: instructions(searxngUrl !== undefined && searxngUrl !== ''),
    model,
    tools,
    ...(memory ? { memory } : {}),
  });
}

/**
 * A few words on a finished document search for progress lines: `4 passages from 12 files`.
 *
 * @param outcome - the outcome of a `search_documents` call.
 * @returns the text, or `undefined` for another tool.
 */
export function describeSearchOutcome(outcome: ToolOutcome): string | undefined {
  if (!outcome.ok || outcome.name !== 'search_documents') return undefined;
  const { results, filesSearched } = outcome.value as LocalSearchResult;
  return `${results.length} passages from ${filesSearched} files`;
}
