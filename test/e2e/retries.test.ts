/**
 * Issue 4 point 5 end to end: transient faults are retried over real HTTP with backoff and the
 * provider's retry-after, each announced by `model:retry`; permanent ones fail at once with a
 * `ModelError`; the API key appears nowhere; a retry never runs a tool twice.
 */
import { inspect } from 'node:util';
import { Agent, type AgentEvent, ModelError, openai, type RetryOptions } from '@agentloop/core';
import { type AnyTool, tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { settleEventLoop } from '../support/deferred.js';
import { type Step, startTestServer, type TestServer } from '../support/index.js';

const API_KEY = 'sk-test-SECRET-123';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY });
});
afterEach(() => {
  vi.useRealTimers();
  return server.close();
});

function agentWith(retry: RetryOptions, tools: AnyTool[] = [], fetch?: typeof globalThis.fetch) {
  const agent = new Agent({
    name: 'retrying',
    model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url, fetch }),
    tools,
    retry,
  });
  const events: AgentEvent[] = [];
  agent.on('*', (event) => {
    events.push(event);
  });
  return { agent, events };
}

function retriesOf(events: AgentEvent[]) {
  return events.filter((e) => e.type === 'model:retry');
}

const FAST = { baseDelayMs: 4, maxDelayMs: 20 };

/** Counts the requests the client sends, at the moment it sends them. */
function countingFetch() {
  const sent = { count: 0 };
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent.count += 1;
    return globalThis.fetch(input, init);
  };
  return { fetch, sent };
}

/** Fulfils at the agent's next `model:retry`, when the wait before the retry begins. */
const nextRetry = (agent: Agent) =>
  new Promise<void>((resolve) => agent.once('model:retry', () => resolve()));

/**
 * Stops the timers (not the socket, which stays real): the wait before a retry passes only as
 * the test moves the clock, so the test sees the client hold the next request until the very
 * millisecond.
 */
const stopTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

/** Moves the clock `ms`, then lets whatever is due (a request the client sends) run. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await settleEventLoop();
}

describe('transient faults are retried over HTTP', () => {
  const transient: [string, Step][] = [
    ['429 without retry-after', { status: 429 }],
    ['408', { status: 408 }],
    ['409', { status: 409 }],
    ['500', { status: 500 }],
    ['502', { status: 502 }],
    ['503', { status: 503 }],
    ['a connection reset', { reset: true }],
  ];

  it.each(transient)('%s is retried, emitting model:retry', async (_label, fault) => {
    server.reply(fault, { content: 'Recovered.' });
    const { agent, events } = agentWith(FAST);
    const result = await agent.run('Hi');

    expect(result.text).toBe('Recovered.');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.rejected).toBeUndefined();
    // The retry re-sends the same request.
    expect(server.requests[1]?.body).toEqual(server.requests[0]?.body);
    const [retry, ...more] = retriesOf(events);
    expect(more).toEqual([]);
    expect(retry).toMatchObject({ type: 'model:retry', turn: 1, attempt: 1, runId: result.runId });
    // Full jitter below the first backoff ceiling.
    expect(retry?.delayMs).toBeGreaterThanOrEqual(0);
    expect(retry?.delayMs).toBeLessThan(FAST.baseDelayMs);
    expect(retry?.error.code).toBe('model_error');
    expect(retry?.error.status).toBe('status' in fault ? fault.status : undefined);
    // model:retry comes between model:start and model:end of its turn.
    const types = events.map((e) => e.type);
    expect(types.indexOf('model:start')).toBeLessThan(types.indexOf('model:retry'));
    expect(types.indexOf('model:retry')).toBeLessThan(types.indexOf('model:end'));
  });

  it('honours retry-after-ms: the next request waits that long', async () => {
    stopTimers();
    server.reply({ status: 429, headers: { 'retry-after-ms': '30' } }, { content: 'ok' });
    const { fetch, sent } = countingFetch();
    const { agent, events } = agentWith(FAST, [], fetch);
    const retrying = nextRetry(agent);
    const run = agent.run('Hi');
    await retrying;
    await advance(29);
    expect(sent.count).toBe(1);
    await advance(1);
    await run;
    expect(sent.count).toBe(2);

    expect(retriesOf(events).map((e) => [e.attempt, e.delayMs, e.error.status])).toEqual([
      [1, 30, 429],
    ]);
  });

  it('honours retry-after in seconds, capped by maxRetryAfterMs', async () => {
    server.reply(
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': '120' } },
      { content: 'ok' },
    );
    stopTimers();
    const { fetch, sent } = countingFetch();
    const { agent, events } = agentWith({ ...FAST, maxRetryAfterMs: 25 }, [], fetch);
    let retrying = nextRetry(agent);
    const run = agent.run('Hi');
    for (const before of [1, 2]) {
      await retrying;
      retrying = nextRetry(agent);
      await advance(24);
      expect(sent.count).toBe(before);
      await advance(1);
    }
    await run;
    expect(sent.count).toBe(3);

    expect(retriesOf(events).map((e) => [e.attempt, e.delayMs])).toEqual([
      [1, 25],
      [2, 25],
    ]);
  });

  it('uses retry-after in seconds as given when under the cap', async () => {
    server.reply({ status: 429, headers: { 'retry-after': '2' } }, { content: 'ok' });
    const waits: number[] = [];
    const { agent, events } = agentWith({
      ...FAST,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await agent.run('Hi');
    expect(retriesOf(events).map((e) => e.delayMs)).toEqual([2000]);
    expect(waits).toEqual([2000]);
  });

  it.each(['-5', '-1', '5.5.5', '0.04', 'soon', 'Sun, 06 Nov 1994 08:49:37 GMT'])(
    'waits the backoff, not zero, after retry-after: %s',
    async (value) => {
      server.reply({ status: 429, headers: { 'retry-after': value } }, { content: 'ok' });
      const waits: number[] = [];
      const { agent, events } = agentWith({
        baseDelayMs: 1000,
        random: () => 0.5,
        sleep: async (ms) => {
          waits.push(ms);
        },
      });
      expect((await agent.run('Hi')).text).toBe('ok');
      expect(retriesOf(events).map((e) => e.delayMs)).toEqual([500]);
      expect(waits).toEqual([500]);
    },
  );

  it('retries a streamed call that failed before its first chunk', async () => {
    server.reply({ status: 503 }, { reset: true }, { content: 'Streamed after all.' });
    const { agent, events } = agentWith(FAST);
    const stream = agent.stream('Hi');
    let text = '';
    for await (const event of stream) if (event.type === 'text:delta') text += event.delta;
    expect((await stream.result).text).toBe('Streamed after all.');
    expect(text).toBe('Streamed after all.');
    expect(retriesOf(events).map((e) => [e.attempt, e.error.status])).toEqual([
      [1, 503],
      [2, undefined],
    ]);
  });

  it('gives up after maxRetries with the last ModelError, backing off exponentially', async () => {
    server.reply({ status: 503 }, { status: 502 }, { status: 500 }, { status: 503 });
    const { agent, events } = agentWith({ maxRetries: 3, baseDelayMs: 8, maxDelayMs: 1000 });
    const error = await agent.run('Hi').catch((e: unknown) => e);

    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as ModelError).status).toBe(503);
    expect((error as ModelError).retryable).toBe(true);
    expect(server.requests).toHaveLength(4);
    expect(server.pendingSteps).toBe(0);
    const retries = retriesOf(events);
    expect(retries.map((e) => [e.attempt, e.error.status])).toEqual([
      [1, 503],
      [2, 502],
      [3, 500],
    ]);
    // Full jitter under a ceiling that doubles: 8, 16, 32.
    retries.forEach((e, i) => {
      expect(e.delayMs).toBeLessThan(8 * 2 ** i);
    });
    expect(events.filter((e) => e.type === 'run:error')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'run:end')).toHaveLength(0);
  });

  it('maxRetries: 0 turns retries off', async () => {
    server.reply({ status: 500 }, { content: 'never asked' });
    const { agent, events } = agentWith({ maxRetries: 0 });
    const error = await agent.run('Hi').catch((e: unknown) => e);
    expect(ModelError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(retriesOf(events)).toEqual([]);
  });
});

describe('permanent faults fail at once', () => {
  const permanent: [number, string][] = [
    [400, "Invalid value for 'temperature': must be at most 2."],
    [401, 'Incorrect API key provided.'],
    [403, 'You are not allowed to sample from this model'],
    [404, 'The model `gpt-4o-mini` does not exist or you do not have access to it.'],
  ];

  it.each(permanent)('%i fails with a ModelError after one request', async (status, message) => {
    server.reply(
      {
        status,
        body: { error: { message, type: 'invalid_request_error', param: null, code: null } },
      },
      { content: 'never asked' },
    );
    const { agent, events } = agentWith(FAST);
    const error = await agent.run('Hi').catch((e: unknown) => e);

    expect(ModelError.isInstance(error)).toBe(true);
    const modelError = error as ModelError;
    expect(modelError.status).toBe(status);
    expect(modelError.retryable).toBe(false);
    expect(modelError.providerMessage).toBe(message);
    expect(modelError.message).toContain(`HTTP ${status}`);
    expect(modelError.message).toContain(message);
    expect(server.requests).toHaveLength(1);
    expect(retriesOf(events)).toEqual([]);
    expect(events.filter((e) => e.type === 'run:error')).toHaveLength(1);
  });
});

describe('the API key appears nowhere', () => {
  function everywhere(error: unknown, events: AgentEvent[]): string {
    const causes: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      causes.push(e.message, String(e.stack), inspect(e, { depth: 20 }));
    }
    return [
      String(error),
      (error as Error).message,
      JSON.stringify(error),
      inspect(error, { depth: 20, showHidden: true }),
      ...causes,
      JSON.stringify(events),
      inspect(events, { depth: 20 }),
    ].join('\n');
  }

  it('not when the provider echoes it in a 401', async () => {
    server.reply({
      status: 401,
      headers: { 'x-echo': `Bearer ${API_KEY}` },
      body: {
        error: {
          message: `Incorrect API key provided: ${API_KEY}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    });
    const { agent, events } = agentWith(FAST);
    const error = await agent.run('Hi').catch((e: unknown) => e);

    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as ModelError).status).toBe(401);
    expect((error as ModelError).providerMessage).toContain('Incorrect API key provided');
    expect(events.some((e) => e.type === 'run:error')).toBe(true);
    expect(everywhere(error, events)).not.toContain(API_KEY);
    expect(everywhere(error, events)).not.toContain('SECRET');
  });

  it('not after retries of faults that echo it, in errors or in any event', async () => {
    const echo = (status: number): Step => ({
      status,
      body: `upstream said: bad token ${API_KEY}`,
    });
    server.reply(echo(500), echo(429), echo(503));
    const { agent, events } = agentWith({ ...FAST, maxRetries: 2 });
    const error = await agent.run('Hi').catch((e: unknown) => e);

    expect(ModelError.isInstance(error)).toBe(true);
    expect(retriesOf(events)).toHaveLength(2);
    expect(retriesOf(events)[0]?.error.message).toContain('[redacted]');
    expect(everywhere(error, events)).not.toContain(API_KEY);
  });

  it('not when the server itself rejects a wrong key', async () => {
    const keyed = await startTestServer({ apiKey: 'sk-the-right-one' });
    try {
      const agent = new Agent({
        name: 'wrong-key',
        model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: keyed.url }),
        retry: FAST,
      });
      const events: AgentEvent[] = [];
      agent.on('*', (e) => {
        events.push(e);
      });
      const error = await agent.run('Hi').catch((e: unknown) => e);
      expect((error as ModelError).status).toBe(401);
      expect(keyed.requests).toHaveLength(1);
      expect(everywhere(error, events)).not.toContain(API_KEY);
    } finally {
      await keyed.close();
    }
  });
});

describe('a retry never runs a tool twice', () => {
  it('a model call retried after a tool turn does not re-run the tool', async () => {
    let runs = 0;
    server.reply(
      { toolCalls: [{ id: 'call_once', name: 'charge', arguments: { cents: 500 } }] },
      { status: 500 },
      { reset: true },
      { status: 429, headers: { 'retry-after-ms': '1' } },
      { content: 'Charged once.' },
    );
    const charge = tool({
      name: 'charge',
      description: 'Charges a card',
      parameters: z.object({ cents: z.number() }),
      execute: ({ cents }) => {
        runs += 1;
        return `charged ${cents}`;
      },
    });
    const { agent, events } = agentWith(FAST, [charge]);
    const result = await agent.run('Charge 5 euros.');

    expect(result.text).toBe('Charged once.');
    expect(runs).toBe(1);
    expect(result.toolCalls).toHaveLength(1);
    expect(events.filter((e) => e.type === 'tool:start')).toHaveLength(1);
    expect(retriesOf(events).map((e) => [e.turn, e.attempt])).toEqual([
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    expect(server.requests).toHaveLength(5);
    const resent = server.requests.slice(1).map((r) => r.body);
    for (const body of resent) expect(body).toEqual(resent[0]);
    expect(resent[0]?.messages.filter((m) => m.role === 'tool')).toEqual([
      { role: 'tool', tool_call_id: 'call_once', content: 'charged 500' },
    ]);
    expect(server.requests.every((r) => r.rejected === undefined)).toBe(true);
  });
});
