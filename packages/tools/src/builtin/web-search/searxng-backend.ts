import { z } from 'zod/v4';
import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import { baseUrlOption, fetchOption, joinUrl } from '../shared/factory-options.js';
import { describeUrl, type FetchLike, fetchJson } from '../shared/fetch-json.js';
import { stripTags } from '../shared/html-text.js';
import type { WebSearchBackend, WebSearchResult } from './web-search-backend.js';

/** Options of {@link searxngBackend}. */
export interface SearxngBackendOptions {
  /** The SearXNG instance, e.g. `http://localhost:8888` (its `/search` endpoint is used). */
  baseUrl: string | URL;
  /** The transport. @default the global `fetch` */
  fetch?: FetchLike | undefined;
  /** The `language` parameter (`en`, `fr-FR`, `all`). @default the instance's default */
  language?: string | undefined;
  /** The `categories` parameter (`general`, `news`, `science`, ...). @default the instance's default */
  categories?: readonly string[] | undefined;
  /** The `safesearch` level: 0 off, 1 moderate, 2 strict. @default the instance's default */
  safeSearch?: 0 | 1 | 2 | undefined;
  /** Extra request headers, e.g. for an instance behind an authenticating proxy (never shown). */
  headers?: Record<string, string> | undefined;
}

/** The fields of SearXNG's JSON answer that matter here; unknown fields are ignored. */
const searxngResponseSchema = z.object({
  results: z.array(
    z.object({
      url: z.string(),
      title: z.string().optional(),
      content: z.string().nullable().optional(),
      publishedDate: z.string().nullable().optional(),
    }),
  ),
});

/**
 * A {@link WebSearchBackend} on a SearXNG instance, through its JSON API
 * (`GET /search?q=...&format=json`). The instance must allow the JSON format (`search.formats`
 * in its `settings.yml` must list `json`); when it does not, SearXNG answers 403 and the error
 * says so.
 *
 * @param options - `baseUrl` and optional `fetch`, `language`, `categories`, `safeSearch`, `headers`.
 * @returns The backend.
 * @throws BuiltinToolError `invalid_config` when `baseUrl` is not an http(s) URL.
 * @example
 * ```ts
 * const search = webSearchTool({ backend: searxngBackend({ baseUrl: 'http://localhost:8888' }) });
 * ```
 */
export function searxngBackend(options: SearxngBackendOptions): WebSearchBackend {
  const factory = 'searxngBackend';
  const base = baseUrlOption(factory, 'baseUrl', options?.baseUrl);
  const fetch = fetchOption(factory, options.fetch);
  return {
    name: 'searxng',
    async search(query, { maxResults, signal }): Promise<WebSearchResult[]> {
      const url = joinUrl(base, '/search');
      url.searchParams.set('q', query);
      url.searchParams.set('format', 'json');
      if (options.language !== undefined) url.searchParams.set('language', options.language);
      if (options.categories !== undefined && options.categories.length > 0) {
        url.searchParams.set('categories', options.categories.join(','));
      }
      if (options.safeSearch !== undefined)
        url.searchParams.set('safesearch', String(options.safeSearch));
      let body: unknown;
      try {
        body = await fetchJson({
          url,
          fetch,
          signal,
          service: 'SearXNG',
          headers: options.headers,
        });
      } catch (error) {
        if (error instanceof BuiltinToolError && error.status === 403) {
          throw new BuiltinToolError(
            `SearXNG at ${describeUrl(url)} refused the JSON format (HTTP 403). The instance must list "json" under search.formats in its settings.yml.`,
            { code: 'upstream_error', url: describeUrl(url), status: 403, cause: error },
          );
        }
        throw error;
      }
      const parsed = searxngResponseSchema.safeParse(body);
      if (!parsed.success) {
        throw new BuiltinToolError(
          `SearXNG at ${describeUrl(url)} answered JSON without a "results" list of {url, title, content}. Check that baseUrl points at a SearXNG instance.`,
          { code: 'upstream_error', url: describeUrl(url), cause: parsed.error },
        );
      }
      const seen = new Set<string>();
      const results: WebSearchResult[] = [];
      for (const hit of parsed.data.results) {
        if (seen.has(hit.url)) continue;
        seen.add(hit.url);
        results.push({
          title: stripTags(hit.title ?? '') || hit.url,
          url: hit.url,
          snippet: stripTags(hit.content ?? ''),
          ...(hit.publishedDate ? { published: hit.publishedDate } : {}),
        });
        if (results.length >= maxResults) break;
      }
      return results;
    },
  };
}
