import OpenAI, {
  APIConnectionError,
  APIUserAbortError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settleEventLoop } from '../support/deferred.js';
import { startTestServer, type TestServer } from '../support/index.js';

let server: TestServer;
let client: OpenAI;

beforeEach(async () => {
  server = await startTestServer();
  client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
});
afterEach(async () => {
  vi.useRealTimers();
  await server.close();
});

/**
 * Stops the timers (the server's pauses and keep-alive comments are timers; the sockets stay
 * real): they run only as the test moves the clock.
 */
const stopTimers = () =>
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });

/** Moves the clock `ms`, then lets the sockets carry what that sent. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await settleEventLoop();
}

const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
const call = (options: { signal?: AbortSignal } = {}) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages }, options).then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

describe('scripted faults', () => {
  it('answers 429 with retry headers the client can read, and the API rate-limit body', async () => {
    server.reply({ status: 429, headers: { 'retry-after-ms': '10', 'retry-after': '1' } });
    const { error } = await call();
    expect(error).toBeInstanceOf(RateLimitError);
    const rateLimit = error as RateLimitError;
    expect(rateLimit.headers?.get('retry-after-ms')).toBe('10');
    expect(rateLimit.headers?.get('retry-after')).toBe('1');
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.message).toContain('Rate limit reached for gpt-4o-mini');
    expect(rateLimit.requestID).toMatch(/^req_/);
  });

  it('sends a non-JSON body verbatim, and a 503 with the API body by default', async () => {
    server.reply({ status: 500, body: '<html>upstream crashed</html>' }, { status: 503 });
    const first = await call();
    expect(first.error).toBeInstanceOf(InternalServerError);
    expect((first.error as InternalServerError).message).toContain('<html>upstream crashed</html>');
    const second = await call();
    expect(second.error).toMatchObject({ status: 503, type: 'server_error' });
  });

  it('lets a client with retries recover: the retry takes the next step', async () => {
    server.reply(
      { status: 500, headers: { 'retry-after-ms': '1' } },
      { status: 429, headers: { 'retry-after-ms': '1' } },
      { content: 'recovered' },
    );
    const retrying = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 2 });
    const completion = await retrying.chat.completions.create({ model: 'm', messages });
    expect(completion.choices[0]?.message.content).toBe('recovered');
    expect(server.requests.map((r) => r.status)).toEqual([500, 429, 200]);
  });

  it('resets the connection without answering: the client sees a connection error', async () => {
    server.reply({ reset: true });
    const { error } = await call();
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(server.requests[0]?.status).toBeUndefined();
    await server.idle();
    expect(server.aborted).toBe(0);
  });

  it('cuts a stream after n chunks: the client gets exactly those, then an error', async () => {
    server.reply({
      content: 'A fairly long answer that needs many chunks to stream.',
      cutAfterChunks: 3,
    });
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    const received: ChatCompletionChunk[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(received).toHaveLength(3);
    expect(received.every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
  });

  it('stalls a stream after n chunks, sending only keep-alive comments the client never yields', async () => {
    stopTimers();
    server.reply({ content: 'A fairly long answer.', stallAfterChunks: 1, keepAliveMs: 5 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm', messages, stream: true },
      { signal: controller.signal },
    );
    const received: ChatCompletionChunk[] = [];
    const reading = (async () => {
      for await (const chunk of stream) received.push(chunk);
    })();
    // Let several comments through: the client parses them and yields nothing for them.
    for (let i = 0; i < 1_000 && (server.requests[0]?.keepAlives ?? 0) < 5; i++) await advance(5);
    expect(server.requests[0]?.keepAlives).toBe(5);
    expect(received).toHaveLength(1);
    expect(received[0]?.choices[0]?.delta.role).toBe('assistant');
    controller.abort();
    await reading;
    await server.idle();
    expect(server.aborted).toBe(1);
  });

  it('stalls before the first chunk: headers only, then silence', async () => {
    stopTimers();
    server.reply({ content: 'never sent', stallAfterChunks: 0 });
    const controller = new AbortController();
    // The response (headers) arrives; no chunk ever does.
    const stream = await client.chat.completions.create(
      { model: 'm', messages, stream: true },
      { signal: controller.signal },
    );
    const received: ChatCompletionChunk[] = [];
    const reading = (async () => {
      for await (const chunk of stream) received.push(chunk);
    })();
    // A minute of silence, on the stopped clock.
    await advance(60_000);
    expect(received).toEqual([]);
    expect(server.requests[0]?.keepAlives).toBe(0);
    controller.abort();
    await reading;
    await server.idle();
    expect(server.aborted).toBe(1);
  });

  it('cuts a JSON reply mid-body: the client fails instead of parsing half a completion', async () => {
    server.reply({ content: 'cut me', cutAfterChunks: 0 });
    const { value, error } = await call();
    expect(value).toBeUndefined();
    expect(error).toBeInstanceOf(Error);
  });

  it('delays a reply by delayMs', async () => {
    stopTimers();
    server.reply({ content: 'late', delayMs: 60 });
    let answered = false;
    const pending = call().finally(() => {
      answered = true;
    });
    await server.waitForRequests(1);
    await settleEventLoop();
    await advance(59);
    expect(answered).toBe(false);
    await advance(1);
    const { value } = await pending;
    expect(value?.choices[0]?.message.content).toBe('late');
  });
});

describe('cancellation', () => {
  it('counts a hanging request the client aborts', async () => {
    server.reply({ hang: true });
    const controller = new AbortController();
    const pending = call({ signal: controller.signal });
    await server.waitForRequests(1);
    expect(server.active).toBe(1);
    controller.abort();
    const { error } = await pending;
    expect(error).toBeInstanceOf(APIUserAbortError);
    await server.idle();
    expect(server.aborted).toBe(1);
    expect(server.active).toBe(0);
  });

  it('counts an abort during delayMs and never answers afterwards', async () => {
    server.reply({ content: 'too late', delayMs: 5_000 });
    const controller = new AbortController();
    const pending = call({ signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort();
    expect((await pending).error).toBeInstanceOf(APIUserAbortError);
    await server.idle();
    expect(server.aborted).toBe(1);
    expect(server.requests[0]?.status).toBeUndefined();
  });

  it('counts a stream the client abandons mid-way', async () => {
    server.reply({ content: 'one two three four five six seven eight nine ten', chunkDelayMs: 20 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm', messages, stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    // The SDK ends the iteration quietly on abort; what matters is that it stopped early.
    for await (const _chunk of stream) {
      received += 1;
      if (received === 2) controller.abort();
    }
    expect(received).toBe(2);
    await server.idle();
    expect(server.aborted).toBe(1);
  });

  it('does not count completed requests as aborted', async () => {
    server.reply({ content: 'a' }, { content: 'b' });
    await call();
    await call();
    await server.idle();
    expect(server.aborted).toBe(0);
  });

  it('closes even while a request hangs', async () => {
    server.reply({ hang: true });
    const pending = call();
    await server.waitForRequests(1);
    await server.close();
    expect((await pending).error).toBeInstanceOf(APIConnectionError);
    expect(server.aborted).toBe(0);
  });

  it('rejects waitForRequests with a clear message on timeout', async () => {
    await expect(server.waitForRequests(1, 20)).rejects.toThrow(
      'expected 1 request(s) within 20 ms, got 0',
    );
  });
});

describe('raw bodies', () => {
  it('writes a raw body byte for byte, piece by piece, as SSE by default', async () => {
    const event = (content: string, finish: string | null = null) =>
      `data:${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\r\n\r\n`;
    const body = `: ping\r\n\r\nevent: message\r\n${event('Hel')}${event('lo', 'stop')}data: [DONE]\r\n\r\n`;
    server.reply({ raw: [body.slice(0, 9), body.slice(9, 40), body.slice(40)] });
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages, stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe(body);
    expect(server.requests[0]?.status).toBe(200);
  });

  it('sends a raw body with the status and content type asked for', async () => {
    server.reply({ raw: '[{"error":{"code":400}}]', status: 400, contentType: 'application/json' });
    const { error } = await call();
    expect(error).toMatchObject({ status: 400 });
    expect(server.requests[0]?.status).toBe(400);
  });
});
