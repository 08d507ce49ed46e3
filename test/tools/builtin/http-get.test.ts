import { gzipSync } from 'node:zlib';
import { ToolRegistry } from '@agentloop/tools';
import {
  BuiltinToolError,
  type FetchLike,
  type HttpGetToolOptions,
  httpGetTool,
  type LookupAll,
} from '@agentloop/tools/builtin';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer, toolContext } from './local-server.js';

/** A resolver from a table; unknown names fail like DNS does. No network. */
const lookupFrom =
  (table: Record<string, string[]>): LookupAll =>
  async (hostname) => {
    const addresses = table[hostname];
    if (addresses === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

/** A transport that records calls and answers from a route table. */
function fakeFetch(routes: Record<string, () => Response>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const route = routes[url];
    return route ? route() : new Response('not found', { status: 404 });
  };
  return { fetch, calls };
}

const redirect =
  (location: string, status = 302) =>
  () =>
    new Response(null, { status, headers: { location } });
const ok =
  (body: string, type = 'text/plain') =>
  () =>
    new Response(body, { status: 200, headers: { 'content-type': type } });

/** Runs the tool and returns what it threw. */
async function refusal(options: HttpGetToolOptions, url: string): Promise<BuiltinToolError> {
  const error = await Promise.resolve(httpGetTool(options).execute({ url }, toolContext())).catch(
    (e: unknown) => e,
  );
  if (error instanceof BuiltinToolError) return error;
  throw new Error(`expected a BuiltinToolError for ${url}, got ${String(error)}`);
}

describe('httpGetTool refuses non-public targets before any request', () => {
  const transport = fakeFetch({});
  const options: HttpGetToolOptions = {
    allow: ['*'],
    fetch: transport.fetch,
    lookup: lookupFrom({
      'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
      'mapped.example.com': ['::ffff:127.0.0.1'],
      'v6.example.com': ['2606:4700::1', 'fd00::5'],
      'meta.example.com': ['169.254.169.254'],
      '127.0.0.1.nip.io': ['127.0.0.1'],
    }),
  };
  beforeEach(() => {
    transport.calls.length = 0;
  });

  it.each([
    ['http://127.0.0.1/', /the address 127\.0\.0\.1 is a loopback address/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a loopback/],
    ['http://017700000001/', /127\.0\.0\.1 is a loopback/],
    ['http://127.1:8080/admin', /loopback/],
    ['http://[::1]/', /\[::1\] is a loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', /loopback/],
    ['http://10.0.0.1/', /private/],
    ['http://172.16.5.4/', /private/],
    ['http://192.168.0.1/', /private/],
    ['http://[fc00::1]/', /private/],
    ['http://169.254.10.1/', /link-local/],
    ['http://[fe80::1]/', /link-local/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata endpoint/],
    ['http://[fd00:ec2::254]/', /cloud metadata endpoint/],
    ['http://metadata.google.internal/computeMetadata/v1/', /cloud metadata endpoint/],
    ['http://localhost:3000/', /the host "localhost" is a loopback/],
    ['http://LOCALHOST./', /loopback/],
    [
      'http://mixed.example.com/',
      /"mixed\.example\.com" resolves to 10\.0\.0\.7, which is a private address/,
    ],
    ['http://mapped.example.com/', /resolves to ::ffff:127\.0\.0\.1, which is a loopback/],
    ['http://v6.example.com/', /resolves to fd00::5, which is a private/],
    ['http://meta.example.com/', /cloud metadata/],
    ['http://127.0.0.1.nip.io/', /resolves to 127\.0\.0\.1/],
  ])('%s', async (url, message) => {
    const error = await refusal(options, url);
    expect(error.code).toBe('blocked_url');
    expect(error.message).toMatch(message);
    expect(transport.calls).toEqual([]);
  });

  it.each([
    ['file:///etc/passwd', /"file:" URLs: only http and https/],
    ['ftp://example.com/x', /only http and https/],
    ['http://user:pass@example.com/', /credentials/],
  ])('refuses %s', async (url, message) => {
    const error = await refusal(options, url);
    expect(error).toMatchObject({ code: 'blocked_url', message: expect.stringMatching(message) });
  });

  it('a text that is not a URL is invalid_url; a name that does not resolve is network_error', async () => {
    expect((await refusal(options, 'example.com/page')).code).toBe('invalid_url');
    expect(await refusal(options, 'http://nowhere.invalid/')).toMatchObject({
      code: 'network_error',
      message: expect.stringMatching(/Could not resolve the host "nowhere\.invalid" \(ENOTFOUND\)/),
    });
  });
});

describe('httpGetTool allowlist and redirects (fake transport, public addresses)', () => {
  const lookup = lookupFrom({
    'example.com': ['93.184.216.34'],
    'docs.example.com': ['93.184.216.35'],
    'sneaky.example.com': ['10.0.0.1'],
    'evil.com': ['6.6.6.6'],
  });

  it('fetches an allowed host and refuses others', async () => {
    const { fetch, calls } = fakeFetch({ 'https://example.com/a': ok('hello') });
    const tool = httpGetTool({ allow: ['example.com', '*.example.com'], fetch, lookup });
    expect(await tool.execute({ url: 'https://example.com/a' }, toolContext())).toEqual({
      url: 'https://example.com/a',
      status: 200,
      contentType: 'text/plain',
      redirects: [],
      bytes: 5,
      truncated: false,
      body: 'hello',
    });
    expect(calls[0]?.init.redirect).toBe('manual');
    const error = await refusal({ allow: ['example.com'], fetch, lookup }, 'https://evil.com/');
    expect(error.message).toMatch(/the host "evil\.com" is not on the allowlist \(example\.com\)/);
    expect(calls).toHaveLength(1);
  });

  it('follows redirects by hand, checking every hop', async () => {
    const { fetch, calls } = fakeFetch({
      'https://example.com/1': redirect('/2', 301),
      'https://example.com/2': redirect('https://docs.example.com/3', 307),
      'https://docs.example.com/3': ok('{"done":true}', 'application/json'),
    });
    const result = await httpGetTool({
      allow: ['example.com', '*.example.com'],
      fetch,
      lookup,
    }).execute({ url: 'https://example.com/1' }, toolContext());
    expect(result).toMatchObject({
      url: 'https://docs.example.com/3',
      redirects: ['https://example.com/2', 'https://docs.example.com/3'],
      body: '{"done":true}',
    });
    expect(calls.map((c) => c.init.redirect)).toEqual(['manual', 'manual', 'manual']);
  });

  it.each([
    ['http://127.0.0.1/admin', /loopback/],
    ['http://169.254.169.254/latest/meta-data/iam/', /cloud metadata/],
    ['http://[::ffff:a9fe:a9fe]/', /cloud metadata/],
    ['https://sneaky.example.com/', /resolves to 10\.0\.0\.1/],
    ['https://evil.com/', /not on the allowlist/],
    ['file:///etc/passwd', /only http and https/],
  ])('a redirect to %s is refused', async (location, message) => {
    const { fetch, calls } = fakeFetch({ 'https://example.com/go': redirect(location) });
    const error = await refusal(
      {
        allow: ['example.com', '*.example.com', '127.0.0.1', '169.254.169.254', '::ffff:a9fe:a9fe'],
        fetch,
        lookup,
      },
      'https://example.com/go',
    );
    expect(error.code).toBe('blocked_url');
    expect(error.message).toMatch(message);
    expect(calls).toHaveLength(1);
  });

  it('stops after maxRedirects', async () => {
    const { fetch, calls } = fakeFetch({
      'https://example.com/a': redirect('/b'),
      'https://example.com/b': redirect('/a'),
    });
    const error = await refusal({ allow: ['example.com'], fetch, lookup }, 'https://example.com/a');
    expect(error).toMatchObject({
      code: 'too_many_redirects',
      message: expect.stringMatching(/Stopped after 5 redirects/),
    });
    expect(calls).toHaveLength(6);
    const none = fakeFetch({ 'https://example.com/a': redirect('/b') });
    expect(
      (
        await refusal(
          { allow: ['example.com'], fetch: none.fetch, lookup, maxRedirects: 0 },
          'https://example.com/a',
        )
      ).code,
    ).toBe('too_many_redirects');
    expect(none.calls).toHaveLength(1);
  });
});

describe('httpGetTool over real sockets (default transport, local server)', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer((_req, res, url) => {
      switch (url.pathname) {
        case '/hello':
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          return res.end('hello from loopback');
        case '/page':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(
            '<html><head><title>T</title><script>steal()</script></head><body><h1>Title</h1><p>One &amp; two</p></body></html>',
          );
        case '/latin1':
          res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' });
          return res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
        case '/gzip':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
          return res.end(gzipSync('compressed text '.repeat(100)));
        case '/png':
          res.writeHead(200, { 'content-type': 'image/png' });
          return res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
        case '/missing':
          res.writeHead(404, { 'content-type': 'text/plain' });
          return res.end('no such page');
        case '/r1':
          res.writeHead(302, { location: '/r2' });
          return res.end();
        case '/r2':
          res.writeHead(301, { location: `http://127.0.0.1:${server.port}/hello` });
          return res.end();
        case '/to-other':
          res.writeHead(302, { location: `http://other.test:${server.port}/hello` });
          return res.end();
        case '/endless': {
          // Streams until the client goes away.
          res.writeHead(200, { 'content-type': 'text/plain' });
          const chunk = 'x'.repeat(16_384);
          const pump = (): void => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once('drain', pump);
          };
          return pump();
        }
        case '/slow':
          return undefined; // Never answers.
        default:
          res.writeHead(404);
          return res.end();
      }
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const local = (extra: Partial<HttpGetToolOptions> = {}) =>
    httpGetTool({ allow: ['127.0.0.1'], allowPrivate: true, ...extra });
  const get = (path: string, extra: Partial<HttpGetToolOptions> = {}, raw?: boolean) =>
    local(extra).execute(
      { url: `${server.url}${path}`, ...(raw === undefined ? {} : { raw }) },
      toolContext(),
    );

  it('without allowPrivate the local server is refused; with it, fetched', async () => {
    const error = await refusal({ allow: ['127.0.0.1'] }, `${server.url}/hello`);
    expect(error.code).toBe('blocked_url');
    expect(server.requests).toHaveLength(0);
    expect(await get('/hello')).toMatchObject({
      status: 200,
      body: 'hello from loopback',
      truncated: false,
    });
    expect(server.requests[0]?.headers['user-agent']).toBe('agentloop-http-get/0.1');
  });

  it('allowPrivate never opens cloud metadata', async () => {
    const error = await refusal(
      { allow: ['*'], allowPrivate: true },
      'http://169.254.169.254/latest/meta-data/',
    );
    expect(error.message).toMatch(/cloud metadata endpoint, which is always refused/);
  });

  it('turns HTML into text unless raw, decodes the charset and gzip', async () => {
    const page = await get('/page');
    expect(page.body).toBe('T\n\nTitle\n\nOne & two');
    expect(page.body).not.toContain('steal');
    expect((await get('/page', {}, true)).body).toContain('<script>steal()</script>');
    expect((await get('/latin1')).body).toBe('café');
    expect((await get('/gzip')).body).toBe('compressed text '.repeat(100));
  });

  it('reports binary content and error statuses as results', async () => {
    expect(await get('/png')).toMatchObject({
      status: 200,
      body: '(binary content of type image/png, 7 bytes, not shown)',
    });
    expect(await get('/missing')).toMatchObject({ status: 404, body: 'no such page' });
  });

  it('follows redirects on the server, and refuses one to a host off the list', async () => {
    const result = await get('/r1');
    expect(result.body).toBe('hello from loopback');
    expect(result.redirects).toEqual([`${server.url}/r2`, `${server.url}/hello`]);
    const lookup = lookupFrom({ 'other.test': ['127.0.0.1'] });
    const error = await refusal(
      { allow: ['127.0.0.1'], allowPrivate: true, lookup },
      `${server.url}/to-other`,
    );
    expect(error.message).toMatch(/the host "other\.test" is not on the allowlist/);
    expect(server.requests.map((r) => r.url.pathname)).toEqual([
      '/r1',
      '/r2',
      '/hello',
      '/to-other',
    ]);
  });

  it('stops reading at maxBytes with a marker, and closes the connection', async () => {
    const result = await get('/endless', { maxBytes: 50_000 });
    expect(result.truncated).toBe(true);
    expect(result.bytes).toBe(50_000);
    expect(result.body).toBe(
      `${'x'.repeat(50_000)}\n…[truncated: stopped reading after 50000 bytes; the rest was not fetched]`,
    );
    await expect.poll(() => server.clientAborts()).toBeGreaterThan(0);
  });

  it('gives up at timeoutMs with a timeout error', async () => {
    // A real clock: the tool's deadline is an AbortSignal.timeout over a real socket, which a
    // fake clock cannot reach. /slow never answers, so only the timeout can end the call; the
    // bound below is a generous sanity check, not a measurement.
    const before = server.clientAborts();
    const started = performance.now();
    const error = await Promise.resolve(get('/slow', { timeoutMs: 200 })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'timeout',
      message: expect.stringMatching(/took longer than 200 ms/),
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    await expect.poll(() => server.clientAborts()).toBeGreaterThan(before);
  });

  it('the run signal aborts the fetch as an abort, not a timeout', async () => {
    const registry = new ToolRegistry([local()]);
    const controller = new AbortController();
    const pending = registry.execute(
      { id: 'h1', name: 'http_get', arguments: JSON.stringify({ url: `${server.url}/slow` }) },
      { signal: controller.signal },
    );
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    expect((await pending).error?.code).toBe('aborted');
  });

  it('connects only to checked addresses: DNS rebinding after the check is refused', async () => {
    let calls = 0;
    // Public for the check, loopback for the connection.
    const rebinding: LookupAll = async () => {
      calls += 1;
      return [{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    };
    const error = await refusal(
      { allow: ['rebind.test'], lookup: rebinding },
      `http://rebind.test:${server.port}/hello`,
    );
    expect(error.code).toBe('blocked_url');
    expect(error.message).toMatch(/"rebind\.test" resolves to 127\.0\.0\.1, which is a loopback/);
    expect(calls).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it('a named host resolved by the guarded lookup reaches the server when allowed', async () => {
    const lookup = lookupFrom({ 'named.test': ['127.0.0.1'] });
    const result = await httpGetTool({ allow: ['named.test'], allowPrivate: true, lookup }).execute(
      { url: `http://named.test:${server.port}/hello` },
      toolContext(),
    );
    expect(result.body).toBe('hello from loopback');
    expect(server.requests[0]?.headers.host).toBe(`named.test:${server.port}`);
  });
});

describe('httpGetTool options', () => {
  it('are checked at creation', () => {
    expect(() => httpGetTool({ allow: [] })).toThrow(/non-empty array of host names/);
    expect(() => httpGetTool({ allow: ['http://example.com'] })).toThrow(/not a host name/);
    expect(() => httpGetTool({ allow: ['example.com'], maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => httpGetTool({ allow: ['example.com'], maxRedirects: -1 })).toThrow(/maxRedirects/);
  });

  it('the description tells the model which hosts it may fetch', () => {
    expect(httpGetTool({ allow: ['example.com', '*.wikipedia.org'] }).description).toMatch(
      /Only URLs on these hosts can be fetched: example\.com, \*\.wikipedia\.org/,
    );
  });
});
