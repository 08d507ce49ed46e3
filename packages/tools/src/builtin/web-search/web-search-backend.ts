/** One web search result. */
export interface WebSearchResult {
  /** The page title. */
  title: string;
  /** The page URL. */
  url: string;
  /** A short extract of the page, plain text. */
  snippet: string;
  /** When the page was published, if the engine says (ISO 8601 or the engine's wording). */
  published?: string | undefined;
}

/** What a backend's `search` receives besides the query. */
export interface WebSearchRequest {
  /** The most results wanted; a backend may return fewer. */
  maxResults: number;
  /** Cancels the request (the tool's `ctx.signal`); pass it to `fetch`. */
  signal: AbortSignal;
}

/**
 * A web search engine behind {@link webSearchTool}. Implement it to plug in any search API:
 * return plain-text results, and throw an error whose message tells the model what went wrong.
 *
 * @example
 * ```ts
 * const backend: WebSearchBackend = {
 *   name: 'my-engine',
 *   async search(query, { maxResults, signal }) {
 *     const res = await fetch(`https://search.example.com?q=${encodeURIComponent(query)}`, { signal });
 *     return (await res.json()).hits.slice(0, maxResults);
 *   },
 * };
 * ```
 */
export interface WebSearchBackend {
  /** A short name for messages (`'searxng'`). */
  readonly name: string;
  /**
   * Runs a search.
   *
   * @param query - The query as the model wrote it.
   * @param request - `maxResults` and `signal`.
   * @returns The results, best first.
   */
  search(query: string, request: WebSearchRequest): Promise<WebSearchResult[]>;
}
