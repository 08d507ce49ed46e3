/**
 * Fault injection over HTTP: every transient fault (429 with and without retry headers, 5xx, a
 * reset connection, a cut reply, a reply slower than the request timeout) and every permanent one
 * (400, 401, 403, 404, a body that is not JSON), injected on the second model call of a run, after
 * its first turn ran tools. In both modes (`run` and `stream`) the run completes, or fails with
 * the documented `ModelError`; no tool runs twice; no rejection goes unhandled; the session store
 * holds every completed turn, as a valid request.
 */
import { Agent, ModelError, openai } from '@agentloop/core';
import { InMemoryStore } from '@agentloop/memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Step, startTestServer, type TestServer } from '../support/index.js';
import { validateChatRequest } from '../support/validate-request.js';
import {
  countingTool,
  eventTypes,
  type RunMode,
  type Settled,
  settle,
  watchUnhandledRejections,
} from './fault-harness.js';

const API_KEY = 'sk-fault-test-0123456789abcdefghijklmnop';
const FIRST_TURN: Step = {
  toolCalls: [
    { id: 'call_a', name: 'lookup', arguments: { key: 'a' } },
    { id: 'call_b', name: 'lookup', arguments: { key: 'b' } },
  ],
};
const ANSWER: Step = { content: 'Both keys found.' };
const MODES: RunMode[] = ['run', 'stream'];

let server: TestServer;
const unhandled = watchUnhandledRejections();
beforeEach(async () => {
  server = await startTestServer();
  unhandled.start();
});
afterEach(async () => {
  await server.close();
  await unhandled.stop();
  expect(unhandled.seen).toEqual([]);
  unhandled.seen.length = 0;
});

/**
 * One run of the scripted conversation with a store, a counting tool and fast retries. The clock
 * is real: the retry waits and the request timeout race a real socket, which a fake clock would
 * run ahead of. They are a few milliseconds, and nothing here asserts how long anything took.
 */
async function runWith(
  mode: RunMode,
  steps: Step[],
  { timeoutMs, retry }: { timeoutMs?: number; retry?: Record<string, number> } = {},
) {
  server.reply(...steps);
  const counter = countingTool();
  const store = new InMemoryStore();
  const agent = new Agent({
    name: 'faults',
    model: openai('gpt-4o-mini', {
      apiKey: API_KEY,
      baseURL: server.url,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    }),
    tools: [counter.tool],
    memory: { store },
    retry: { baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 50, ...retry },
  });
  const settled: Settled = await settle(agent, 'Look up a and b.', mode, { sessionId: 's1' });
  const stored = await store.load('s1');
  return { settled, counter, stored };
}

/** What every run must satisfy, whatever its outcome. */
function expectInvariants({ settled, counter, stored }: Awaited<ReturnType<typeof runWith>>) {
  // No tool ran twice: each call id of the first turn ran exactly once.
  expect(Object.fromEntries(counter.runs)).toEqual({ call_a: 1, call_b: 1 });
  // Exactly one of run:end / run:error ends the run.
  const endings = eventTypes(settled.events).filter((t) => t === 'run:end' || t === 'run:error');
  expect(endings).toEqual([settled.ok ? 'run:end' : 'run:error']);
  // The store holds every completed turn, and they form a valid request.
  const completedTurns = settled.events.filter((e) => e.type === 'turn:end').length;
  expect(completedTurns).toBeGreaterThanOrEqual(1);
  expect(stored[0]).toEqual({ role: 'user', content: 'Look up a and b.' });
  expect(stored.filter((m) => m.role === 'assistant')).toHaveLength(completedTurns);
  expect(stored.filter((m) => m.role === 'tool')).toHaveLength(2);
  expect(validateChatRequest({ model: 'gpt-4o-mini', messages: stored })).toEqual({ ok: true });
}

function retries(settled: Settled) {
  return settled.events.flatMap((e) => (e.type === 'model:retry' ? [e] : []));
}

describe.each(MODES)('transient faults are retried (%s)', (mode) => {
  const transient: Array<[string, Step[], { timeoutMs?: number; delayMs?: number }?]> = [
    ['429 without retry headers', [{ status: 429 }]],
    [
      '429 with retry-after-ms',
      [{ status: 429, headers: { 'retry-after-ms': '20' } }],
      { delayMs: 20 },
    ],
    // retry-after in seconds (1 s) is honoured up to maxRetryAfterMs (50 ms here).
    ['429 with retry-after', [{ status: 429, headers: { 'retry-after': '1' } }], { delayMs: 50 }],
    ['500', [{ status: 500 }]],
    ['502 with an HTML body', [{ status: 502, body: '<html><h1>502 Bad Gateway</h1></html>' }]],
    ['503', [{ status: 503 }]],
    ['a connection reset', [{ reset: true }]],
    [
      'a reply slower than the request timeout',
      [{ ...ANSWER, delayMs: 3_000 }],
      { timeoutMs: 150 },
    ],
    ['500, reset and 429 in a row', [{ status: 500 }, { reset: true }, { status: 429 }]],
  ];

  it.each(transient)(
    '%s: the run completes and the retry re-sends the same request',
    async (_name, faults, expected = {}) => {
      const outcome = await runWith(mode, [FIRST_TURN, ...faults, ANSWER], {
        ...(expected.timeoutMs !== undefined ? { timeoutMs: expected.timeoutMs } : {}),
      });
      const { settled } = outcome;
      if (!settled.ok) throw settled.error;
      expect(settled.result.text).toBe('Both keys found.');
      expectInvariants(outcome);
      expect(outcome.stored).toEqual(settled.result.newMessages);

      const seen = retries(settled);
      expect(seen.map((r) => r.attempt)).toEqual(faults.map((_, i) => i + 1));
      if (expected.delayMs !== undefined) expect(seen[0]?.delayMs).toBe(expected.delayMs);
      // 1 first turn + the faulty attempts + the successful retry, all with the same messages.
      const requests = server.requests.filter((r) => !r.rejected);
      expect(requests).toHaveLength(2 + faults.length);
      const resent = requests.slice(1).map((r) => JSON.stringify(r.body.messages));
      expect(new Set(resent).size).toBe(1);
    },
  );

  it('a reply cut half-way is retried before anything was shown, and fails after', async () => {
    const cut: Step = { content: 'Both keys found, and a long tail of text.', cutAfterChunks: 2 };
    const outcome = await runWith(mode, [FIRST_TURN, cut, ANSWER]);
    const { settled } = outcome;
    expectInvariants(outcome);
    if (mode === 'run') {
      // A JSON body cut in half is a connection fault: nothing was shown, so it is retried.
      if (!settled.ok) throw settled.error;
      expect(settled.result.text).toBe('Both keys found.');
      expect(retries(settled)).toHaveLength(1);
    } else {
      // Deltas were already streamed: a retry would repeat them, so the run fails, typed.
      expect(settled.ok).toBe(false);
      const error = (settled as { error: unknown }).error;
      expect(ModelError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'model_error', midStream: true, retryable: false });
      expect(settled.events.some((e) => e.type === 'text:delta')).toBe(true);
      expect(server.pendingSteps).toBe(1);
    }
  });

  it('a fault that outlasts the retries fails with a retryable ModelError', async () => {
    const faults: Step[] = [{ status: 503 }, { status: 503 }, { status: 503 }];
    const outcome = await runWith(mode, [FIRST_TURN, ...faults], { retry: { maxRetries: 2 } });
    const { settled } = outcome;
    expect(settled.ok).toBe(false);
    const error = (settled as { error: unknown }).error;
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'model_error', status: 503, retryable: true });
    expect(retries(settled)).toHaveLength(2);
    expectInvariants(outcome);
  });
});

describe.each(MODES)('permanent faults fail at once (%s)', (mode) => {
  const permanent: Array<[string, Step, number | undefined]> = [
    ['400', { status: 400 }, 400],
    ['401', { status: 401 }, 401],
    ['403', { status: 403 }, 403],
    ['404', { status: 404 }, 404],
  ];
  if (mode === 'run') {
    // With `stream: true` the client reads any 200 body as SSE; only the plain call sees it whole.
    permanent.push([
      'a 200 body that is not JSON',
      { status: 200, body: '<html>maintenance</html>' },
      undefined,
    ]);
  }

  it.each(permanent)('%s: a ModelError, no retry, no key in it', async (_name, fault, status) => {
    const outcome = await runWith(mode, [FIRST_TURN, fault, ANSWER]);
    const { settled } = outcome;
    expect(settled.ok).toBe(false);
    const error = (settled as { error: unknown }).error;
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'model_error', retryable: false });
    expect((error as ModelError).status).toBe(status);
    expect(retries(settled)).toEqual([]);
    expect(server.pendingSteps).toBe(1);
    const serialized = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
    expect(serialized).not.toContain(API_KEY);
    expectInvariants(outcome);
    expect(outcome.stored.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
  });

  if (mode === 'stream') {
    it('a server that ignores stream: true and sends one JSON completion still answers', async () => {
      const whole: Step = {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 0,
          model: 'gpt-4o-mini',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: 'Whole answer.', refusal: null },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
          usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
        }),
      };
      const outcome = await runWith(mode, [FIRST_TURN, whole]);
      expect(outcome.settled.ok).toBe(true);
      expect((outcome.settled as { result: { text: string } }).result.text).toBe('Whole answer.');
      expectInvariants(outcome);
    });

    it('a 200 body that is not SSE fails at once with a ModelError naming what came back', async () => {
      const html: Step = {
        status: 200,
        body: '<html>maintenance</html>',
        headers: { 'content-type': 'text/html' },
      };
      const outcome = await runWith(mode, [FIRST_TURN, html]);
      const { settled } = outcome;
      expect(settled.ok).toBe(false);
      const error = (settled as { error: unknown }).error;
      expect(ModelError.isInstance(error)).toBe(true);
      expect((error as ModelError).retryable).toBe(false);
      expect((error as ModelError).message).toMatch(
        /not server-sent events.*text\/html.*maintenance/,
      );
      expect(retries(settled)).toHaveLength(0);
      expectInvariants(outcome);
    });
  }
});
