import { z } from 'zod/v4';
import { tool } from '../../tool.js';
import type { Tool } from '../../types.js';
import { type BuiltinToolOptions, invalidOption, positiveInt } from '../shared/factory-options.js';
import type { WebSearchBackend, WebSearchResult } from './web-search-backend.js';

/** Options of {@link webSearchTool}. */
export interface WebSearchToolOptions extends BuiltinToolOptions {
  /** The search engine: {@link searxngBackend}, {@link braveSearchBackend} or your own. */
  backend: WebSearchBackend;
  /** Results returned when the model does not ask for a number. @default 5 */
  maxResults?: number | undefined;
  /** Cancel the search after this many milliseconds. @default 15000 */
  timeoutMs?: number | undefined;
}

/** The arguments of the web search tool. */
export interface WebSearchArgs {
  /** The search query. */
  query: string;
  /** How many results to return. */
  maxResults?: number | undefined;
}

/** What the web search tool returns. */
export interface WebSearchOutput {
  /** The query as searched. */
  query: string;
  /** The results, best first. */
  results: WebSearchResult[];
  /** A hint when nothing was found. */
  note?: string | undefined;
}

/**
 * A web search tool over a pluggable {@link WebSearchBackend}: the model sends a query and gets
 * titles, URLs and snippets, best first. `ctx.signal` reaches the backend.
 *
 * @param options - `backend`, `maxResults`, `timeoutMs`, `name` (default `web_search`), `description`.
 * @returns The tool.
 * @throws BuiltinToolError `invalid_config` when `backend` is missing or a limit is wrong.
 * @example
 * ```ts
 * const search = webSearchTool({ backend: searxngBackend({ baseUrl: process.env.SEARXNG_URL! }) });
 * ```
 */
export function webSearchTool(options: WebSearchToolOptions): Tool<WebSearchArgs, WebSearchOutput> {
  const factory = 'webSearchTool';
  const backend = options?.backend;
  if (typeof backend?.search !== 'function') {
    invalidOption(
      factory,
      'backend',
      'expected backend to be a WebSearchBackend ({ name, search(query, { maxResults, signal }) }), e.g. searxngBackend({ baseUrl }).',
    );
  }
  const defaultResults = positiveInt(factory, 'maxResults', options.maxResults, 5);
  return tool({
    name: options.name ?? 'web_search',
    description:
      options.description ??
      'Searches the web and returns the top results (title, URL, snippet), best first. Use it for current events and facts you do not know; cite the URLs you rely on.',
    timeoutMs: positiveInt(factory, 'timeoutMs', options.timeoutMs, 15_000),
    parameters: z.object({
      query: z
        .string()
        .min(1)
        .describe('The search query, as you would type it into a search engine.'),
      maxResults: z
        .number()
        .int()
        .min(1)
        .max(10)
        .optional()
        .describe(`How many results to return (1-10). Default: ${defaultResults}.`),
    }),
    execute: async ({ query, maxResults }, { signal }): Promise<WebSearchOutput> => {
      const wanted = maxResults ?? defaultResults;
      const results = (await backend.search(query, { maxResults: wanted, signal })).slice(
        0,
        wanted,
      );
      return results.length > 0
        ? { query, results }
        : { query, results, note: `No results for "${query}". Try other or fewer words.` };
    },
  });
}
