import { inspect } from 'node:util';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isAbortError } from '../../packages/core/src/errors/abort-error.js';
import { ConfigurationError, ModelError } from '../../packages/core/src/errors/errors.js';
import { parseRetryAfter } from '../../packages/core/src/models/openai-errors.js';
import { openai } from '../../packages/core/src/models/openai-model.js';
import { deferred } from '../support/deferred.js';
import { completion, errorResponse, fakeFetch, json } from './fake-fetch.js';

const KEY = 'sk-proj-TESTKEY-0123456789abcdefghijklmnopqrstuvwxyz';
const request = { messages: [{ role: 'user' as const, content: 'Hi' }] };

beforeEach(() => {
  vi.stubEnv('OPENAI_API_KEY', '');
  vi.stubEnv('OPENAI_BASE_URL', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('openai() configuration', () => {
  it('does no work when created, and fails on the first call without a key or a baseURL', async () => {
    const { fetch, requests } = fakeFetch(() => json(completion({ content: 'x' })));
    const model = openai('gpt-4o-mini', { fetch });
    expect(model.name).toBe('gpt-4o-mini');
    const error = await caught(model.generate(request));
    expect(ConfigurationError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('OPENAI_API_KEY');
    expect(message).toContain('apiKey');
    expect(message).toContain('baseURL');
    expect(message).toMatch(/Ollama/);
    expect(requests).toHaveLength(0);
  });

  it('reads OPENAI_API_KEY and OPENAI_BASE_URL at the first call', async () => {
    const { fetch, requests } = fakeFetch(() => json(completion({ content: 'ok' })));
    const model = openai('gpt-4o-mini', { fetch });
    vi.stubEnv('OPENAI_API_KEY', KEY);
    vi.stubEnv('OPENAI_BASE_URL', 'http://env.example/v1');
    await model.generate(request);
    expect(requests[0]?.url).toBe('http://env.example/v1/chat/completions');
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
  });

  it('talks to a local endpoint without a key, sending a placeholder', async () => {
    const { fetch, requests } = fakeFetch(() => json(completion({ content: 'local' })));
    const model = openai('llama3.1:8b', { baseURL: 'http://localhost:11434/v1', fetch });
    const reply = await model.generate(request);
    expect(reply.message.content).toBe('local');
    expect(requests[0]?.url).toBe('http://localhost:11434/v1/chat/completions');
    expect(requests[0]?.headers.get('authorization')).toMatch(/^Bearer \S+$/);
  });

  it('passes organization and default headers', async () => {
    const { fetch, requests } = fakeFetch(() => json(completion({ content: 'ok' })));
    const model = openai('gpt-4o', {
      apiKey: KEY,
      organization: 'org-1',
      defaultHeaders: { 'x-team': 'blue' },
      fetch,
    });
    await model.generate(request);
    expect(requests[0]?.headers.get('openai-organization')).toBe('org-1');
    expect(requests[0]?.headers.get('x-team')).toBe('blue');
  });

  it('rejects an empty model name and a bad timeout at once', () => {
    expect(() => openai('')).toThrow(ConfigurationError);
    expect(() => openai('gpt-4o', { timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('openai() generate', () => {
  it('sends the request with the model name and maps the reply', async () => {
    const body = completion(
      {
        content: null,
        tool_calls: [
          {
            id: 'call_a',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          { id: 'call_b', type: 'custom', custom: { name: 'grammar', input: 'x' } },
          { type: 'function', function: { name: 'no_id', arguments: '{}' } },
        ],
      },
      {
        usage: {
          prompt_tokens: 100,
          completion_tokens: 20,
          total_tokens: 120,
          prompt_tokens_details: { cached_tokens: 64 },
        },
      },
    );
    body.choices[0] = { ...body.choices[0]!, finish_reason: 'tool_calls' };
    const { fetch, requests } = fakeFetch(() => json(body));
    const model = openai('gpt-4o', { apiKey: KEY, fetch });
    const reply = await model.generate({ ...request, temperature: 0.2 });

    expect(requests).toHaveLength(1);
    const sent = requests[0]?.body;
    expect(sent?.model).toBe('gpt-4o');
    expect(sent?.temperature).toBe(0.2);
    expect(sent?.stream).toBe(false);
    expect(sent?.messages).toEqual(request.messages);

    expect(reply.finishReason).toBe('tool_calls');
    expect(reply.message.content).toBeNull();
    const calls = reply.message.tool_calls ?? [];
    expect(calls.map((c) => c.function.name)).toEqual(['get_weather', 'no_id']);
    expect(calls[0]).toEqual({
      id: 'call_a',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(calls[1]?.id).toMatch(/^call_\w+$/);
    expect(reply.usage?.prompt_tokens_details?.cached_tokens).toBe(64);
    expect(reply.id).toBe('chatcmpl-1');
    expect(reply.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('maps finish_reason length and content_filter, and unknown reasons to null', async () => {
    for (const [raw, expected] of [
      ['length', 'length'],
      ['content_filter', 'content_filter'],
      ['eos_token', null],
    ] as const) {
      const body = completion({ content: 'cut' });
      body.choices[0] = { ...body.choices[0]!, finish_reason: raw };
      const { fetch } = fakeFetch(() => json(body));
      const reply = await openai('gpt-4o', { apiKey: KEY, fetch }).generate(request);
      expect(reply.finishReason).toBe(expected);
    }
  });

  it('sends maxRetries 0: a 500 is tried once, the loop owns retries', async () => {
    const { fetch, requests } = fakeFetch(() => errorResponse(500, 'boom'));
    const error = await caught(openai('gpt-4o', { apiKey: KEY, fetch }).generate(request));
    expect(requests).toHaveLength(1);
    expect(ModelError.isInstance(error) && error.retryable).toBe(true);
  });

  it('sends maxRetries 0 through a client the user made with retries on', async () => {
    const { fetch, requests } = fakeFetch(() => errorResponse(503, 'busy'));
    const client = new OpenAI({ apiKey: KEY, fetch, maxRetries: 2 });
    const error = await caught(openai('gpt-4o', { client }).generate(request));
    expect(requests).toHaveLength(1);
    expect((error as ModelError).status).toBe(503);
  });
});

describe('openai() errors', () => {
  const cases: Array<[number, boolean]> = [
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
    [408, true],
    [409, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
  ];
  it.each(cases)('HTTP %i is retryable: %s', async (status, retryable) => {
    const { fetch } = fakeFetch(() =>
      errorResponse(
        status,
        `provider says ${status}`,
        { 'x-request-id': 'req_42' },
        { code: 'some_code' },
      ),
    );
    const error = await caught(openai('gpt-4o', { apiKey: KEY, fetch }).generate(request));
    expect(ModelError.isInstance(error)).toBe(true);
    const e = error as ModelError;
    expect(e.status).toBe(status);
    expect(e.retryable).toBe(retryable);
    expect(e.providerMessage).toBe(`provider says ${status}`);
    expect(e.providerCode).toBe('some_code');
    expect(e.requestId).toBe('req_42');
    expect(e.message).toContain(`HTTP ${status}`);
    expect(e.message).toContain(`provider says ${status}`);
  });

  it('reads retry-after-ms, retry-after in seconds and as an HTTP date', async () => {
    // A fixed clock (only Date: the request still runs on real timers) makes the wait an
    // HTTP date gives exact.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2025-01-01T00:00:00Z'));
    const now = Date.now();
    const { fetch } = fakeFetch(
      () => errorResponse(429, 'slow down', { 'retry-after-ms': '1500' }),
      () => errorResponse(429, 'slow down', { 'retry-after': '7' }),
      () => errorResponse(503, 'busy', { 'retry-after': new Date(now + 30_000).toUTCString() }),
      () => errorResponse(429, 'slow down'),
    );
    const model = openai('gpt-4o', { apiKey: KEY, fetch });
    const waits = [];
    for (let i = 0; i < 4; i++)
      waits.push(((await caught(model.generate(request))) as ModelError).retryAfterMs);
    expect(waits[0]).toBe(1500);
    expect(waits[1]).toBe(7000);
    expect(waits[2]).toBe(30_000);
    expect(waits[3]).toBeUndefined();
  });

  it('parseRetryAfter prefers retry-after-ms and leaves dates in the past to the backoff', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const h = (init: Record<string, string>) => new Headers(init);
    expect(parseRetryAfter(h({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    // delay-seconds is whole seconds (RFC 9110): a fraction gets the backoff.
    expect(parseRetryAfter(h({ 'retry-after': '1.5' }), now)).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }), now)).toBe(
      10_000,
    );
    expect(
      parseRetryAfter(h({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }), now),
    ).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after-ms': 'x' }), now)).toBeUndefined();
  });

  it('turns a connection failure into a retryable error without a status', async () => {
    const { fetch } = fakeFetch(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      });
    });
    const error = (await caught(
      openai('gpt-4o', { apiKey: KEY, fetch, baseURL: 'http://h.test/v1' }).generate(request),
    )) as ModelError;
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toContain('http://h.test/v1');
  });

  it('gives its client the bound of the calls once, so their requests carry no timeout of their own', async () => {
    // A request with a timeout of its own costs the client an `X-Stainless-Timeout` header.
    const { fetch, requests } = fakeFetch(() => json(completion({ content: 'ok' })));
    const model = openai('gpt-4o', { apiKey: KEY, fetch });
    await model.generate(request, { timeoutMs: 5000 });
    await model.generate(request, { timeoutMs: 5000 });
    await model.generate(request);
    await model.generate(request, { timeoutMs: 20_000 });
    expect(requests.map((r) => r.headers.get('x-stainless-timeout'))).toEqual([
      null,
      null,
      '600', // no bound: the client's default of 10 minutes, as before
      '21', // another bound: that bound plus a second
    ]);
  });

  it('turns a timeout into a retryable error', async () => {
    // The client's timeout is a timer: on a stopped clock it passes when the test moves it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fetched = deferred();
    const { fetch } = fakeFetch(() => {
      fetched.resolve();
      return new Promise<Response>(() => {});
    });
    const pending = caught(
      openai('gpt-4o', { apiKey: KEY, fetch, timeoutMs: 30 }).generate(request),
    );
    await fetched.promise;
    await vi.advanceTimersByTimeAsync(30);
    const error = (await pending) as ModelError;
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/timed out/);
  });

  it.each([
    ['empty choices', () => json(completion({ content: 'x' }, { choices: [] })), /no choices/],
    [
      'an HTML page',
      () =>
        new Response('<html>502 Bad Gateway</html>', { headers: { 'content-type': 'text/html' } }),
      /not a chat completion/,
    ],
    [
      'broken JSON',
      () => new Response('{"choices": [', { headers: { 'content-type': 'application/json' } }),
      /could not be parsed/,
    ],
  ])('fails clearly and without retry on %s', async (_name, handler, pattern) => {
    const { fetch } = fakeFetch(handler);
    const error = (await caught(
      openai('gpt-4o', { apiKey: KEY, fetch }).generate(request),
    )) as ModelError;
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(pattern);
  });

  it('rejects with an abort error, not a ModelError, when the signal aborts', async () => {
    const before = new AbortController();
    before.abort();
    const fetched = deferred();
    const { fetch, requests } = fakeFetch(() => {
      fetched.resolve();
      return new Promise<Response>(() => {});
    });
    const model = openai('gpt-4o', { apiKey: KEY, fetch });
    const early = await caught(model.generate(request, { signal: before.signal }));
    expect(isAbortError(early)).toBe(true);
    expect(requests).toHaveLength(0);

    const during = new AbortController();
    const pending = caught(model.generate(request, { signal: during.signal }));
    // Abort while the request is in flight (the response never comes).
    await fetched.promise;
    during.abort();
    const late = await pending;
    expect(isAbortError(late)).toBe(true);
    expect(ModelError.isInstance(late)).toBe(false);
    expect(requests[0]?.signal?.aborted).toBe(true);
  });
});

describe('the API key appears nowhere', () => {
  function expectNoKey(error: unknown) {
    const seen: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current && depth < 10; depth++) {
      const e = current as Error;
      seen.push(
        e.message,
        String(e.stack),
        JSON.stringify(e),
        inspect(e, { depth: 20, showHidden: true }),
      );
      current = e.cause;
    }
    seen.push(
      JSON.stringify(error),
      inspect(error, { depth: 20, showHidden: true }),
      String(error),
    );
    for (const text of seen) expect(text).not.toContain(KEY);
  }

  it('when the provider echoes the key in a 401', async () => {
    const { fetch } = fakeFetch(() =>
      errorResponse(401, `Incorrect API key provided: ${KEY}.`, { 'x-echo': KEY }, { param: KEY }),
    );
    const error = await caught(openai('gpt-4o', { apiKey: KEY, fetch }).generate(request));
    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as ModelError).providerMessage).toContain('[redacted]');
    expectNoKey(error);
  });

  it('when a connection error message contains the key', async () => {
    const { fetch } = fakeFetch(() => {
      throw new TypeError(`fetch failed for Bearer ${KEY}`, {
        cause: new Error(`socket hang up ${KEY}`),
      });
    });
    const error = await caught(openai('gpt-4o', { apiKey: KEY, fetch }).generate(request));
    expect(ModelError.isInstance(error)).toBe(true);
    expectNoKey(error);
  });

  it('with a client the user made', async () => {
    const { fetch } = fakeFetch(() => errorResponse(403, `key ${KEY} may not use gpt-4o`));
    const client = new OpenAI({ apiKey: KEY, fetch });
    const error = await caught(openai('gpt-4o', { client }).generate(request));
    expect((error as ModelError).status).toBe(403);
    expectNoKey(error);
  });
});
