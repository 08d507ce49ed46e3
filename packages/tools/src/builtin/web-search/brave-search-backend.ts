import { z } from 'zod/v4';
import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import { baseUrlOption, fetchOption, invalidOption, joinUrl } from '../shared/factory-options.js';
import { describeUrl, type FetchLike, fetchJson } from '../shared/fetch-json.js';
import { stripTags } from '../shared/html-text.js';
import type { WebSearchBackend, WebSearchResult } from './web-search-backend.js';

/** Options of {@link braveSearchBackend}. */
export interface BraveSearchBackendOptions {
  /** The API key. @default `process.env.BRAVE_SEARCH_API_KEY`, read when the backend is created */
  apiKey?: string | undefined;
  /** The API origin. @default 'https://api.search.brave.com' */
  baseUrl?: string | URL | undefined;
  /** The transport. @default the global `fetch` */
  fetch?: FetchLike | undefined;
  /** The `country` parameter (`us`, `de`, ...). @default the API's default */
  country?: string | undefined;
  /** The `search_lang` parameter (`en`, `fr`, ...). @default the API's default */
  searchLang?: string | undefined;
}

/** The fields of Brave's web search answer that matter here. */
const braveResponseSchema = z.object({
  web: z
    .object({
      results: z.array(
        z.object({
          url: z.string(),
          title: z.string().optional(),
          description: z.string().optional(),
          age: z.string().optional(),
        }),
      ),
    })
    .optional(),
});

/**
 * A {@link WebSearchBackend} on the Brave Search API (`GET /res/v1/web/search`), keyed by
 * `X-Subscription-Token`. The key is sent only in that header: it never appears in a URL, a
 * message or an error.
 *
 * @param options - `apiKey` (default `BRAVE_SEARCH_API_KEY`), `baseUrl`, `fetch`, `country`, `searchLang`.
 * @returns The backend.
 * @throws BuiltinToolError `invalid_config` when no key is given or set in the environment.
 * @example
 * ```ts
 * const search = webSearchTool({ backend: braveSearchBackend() }); // reads BRAVE_SEARCH_API_KEY
 * ```
 */
export function braveSearchBackend(options: BraveSearchBackendOptions = {}): WebSearchBackend {
  const factory = 'braveSearchBackend';
  const apiKey = options.apiKey ?? process.env.BRAVE_SEARCH_API_KEY;
  if (apiKey === undefined || apiKey.trim() === '') {
    invalidOption(
      factory,
      'apiKey',
      'expected an API key: pass apiKey or set the BRAVE_SEARCH_API_KEY environment variable (get one at https://brave.com/search/api/).',
    );
  }
  const base = baseUrlOption(factory, 'baseUrl', options.baseUrl ?? 'https://api.search.brave.com');
  const fetch = fetchOption(factory, options.fetch);
  return {
    name: 'brave',
    async search(query, { maxResults, signal }): Promise<WebSearchResult[]> {
      const url = joinUrl(base, '/res/v1/web/search');
      url.searchParams.set('q', query);
      url.searchParams.set('count', String(Math.min(20, maxResults)));
      if (options.country !== undefined) url.searchParams.set('country', options.country);
      if (options.searchLang !== undefined) url.searchParams.set('search_lang', options.searchLang);
      let body: unknown;
      try {
        body = await fetchJson({
          url,
          fetch,
          signal,
          service: 'Brave Search',
          headers: { 'x-subscription-token': apiKey },
        });
      } catch (error) {
        if (error instanceof BuiltinToolError && (error.status === 401 || error.status === 403)) {
          throw new BuiltinToolError(
            `Brave Search at ${describeUrl(url)} rejected the API key (HTTP ${error.status}). The key is missing, wrong or lacks a plan for this endpoint; web search is unavailable until it is fixed.`,
            { code: 'upstream_error', url: describeUrl(url), status: error.status },
          );
        }
        throw error;
      }
      const parsed = braveResponseSchema.safeParse(body);
      if (!parsed.success) {
        throw new BuiltinToolError(
          `Brave Search at ${describeUrl(url)} answered JSON that is not a web search answer. Check baseUrl.`,
          { code: 'upstream_error', url: describeUrl(url) },
        );
      }
      return (parsed.data.web?.results ?? []).slice(0, maxResults).map((hit) => ({
        title: stripTags(hit.title ?? '') || hit.url,
        url: hit.url,
        snippet: stripTags(hit.description ?? ''),
        ...(hit.age ? { published: hit.age } : {}),
      }));
    },
  };
}
