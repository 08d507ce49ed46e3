/**
 * Issue 5, point 1 (HTTP): a streamed run served as server-sent events, as a web `Response` and
 * through Node's `http.ServerResponse`: the wire format, the slimming, errors that never leak a
 * key, `res.write` backpressure, heartbeats, and a client that goes away aborting the run.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Agent,
  type AgentEvent,
  pipeSSEToResponse,
  RunAbortedError,
  type SSEServerResponse,
  toSSEResponse,
  toSSEStream,
  toWireEvent,
} from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred, settleEventLoop } from '../support/deferred.js';
import { startTestServer, type TestServer } from '../support/index.js';
import { listen, parseSSE, serverModel, terminals } from './stream-support.js';

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

const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});

const TWO_TURNS = () =>
  server.reply(
    { toolCalls: [{ id: 'w1', name: 'get_weather', arguments: { city: 'Paris' } }] },
    { content: 'Paris: 21 °C — “sunny”.' },
  );

/** Serves one agent stream per request through pipeSSEToResponse; returns the base URL. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  http = createServer(handler);
  await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
}

/** What the client must receive for `heard`: each event through toWireEvent, as JSON. */
function expectedWire(heard: readonly AgentEvent[]) {
  return heard.map((e) => ({ event: e.type, data: JSON.parse(JSON.stringify(toWireEvent(e))) }));
}

describe('server-sent events', () => {
  it('toSSEResponse: text/event-stream, one `event:`/`data:` frame per event, slimmed', async () => {
    TWO_TURNS();
    const agent = new Agent({
      name: 'sse',
      instructions: 'SECRET INSTRUCTIONS',
      model: serverModel(server),
      tools: [weather],
    });
    const heard = listen(agent);
    const response = toSSEResponse(agent.stream('Weather in Paris?'), {
      headers: { 'access-control-allow-origin': '*' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');

    const body = await response.text();
    const { events } = parseSSE(body);
    expect(events).toEqual(expectedWire(heard));
    expect(events.map((e) => e.event)).toContain('text:delta');
    expect(events.map((e) => e.event)).toContain('tool:args');
    // The conversation and the instructions never leave the server.
    expect(body).not.toContain('SECRET INSTRUCTIONS');
    const modelStart = events.find((e) => e.event === 'model:start')?.data;
    expect(modelStart).toMatchObject({ model: 'gpt-4o-mini', messages: 2, tools: 1 });
    expect(modelStart).not.toHaveProperty('request');
    const end = events.at(-1);
    expect(end?.event).toBe('run:end');
    expect(end?.data).toMatchObject({ result: { text: 'Paris: 21 °C — “sunny”.', turns: 2 } });
    expect(end?.data).not.toHaveProperty('result.messages');
    const toolEnd = events.find((e) => e.event === 'tool:end')?.data;
    expect(toolEnd).toMatchObject({ outcome: { ok: true, output: '{"city":"Paris","tempC":21}' } });
    expect(toolEnd).not.toHaveProperty('outcome.value');
  });

  it('pipeSSEToResponse over a real socket; a failed run is sent as run:error without the key', async () => {
    const secret = 'sk-live-do-not-leak-0123456789abcdef';
    await server.close();
    server = await startTestServer({ apiKey: 'the-right-key' });
    const agent = new Agent({ name: 'sse', model: serverModel(server, secret) });
    const heard = listen(agent);
    let piped: Promise<void> | undefined;
    const url = await serve((_req, res) => {
      piped = pipeSSEToResponse(agent.stream('hi'), res);
    });

    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const body = await response.text();
    await piped;
    const { events } = parseSSE(body);
    expect(events).toEqual(expectedWire(heard));
    const error = events.at(-1);
    expect(error?.event).toBe('run:error');
    expect(error?.data).toMatchObject({ error: { code: 'model_error', status: 401 } });
    expect(body).not.toContain(secret);
    expect(body).not.toContain('0123456789abcdef');
  });

  it('errors that are not agentloop errors are sent as a generic internal_error', async () => {
    server.reply({ content: 'unused' });
    const agent = new Agent({
      name: 'sse',
      model: serverModel(server),
      beforeModel: () => {
        throw new Error('db password is hunter2');
      },
    });
    const body = await toSSEResponse(agent.stream('hi')).text();
    const last = parseSSE(body).events.at(-1);
    expect(last).toMatchObject({ event: 'run:error', data: { error: { code: 'internal_error' } } });
    expect(body).not.toContain('hunter2');
  });

  it('a mid-stream failure reaches the client with the partial text', async () => {
    server.reply({ content: 'Half of this arrives and then the socket dies.', cutAfterChunks: 5 });
    const agent = new Agent({ name: 'sse', model: serverModel(server) });
    const { events } = parseSSE(await toSSEResponse(agent.stream('hi')).text());
    const streamed = events
      .filter((e) => e.event === 'text:delta')
      .map((e) => (e.data as { delta: string }).delta)
      .join('');
    expect(events.at(-1)).toMatchObject({
      event: 'run:error',
      data: { error: { code: 'model_error', midStream: true, partialText: streamed } },
    });
  });

  it('a client that disconnects while a tool runs aborts the run and the tool', async () => {
    let toolSignal: AbortSignal | undefined;
    const slow = tool({
      name: 'slow',
      description: 'Slow',
      parameters: z.object({}),
      execute: (_args, ctx) =>
        new Promise<string>((_resolve, reject) => {
          toolSignal = ctx.signal;
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        }),
    });
    server.reply({ toolCalls: [{ id: 's1', name: 'slow', arguments: {} }] });
    const agent = new Agent({ name: 'sse', model: serverModel(server), tools: [slow] });
    const heard = listen(agent);
    let stream: ReturnType<typeof agent.stream> | undefined;
    let piped: Promise<void> | undefined;
    const url = await serve((_req, res) => {
      stream = agent.stream('hi');
      piped = pipeSSEToResponse(stream, res);
    });

    const client = new AbortController();
    const response = await fetch(url, { signal: client.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('event: tool:start')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended before tool:start');
      received += decoder.decode(value, { stream: true });
    }
    client.abort();
    await piped;

    expect(toolSignal?.aborted).toBe(true);
    expect(terminals(heard).map((e) => e.type)).toEqual(['run:error']);
    const error = await stream?.result.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error)).toBe(true);
  });

  it('cancelling the web stream cancels the model stream', async () => {
    server.reply({ content: 'word '.repeat(200), chunkDelayMs: 5 });
    const agent = new Agent({ name: 'sse', model: serverModel(server) });
    const heard = listen(agent);
    const stream = agent.stream('hi');
    const reader = toSSEStream(stream, { heartbeatMs: 0 }).getReader();
    let received = '';
    while ((received.match(/event: text:delta/g) ?? []).length < 3) {
      const { value } = await reader.read();
      received += new TextDecoder().decode(value);
    }
    await reader.cancel();
    await expect(stream.result).rejects.toSatisfy(RunAbortedError.isInstance);
    await server.idle();
    expect(server.aborted).toBe(1);
    expect(terminals(heard)).toHaveLength(1);
  });

  it('sends a keep-alive comment while no event is due (a slow tool)', async () => {
    // The tool runs until two keep-alives have come while it does. The heartbeat keeps a real
    // clock: the model is read over a real socket, whose client a fake clock would stall.
    const gate = deferred();
    const slow = tool({
      name: 'slow',
      description: 'Slow',
      parameters: z.object({}),
      execute: async () => {
        await gate.promise;
        return 'ok';
      },
    });
    server.reply({ toolCalls: [{ id: 's1', name: 'slow', arguments: {} }] }, { content: 'done' });
    const agent = new Agent({ name: 'sse', model: serverModel(server), tools: [slow] });
    const response = toSSEResponse(agent.stream('hi'), { heartbeatMs: 25 });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let body = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
      const whileRunning = body.split('event: tool:start')[1] ?? '';
      if ((whileRunning.match(/^: keep-alive$/gm) ?? []).length >= 2) gate.resolve();
    }
    const { events, comments } = parseSSE(body);
    expect(comments.length).toBeGreaterThanOrEqual(2);
    expect(new Set(comments)).toEqual(new Set([': keep-alive']));
    // The heartbeats came while the tool ran: between tool:start and tool:end.
    const blocks = body.split('\n\n');
    const start = blocks.findIndex((b) => b.startsWith('event: tool:start'));
    const end = blocks.findIndex((b) => b.startsWith('event: tool:end'));
    expect(blocks.slice(start, end).some((b) => b === ': keep-alive')).toBe(true);
    expect(events.at(-1)?.event).toBe('run:end');
  });
});

/** A response whose socket is "full" until the test emits 'drain'. */
class FullResponse extends EventEmitter implements SSEServerResponse {
  statusCode = 0;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  readonly headers: Record<string, string> = {};
  readonly writes: string[] = [];
  readonly #decoder = new TextDecoder();
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  flushHeaders() {
    this.headersSent = true;
  }
  write(chunk: Uint8Array) {
    this.writes.push(this.#decoder.decode(chunk));
    return false;
  }
  end() {
    this.writableEnded = true;
    this.writableFinished = true;
  }
}

describe('pipeSSEToResponse backpressure', () => {
  it('waits for drain before writing again, and the run pauses meanwhile', async () => {
    const text = Array.from({ length: 400 }, (_, i) => `t${i % 10} `).join('');
    server.reply({ content: text, stream: { maxPieceLength: 2 } });
    const agent = new Agent({ name: 'sse', model: serverModel(server) });
    let emitted = 0;
    agent.on('*', () => {
      emitted += 1;
    });
    const stream = agent.stream('hi', { highWaterMark: 8 });
    // Opens once the run's buffer holds the mark (checked after each event is buffered).
    const full = deferred();
    agent.on('*', () => {
      queueMicrotask(() => {
        if (stream.bufferedCount >= 8) full.resolve();
      });
    });
    const res = new FullResponse();
    const piped = pipeSSEToResponse(stream, res, { heartbeatMs: 0 });

    // The writer is stuck on 'drain', so the run's buffer fills up to the mark...
    await full.promise;
    expect(res.writes).toHaveLength(1);
    const stalledAt = emitted;
    // ...and there it stays: the run stops reading the model's stream (which the server sends
    // without pause), nothing more is emitted however many turns the event loop takes.
    await settleEventLoop(50);
    expect(stream.bufferedCount).toBe(8);
    expect(emitted).toBe(stalledAt);
    expect(res.writes).toHaveLength(1);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');

    // Drain repeatedly: everything arrives, in order, and the response ends.
    let finished = false;
    piped.then(() => {
      finished = true;
    });
    let maxAhead = 0;
    while (!finished) {
      maxAhead = Math.max(maxAhead, emitted - res.writes.length);
      res.emit('drain');
      await new Promise((r) => setImmediate(r));
    }
    expect(maxAhead).toBeLessThanOrEqual(8 + 4);
    expect(res.writableEnded).toBe(true);
    const { events } = parseSSE(res.writes.join(''));
    const deltas = events
      .filter((e) => e.event === 'text:delta')
      .map((e) => (e.data as { delta: string }).delta);
    expect(deltas.length).toBeGreaterThan(100);
    expect(deltas.join('')).toBe(text);
  });
});

describe('pipeSSEToResponse to a response already closed', () => {
  it('runs nothing and settles result with RunAbortedError', async () => {
    const agent = new Agent({ name: 'sse', model: serverModel(server) });
    const stream = agent.stream('hi');
    const res = new FullResponse();
    res.destroyed = true;
    await pipeSSEToResponse(stream, res);
    await expect(stream.result).rejects.toSatisfy(RunAbortedError.isInstance);
    expect(server.requests).toHaveLength(0);
    expect(res.writes).toHaveLength(0);
  });
});
