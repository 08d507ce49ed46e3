/**
 * `@modelcontextprotocol/server-everything` over HTTP on 127.0.0.1: its streamable HTTP mode,
 * its legacy SSE mode (reached through the fallback), a session the server no longer knows
 * (404, through a proxy that expires it), and the server restarted between two calls.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectMcpServer, type McpServer } from '@agentloop/mcp';
import { type ToolCall, ToolRegistry } from '@agentloop/tools';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpServer, startEverythingHttp } from './servers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function everything(mode: 'streamableHttp' | 'sse', port?: number): Promise<HttpServer> {
  const http = await startEverythingHttp(mode, port);
  cleanup.push(() => http.stop());
  return http;
}

async function connect(options: Parameters<typeof connectMcpServer>[0]): Promise<McpServer> {
  const server = await connectMcpServer(options);
  cleanup.push(() => server.close());
  return server;
}

let n = 0;
const call = (name: string, args: unknown = {}): ToolCall => ({
  id: `call_${++n}`,
  name,
  arguments: JSON.stringify(args),
});

/**
 * A proxy in front of the server that answers 404 to the sessions it was told to expire, as a
 * server does for a session it dropped, and passes everything else on.
 */
async function expiringProxy(target: number) {
  const expired = new Set<string>();
  const sessions: string[] = [];
  let notFound = 0;
  const proxy: Server = createServer((req, res) => {
    const session = req.headers['mcp-session-id'];
    if (typeof session === 'string' && expired.has(session)) {
      notFound++;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32001, message: 'Session not found' },
          id: null,
        }),
      );
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const id = answer.headers['mcp-session-id'];
        if (typeof id === 'string' && !sessions.includes(id)) sessions.push(id);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`,
    sessions,
    expireAll: () => {
      for (const id of sessions) expired.add(id);
    },
    notFound: () => notFound,
  };
}

describe('server-everything over HTTP', () => {
  it('streamable HTTP: connects, lists, calls; after close() a call is a fault', async () => {
    const http = await everything('streamableHttp');
    const server = await connect({ name: 'everything', url: http.url, headers: { 'x-test': '1' } });
    expect(server.transport).toBe('streamable-http');
    const registry = new ToolRegistry(await server.tools());
    expect((await registry.execute(call('echo', { message: 'over http' }))).output).toBe(
      'Echo: over http',
    );
    await server.close();
    const after = await registry.execute(call('echo', { message: 'x' }));
    expect(after.ok).toBe(false);
  });

  it('a legacy SSE server: the streamable attempt gets a 4xx, and the SSE transport takes over', async () => {
    const http = await everything('sse');
    const server = await connect({ name: 'legacy', url: http.url });
    expect(server.transport).toBe('sse');
    const registry = new ToolRegistry(await server.tools());
    expect((await registry.execute(call('get-sum', { a: 20, b: 22 }))).output).toBe(
      'The sum of 20 and 22 is 42.',
    );
  });

  it('transport: "streamable-http" does not fall back', async () => {
    const http = await everything('sse');
    await expect(
      connectMcpServer({ name: 'strict', url: http.url, transport: 'streamable-http' }),
    ).rejects.toMatchObject({ code: 'mcp_connect_failed' });
  });

  it('a session answered 404 (expired): a new session is started and the call is made once', async () => {
    const http = await everything('streamableHttp');
    const proxy = await expiringProxy(http.port);
    const server = await connect({ name: 'expiring', url: proxy.url });
    const restored: number[] = [];
    server.on('connection:restored', (event) => restored.push(event.attempt));
    const registry = new ToolRegistry(await server.tools());
    expect((await registry.execute(call('echo', { message: 'one' }))).output).toBe('Echo: one');
    proxy.expireAll();
    const outcome = await registry.execute(call('echo', { message: 'two' }));
    expect(outcome).toMatchObject({ ok: true, output: 'Echo: two' });
    expect(proxy.notFound()).toBeGreaterThanOrEqual(1);
    expect(proxy.sessions).toHaveLength(2);
    expect(restored).toEqual([1]);
  });

  it('the server restarted between two calls: the second call reconnects and succeeds', async () => {
    const first = await everything('streamableHttp');
    const server = await connect({
      name: 'restarting',
      url: first.url,
      reconnect: { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 400 },
    });
    const registry = new ToolRegistry(await server.tools());
    expect((await registry.execute(call('echo', { message: 'before' }))).output).toBe(
      'Echo: before',
    );
    await first.stop();
    await everything('streamableHttp', first.port);
    const outcome = await registry.execute(call('echo', { message: 'after' }));
    expect(outcome).toMatchObject({ ok: true, output: 'Echo: after' });
  });

  it('the server gone for good: a tool fault saying it is unavailable, and tools() throws', async () => {
    const http = await everything('streamableHttp');
    const server = await connect({
      name: 'gone',
      url: http.url,
      reconnect: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
    });
    const registry = new ToolRegistry(await server.tools());
    await http.stop();
    const outcome = await registry.execute(call('echo', { message: 'x' }));
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(
      /^Error: tool "echo" failed: the connection to MCP server "gone" was lost during the call|is unavailable/,
    );
    const again = await registry.execute(call('echo', { message: 'y' }));
    expect(again.output).toContain(
      'is unavailable: the connection was lost and 2 attempt(s) to reconnect failed',
    );
    await expect(server.tools()).rejects.toMatchObject({ code: 'mcp_unavailable' });
  });
});
