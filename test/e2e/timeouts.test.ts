/**
 * Issue 11 point 8 end to end, through the real `openai` client against the test server: a
 * server that accepts the connection and never answers, a stream that sends a chunk and then
 * only `: keep-alive` comments, and a stream of nothing but comments each end within a few
 * multiples of their bound, with a typed `ModelError`, and the request is cancelled (the server
 * sees the client leave). The client is told the bound, so its own 10 minutes never decide.
 */
import {
  Agent,
  type AgentEvent,
  type AgentOptions,
  DeadlineExceededError,
  ModelError,
  openai,
  type RunOptions,
} from '@agentloop/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../support/index.js';

// A real clock here, unlike test/core/model-timeouts.test.ts: the bounds race a real socket
// (the request, the server's keep-alive comments, the client's cancel), which a fake clock would
// run ahead of. So the bounds are short but real, and a run's time is checked as a multiple of
// the bounds it had to wait for, with a generous margin above.
const API_KEY = 'sk-test-timeouts';
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 5 };
/** How many times the bounds it must wait for a run may take (a loaded machine). */
const SLACK = 5;

/**
 * Asserts that a run took `count` bounds of `boundMs`: not less (a real timer never fires early,
 * beyond rounding), and not more than SLACK times that.
 */
function expectBounds(elapsed: number, boundMs: number, count: number): void {
  const ratio = elapsed / (boundMs * count);
  expect(ratio).toBeGreaterThanOrEqual(0.98);
  expect(ratio).toBeLessThan(SLACK);
}
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY });
});
afterEach(() => server.close());

function agentWith(options: Omit<AgentOptions, 'name' | 'model'> = {}): Agent {
  return new Agent({
    name: 'bounded',
    model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url }),
    ...options,
  });
}

async function settle(agent: Agent, mode: 'run' | 'stream', options: RunOptions = {}) {
  const events: AgentEvent[] = [];
  const hooks = { onEvent: (event: AgentEvent) => void events.push(event) };
  const started = performance.now();
  try {
    if (mode === 'run') {
      const result = await agent.run('Hi', { ...options, hooks });
      return { result, error: undefined, events, elapsed: performance.now() - started };
    }
    const stream = agent.stream('Hi', { ...options, hooks });
    for await (const _event of stream) {
      // Drain.
    }
    const result = await stream.result;
    return { result, error: undefined, events, elapsed: performance.now() - started };
  } catch (error) {
    return { result: undefined, error, events, elapsed: performance.now() - started };
  }
}

const retriesOf = (events: AgentEvent[]) =>
  events.flatMap((e) => (e.type === 'model:retry' ? [e] : []));

describe('a server that accepts the connection and never answers', () => {
  it.each(['run', 'stream'] as const)(
    '%s(): each attempt ends at firstByteMs, is retried, and its request is cancelled',
    async (mode) => {
      server.reply({ hang: true }, { hang: true }, { hang: true });
      const agent = agentWith({
        retry: { maxRetries: 2, ...FAST_RETRY },
        timeouts: { firstByteMs: 300 },
      });
      const outcome = await settle(agent, mode);

      expect(ModelError.isInstance(outcome.error)).toBe(true);
      const error = outcome.error as ModelError;
      expect(error).toMatchObject({ timeout: 'first_byte', timeoutMs: 300, retryable: true });
      // Three attempts, two retries announced.
      expect(retriesOf(outcome.events)).toHaveLength(2);
      // Three bounds must pass; a few more at most.
      expectBounds(outcome.elapsed, 300, 3);
      // Every request was cancelled, releasing its socket: nothing hangs at the server, which
      // saw the client abandon each request that reached it. (On a loaded machine a request
      // may not reach the server within the bound at all.)
      await server.idle();
      expect(server.active).toBe(0);
      expect(server.requests.length).toBeGreaterThanOrEqual(1);
      expect(server.aborted).toBeGreaterThanOrEqual(server.requests.length);
    },
  );

  it('deadlineMs ends the run there, cancelling the request, with DeadlineExceededError', async () => {
    server.reply({ hang: true });
    const agent = agentWith();
    const outcome = await settle(agent, 'run', { deadlineMs: 200 });
    expect(DeadlineExceededError.isInstance(outcome.error)).toBe(true);
    expectBounds(outcome.elapsed, 200, 1);
    expect(outcome.events.filter((e) => e.type === 'run:error')).toHaveLength(1);
    await server.idle();
    expect(server.active).toBe(0);
    expect(server.aborted).toBe(server.requests.length);
  });
});

describe('keep-alive comments are not data', () => {
  it('a chunk of text, then only `: keep-alive`: the stream fails at idleMs, mid-stream', async () => {
    server.reply({
      content: 'A long answer that stalls after its first words.',
      stallAfterChunks: 2,
      keepAliveMs: 10,
    });
    const agent = agentWith({ retry: { maxRetries: 2, ...FAST_RETRY }, timeouts: { idleMs: 250 } });
    const outcome = await settle(agent, 'stream');

    expect(ModelError.isInstance(outcome.error)).toBe(true);
    const error = outcome.error as ModelError;
    expect(error).toMatchObject({ timeout: 'idle', timeoutMs: 250, midStream: true });
    expect(error.retryable).toBe(false);
    expect(error.partialText.length).toBeGreaterThan(0);
    // Comments kept flowing (every 10 ms, far more often than the bound; a loaded machine may
    // delay them) and did not keep the stream alive.
    expect(server.requests[0]?.keepAlives).toBeGreaterThanOrEqual(1);
    expect(server.requests).toHaveLength(1);
    expectBounds(outcome.elapsed, 250, 1);
    await server.idle();
    expect(server.aborted).toBe(1);
  });

  it('the role chunk, then only comments: nothing was shown, so the retry recovers', async () => {
    server.reply(
      { content: 'never finished', stallAfterChunks: 1, keepAliveMs: 10 },
      { content: 'Recovered.' },
    );
    const agent = agentWith({ retry: { maxRetries: 2, ...FAST_RETRY }, timeouts: { idleMs: 300 } });
    const outcome = await settle(agent, 'stream');
    expect(outcome.error).toBeUndefined();
    expect(outcome.result?.text).toBe('Recovered.');
    const [retry] = retriesOf(outcome.events);
    expect(retry?.error.message).toMatch(/sent no data for 300 ms \(timeouts\.idleMs\)/);
    expect(server.requests[0]?.keepAlives).toBeGreaterThanOrEqual(1);
    expectBounds(outcome.elapsed, 300, 1);
  });

  it('a stream of nothing but comments fails at firstByteMs and is retried', async () => {
    server.reply(
      { content: 'never sent', stallAfterChunks: 0, keepAliveMs: 10 },
      { content: 'Recovered.' },
    );
    const agent = agentWith({
      retry: { maxRetries: 2, ...FAST_RETRY },
      timeouts: { firstByteMs: 200, idleMs: 10_000 },
    });
    const outcome = await settle(agent, 'stream');
    expect(outcome.result?.text).toBe('Recovered.');
    const [retry] = retriesOf(outcome.events);
    expect(retry?.error.message).toMatch(
      /no data within 200 ms .*Keep-alive comments do not count/,
    );
    expect(server.requests[0]?.keepAlives).toBeGreaterThanOrEqual(1);
    expectBounds(outcome.elapsed, 200, 1);
  });
});

describe("the openai client's own timeout follows the bound", () => {
  // The client arms a timer of its timeout for every request; the delays of the timers armed
  // while `work` runs show it.
  const timerDelays = async (work: () => Promise<unknown>) => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    try {
      await work();
      return spy.mock.calls.map((call) => call[1]);
    } finally {
      spy.mockRestore();
    }
  };
  // A request given a timeout of its own announces it in `x-stainless-timeout`, an extra header
  // per request; the client is given the bound once instead.
  const announced = () => server.requests.map((r) => r.headers['x-stainless-timeout']);

  it('a bound beyond the client default of 10 minutes is not cut short by it', async () => {
    server.reply({ content: 'a' }, { content: 'b' });
    const agent = agentWith({ timeouts: { firstByteMs: 1_200_000 } });
    const delays = await timerDelays(async () => {
      await agent.run('Hi');
      await agent.stream('Hi').result;
    });
    expect(delays.filter((ms) => ms === 1_201_000)).toHaveLength(2);
    expect(delays).not.toContain(600_000 + 1_000);
    expect(announced()).toEqual([undefined, undefined]);
  });

  it('by default, the first-byte bound of the mode plus a second', async () => {
    server.reply({ content: 'a' }, { content: 'b' });
    const agent = agentWith();
    const delays = await timerDelays(async () => {
      await agent.run('Hi');
      await agent.stream('Hi').result;
    });
    expect(delays).toContain(601_000);
    expect(delays).toContain(301_000);
    // The client holds the first call's timeout; the stream's differs, so it is sent.
    expect(announced()).toEqual([undefined, '301']);
  });

  it("openai({ timeoutMs }) still sets the client's timeout when given", async () => {
    server.reply({ content: 'a' });
    const agent = new Agent({
      name: 'own-timeout',
      model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url, timeoutMs: 45_000 }),
    });
    const delays = await timerDelays(() => agent.run('Hi'));
    expect(delays).toContain(45_000);
    expect(announced()).toEqual([undefined]);
  });
});
