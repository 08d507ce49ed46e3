import { ToolRegistry } from '@agentloop/tools';
import {
  BuiltinToolError,
  braveSearchBackend,
  searxngBackend,
  type WebSearchBackend,
  webSearchTool,
} from '@agentloop/tools/builtin';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalServer, sendJson, startLocalServer, toolContext } from './local-server.js';

/** A result as SearXNG's JSON API returns it. */
const searxResult = (n: number, extra: object = {}) => ({
  url: `https://example.org/page-${n}`,
  title: `Page ${n}`,
  content: `About <b>agent loops</b> &amp; tools, part ${n}.`,
  engine: 'duckduckgo',
  parsed_url: ['https', 'example.org', `/page-${n}`, '', '', ''],
  template: 'default.html',
  engines: ['duckduckgo', 'brave'],
  positions: [n],
  publishedDate: null,
  score: 2 / n,
  category: 'general',
  ...extra,
});

let server: LocalServer;
let jsonEnabled = true;

beforeAll(async () => {
  server = await startLocalServer((req, res, url) => {
    if (url.pathname === '/search') {
      // SearXNG answers 403 for a format missing from search.formats in settings.yml.
      if (url.searchParams.get('format') !== 'json' || !jsonEnabled) {
        res.writeHead(403, { 'content-type': 'text/html' });
        return res.end('<html><body>403 Forbidden</body></html>');
      }
      const q = url.searchParams.get('q') ?? '';
      const results =
        q === 'nothing at all' ? [] : [1, 2, 3, 4, 5, 6, 7].map((n) => searxResult(n));
      if (q.includes('dupes')) results.push(searxResult(1));
      if (q.includes('dated'))
        results.unshift(searxResult(9, { publishedDate: '2025-05-01T00:00:00' }));
      return sendJson(res, 200, {
        query: q,
        number_of_results: 0,
        results,
        answers: [],
        corrections: [],
        infoboxes: [],
        suggestions: ['agent loop typescript'],
        unresponsive_engines: [],
      });
    }
    if (url.pathname === '/res/v1/web/search') {
      if (req.headers['x-subscription-token'] !== 'brave-key-123') {
        return sendJson(res, 401, {
          type: 'ErrorResponse',
          error: {
            code: 'SUBSCRIPTION_TOKEN_INVALID',
            detail: 'The provided subscription token is invalid.',
            status: 401,
          },
        });
      }
      const count = Number(url.searchParams.get('count'));
      return sendJson(res, 200, {
        type: 'search',
        query: { original: url.searchParams.get('q') },
        web: {
          type: 'search',
          results: Array.from({ length: 10 }, (_, i) => ({
            title: `Brave <strong>hit</strong> ${i + 1}`,
            url: `https://brave.example/${i + 1}`,
            description: `A <strong>result</strong> &#39;${i + 1}&#39;`,
            age: '2 days ago',
            language: 'en',
          })).slice(0, count),
        },
      });
    }
    sendJson(res, 404, {});
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  jsonEnabled = true;
});

describe('searxngBackend against a local SearXNG', () => {
  const tool = () =>
    webSearchTool({
      backend: searxngBackend({
        baseUrl: server.url,
        language: 'en',
        categories: ['general', 'it'],
      }),
    });

  it('queries the JSON API and returns plain-text results, best first', async () => {
    const output = await tool().execute({ query: 'agent loops', maxResults: 3 }, toolContext());
    expect(output).toEqual({
      query: 'agent loops',
      results: [1, 2, 3].map((n) => ({
        title: `Page ${n}`,
        url: `https://example.org/page-${n}`,
        snippet: `About agent loops & tools, part ${n}.`,
      })),
    });
    const params = server.requests[0]?.url.searchParams;
    expect(params?.get('q')).toBe('agent loops');
    expect(params?.get('format')).toBe('json');
    expect(params?.get('language')).toBe('en');
    expect(params?.get('categories')).toBe('general,it');
  });

  it('uses the default count, removes duplicate URLs and keeps dates', async () => {
    const { results } = await tool().execute({ query: 'dupes dated' }, toolContext());
    expect(results).toHaveLength(5);
    expect(results[0]).toMatchObject({
      url: 'https://example.org/page-9',
      published: '2025-05-01T00:00:00',
    });
    expect(new Set(results.map((r) => r.url)).size).toBe(5);
  });

  it('an empty answer says so', async () => {
    expect(await tool().execute({ query: 'nothing at all' }, toolContext())).toEqual({
      query: 'nothing at all',
      results: [],
      note: 'No results for "nothing at all". Try other or fewer words.',
    });
  });

  it('a disabled JSON format is explained', async () => {
    jsonEnabled = false;
    const registry = new ToolRegistry([tool()]);
    const outcome = await registry.execute({
      id: 'q1',
      name: 'web_search',
      arguments: '{"query":"x"}',
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(
      /refused the JSON format \(HTTP 403\).*search\.formats in its settings\.yml/,
    );
  });

  it('a base URL with a path prefix keeps it', async () => {
    const prefixed = await startLocalServer((_req, res, url) =>
      sendJson(res, url.pathname === '/searx/search' ? 200 : 404, { results: [searxResult(1)] }),
    );
    try {
      const backend = searxngBackend({ baseUrl: `${prefixed.url}/searx/` });
      expect(
        await backend.search('q', { maxResults: 2, signal: new AbortController().signal }),
      ).toHaveLength(1);
    } finally {
      await prefixed.close();
    }
  });

  it('rejects a bad base URL at creation', () => {
    expect(() => searxngBackend({ baseUrl: 'localhost:8888' })).toThrow(BuiltinToolError);
  });
});

describe('braveSearchBackend against a local Brave API', () => {
  it('sends the key in its header only, and strips HTML from results', async () => {
    const backend = braveSearchBackend({ apiKey: 'brave-key-123', baseUrl: server.url });
    const results = await backend.search('agents', {
      maxResults: 2,
      signal: new AbortController().signal,
    });
    expect(results).toEqual([
      {
        title: 'Brave hit 1',
        url: 'https://brave.example/1',
        snippet: "A result '1'",
        published: '2 days ago',
      },
      {
        title: 'Brave hit 2',
        url: 'https://brave.example/2',
        snippet: "A result '2'",
        published: '2 days ago',
      },
    ]);
    expect(server.requests[0]?.url.href).not.toContain('brave-key-123');
    expect(server.requests[0]?.url.searchParams.get('count')).toBe('2');
  });

  it('reads BRAVE_SEARCH_API_KEY, and never shows a rejected key', async () => {
    vi.stubEnv('BRAVE_SEARCH_API_KEY', 'wrong-key-456');
    try {
      const backend = braveSearchBackend({ baseUrl: server.url });
      const error = await backend
        .search('x', { maxResults: 1, signal: new AbortController().signal })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'upstream_error', status: 401 });
      expect((error as Error).message).toMatch(/rejected the API key \(HTTP 401\)/);
      expect(JSON.stringify(error)).not.toContain('wrong-key-456');
      expect((error as Error).message).not.toContain('wrong-key-456');
      expect(server.requests[0]?.headers['x-subscription-token']).toBe('wrong-key-456');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('without a key, fails at creation', () => {
    vi.stubEnv('BRAVE_SEARCH_API_KEY', '');
    try {
      expect(() => braveSearchBackend()).toThrow(/BRAVE_SEARCH_API_KEY/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('webSearchTool with a custom backend', () => {
  it('passes the count and ctx.signal, and caps what a backend returns', async () => {
    const seen: Array<{ query: string; maxResults: number; signal: AbortSignal }> = [];
    const backend: WebSearchBackend = {
      name: 'fake',
      search: async (query, { maxResults, signal }) => {
        seen.push({ query, maxResults, signal });
        return Array.from({ length: 9 }, (_, i) => ({
          title: `t${i}`,
          url: `https://x.test/${i}`,
          snippet: '',
        }));
      },
    };
    const controller = new AbortController();
    const out = await webSearchTool({ backend, maxResults: 4 }).execute(
      { query: 'q' },
      toolContext(controller.signal),
    );
    expect(out.results).toHaveLength(4);
    expect(seen).toEqual([{ query: 'q', maxResults: 4, signal: controller.signal }]);
  });

  it('a slow backend is cancelled through its signal at the timeout', async () => {
    let aborted = false;
    const backend: WebSearchBackend = {
      name: 'slow',
      search: (_q, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    };
    const registry = new ToolRegistry([webSearchTool({ backend, timeoutMs: 50 })]);
    // A fake clock: the timeout passes when the test moves time, not after a real wait.
    vi.useFakeTimers();
    let outcome: Awaited<ReturnType<ToolRegistry['execute']>>;
    try {
      const pending = registry.execute({
        id: 'q2',
        name: 'web_search',
        arguments: '{"query":"q"}',
      });
      await vi.advanceTimersByTimeAsync(49);
      expect(aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      outcome = await pending;
    } finally {
      vi.useRealTimers();
    }
    expect(outcome.error?.code).toBe('timeout');
    expect(aborted).toBe(true);
  });

  it('needs a backend', () => {
    expect(() => webSearchTool({} as never)).toThrow(/expected backend to be a WebSearchBackend/);
  });
});
