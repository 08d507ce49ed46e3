/**
 * Issue 11, point 11: tool arguments nested 6,000 deep (`[[[[...]]]]`) used to make
 * `JSON.stringify` of the `tool:start` wire event throw inside the SSE helpers, so the stream
 * errored with no terminal event. Every wire event is bounded now, and a streamed run over HTTP
 * ends with exactly one terminal event, through the web stream and through the Node helper.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Agent, pipeSSEToResponse, toSSEResponse, WIRE_LIMITS } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';
import { listen, type ParsedSSE, parseSSE, serverModel, terminals } from './stream-support.js';

const DEPTH = 6_000;
const DEEP = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;

let server: TestServer;
let http: Server | undefined;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  http?.closeAllConnections();
  if (http) await new Promise((resolve) => http?.close(resolve));
  http = undefined;
});

function deepAgent() {
  let received: unknown;
  const inspect = tool({
    name: 'inspect',
    description: 'Inspects a value',
    parameters: z.object({ value: z.unknown() }),
    execute: async ({ value }) => {
      received = value;
      return 'inspected';
    },
  });
  server.reply(
    {
      toolCalls: [{ id: 'deep1', name: 'inspect', arguments: `{"value":${DEEP}}` }],
      // Large pieces keep the test quick; how the arguments are split does not matter here.
      stream: { maxPieceLength: 500 },
    },
    { content: 'It is a very deep list.' },
  );
  const agent = new Agent({ name: 'deep', model: serverModel(server), tools: [inspect] });
  return { agent, received: () => received };
}

async function listenOn(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function depthOf(value: unknown): number {
  let depth = 0;
  let current = value;
  while (Array.isArray(current)) {
    depth += 1;
    current = current[0];
  }
  return depth;
}

/** The checks both helpers must pass: a whole, bounded stream that ends with one run:end. */
function expectBoundedRun(body: string, events: ParsedSSE[]) {
  const names = events.map((e) => e.event);
  expect(names.filter((n) => n === 'run:end' || n === 'run:error')).toEqual(['run:end']);
  expect(names.at(-1)).toBe('run:end');
  expect(names).toContain('tool:start');
  expect(names).toContain('tool:end');
  // The deep arguments arrive as a bounded preview string, not as 6,000 nested arrays.
  const start = events.find((e) => e.event === 'tool:start')?.data as { args: unknown };
  expect(typeof start.args).toBe('string');
  expect((start.args as string).length).toBeLessThanOrEqual(WIRE_LIMITS.maxChars + 200);
  expect(start.args as string).toMatch(/^\{"value":\[\[\[/);
  expect(start.args as string).toContain('truncated');
  for (const frame of body.split('\n\n')) {
    expect(frame.length).toBeLessThan(WIRE_LIMITS.maxChars * 2);
  }
}

describe('tool arguments nested 6,000 deep', () => {
  it('toSSEResponse over a real socket: the web stream ends with run:end; the tool got the whole value', async () => {
    const { agent, received } = deepAgent();
    const heard = listen(agent);
    // The web Response served by a plain Node server, as an adapter (hono's node-server) would.
    http = createServer((_req, res) => {
      const response = toSSEResponse(agent.stream('How deep is it?'), { heartbeatMs: 0 });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>).pipe(res);
    });
    const body = await (await fetch(await listenOn(http))).text();
    const { events } = parseSSE(body);
    expectBoundedRun(body, events);
    expect(terminals(heard).map((e) => e.type)).toEqual(['run:end']);
    // Only the wire copy is bounded: the tool ran with the exact arguments.
    expect(depthOf(received())).toBe(DEPTH);
  });

  it('pipeSSEToResponse over a real socket: the response ends with run:end', async () => {
    const { agent } = deepAgent();
    let piped: Promise<void> | undefined;
    http = createServer((_req, res) => {
      piped = pipeSSEToResponse(agent.stream('How deep is it?'), res, { heartbeatMs: 0 });
    });
    const body = await (await fetch(await listenOn(http))).text();
    await expect(piped).resolves.toBeUndefined();
    const { events } = parseSSE(body);
    expectBoundedRun(body, events);
  });
});
