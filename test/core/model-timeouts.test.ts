/**
 * Issue 11 point 8, in the loop: every model call is bounded (time to first data, time between
 * data chunks), whatever the `Model`; a bound that fires cancels the request and fails the
 * attempt with a typed, retryable `ModelError`, so the retry policy applies and a run against a
 * silent model ends within a few multiples of the bound. Fake timers: nothing here sleeps.
 */
import {
  Agent,
  type AgentEvent,
  DEFAULT_MODEL_TIMEOUTS,
  type Model,
  type ModelCallOptions,
  ModelError,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamEvent,
  type RunOptions,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore } from '@agentloop/memory';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const ANSWER: ModelResponse = {
  message: { role: 'assistant', content: 'Done.' },
  finishReason: 'stop',
};

type StreamScript = (options: ModelCallOptions) => AsyncIterable<ModelStreamEvent>;

/** A model whose calls are scripted per attempt, recording the options of every call. */
class ProbeModel implements Model {
  readonly name = 'probe';
  readonly calls: ModelCallOptions[] = [];
  constructor(
    private readonly scripts: {
      generate?: (options: ModelCallOptions, attempt: number) => Promise<ModelResponse>;
      stream?: (options: ModelCallOptions, attempt: number) => AsyncIterable<ModelStreamEvent>;
    },
  ) {}
  generate(_request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    this.calls.push(options);
    const script = this.scripts.generate;
    if (!script) throw new Error('no generate script');
    return script(options, this.calls.length - 1);
  }
  stream(_request: ModelRequest, options: ModelCallOptions = {}): AsyncIterable<ModelStreamEvent> {
    this.calls.push(options);
    const script = this.scripts.stream;
    if (!script) throw new Error('no stream script');
    return script(options, this.calls.length - 1);
  }
}

/** Never settles, unless its signal aborts (when `honour`). */
function silence(signal: AbortSignal | undefined, honour = true): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (honour) signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** A stream that yields `events`, then waits forever (until its signal aborts). */
function stallingStream(
  before: (options: ModelCallOptions) => ModelStreamEvent[] | Promise<ModelStreamEvent[]>,
): StreamScript {
  return async function* (options) {
    for (const event of await before(options)) yield event;
    await silence(options.signal);
  };
}

/** Runs `agent` in a mode and settles with the outcome, the events and the fake time it took. */
async function settle(
  agent: Agent,
  mode: 'run' | 'stream',
  options: RunOptions = {},
  drive?: (pending: Promise<unknown>) => Promise<void>,
) {
  const events: AgentEvent[] = [];
  const started = Date.now();
  const hooks = { onEvent: (event: AgentEvent) => void events.push(event) };
  const pending = (async () => {
    if (mode === 'run') return agent.run('go', { ...options, hooks });
    const stream = agent.stream('go', { ...options, hooks });
    for await (const _event of stream) {
      // Drain.
    }
    return stream.result;
  })().then(
    (result) => ({ ok: true as const, result, error: undefined }),
    (error: unknown) => ({ ok: false as const, result: undefined, error }),
  );
  let done = false;
  void pending.then(() => {
    done = true;
  });
  if (drive) await drive(pending);
  // Advance fake time from timer to timer until the run settles (bounded, so a hang fails).
  for (let i = 0; i < 10_000 && !done; i++) await vi.advanceTimersToNextTimerAsync();
  const outcome = await pending;
  return { ...outcome, events, elapsed: Date.now() - started };
}

const FAST_RETRY = { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 10 };

function expectTimeout(error: unknown, kind: 'first_byte' | 'idle', ms: number): ModelError {
  expect(ModelError.isInstance(error)).toBe(true);
  const modelError = error as ModelError;
  expect(modelError.timeout).toBe(kind);
  expect(modelError.timeoutMs).toBe(ms);
  expect(modelError.toJSON()).toMatchObject({ timeout: kind, timeoutMs: ms });
  return modelError;
}

describe('time to first byte', () => {
  it('run(): a model that never answers is cancelled at firstByteMs and retried; the run ends within a few bounds', async () => {
    const model = new ProbeModel({ generate: (options) => silence(options.signal) });
    const agent = new Agent({
      name: 't',
      model,
      retry: FAST_RETRY,
      timeouts: { firstByteMs: 1000 },
    });
    const outcome = await settle(agent, 'run');

    const error = expectTimeout(outcome.error, 'first_byte', 1000);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/did not answer within 1000 ms \(timeouts\.firstByteMs\)/);
    // Three attempts (maxRetries 2), each announced, each request cancelled through its signal,
    // although the run itself was given no signal.
    expect(model.calls).toHaveLength(3);
    expect(model.calls.every((call) => call.signal?.aborted)).toBe(true);
    const retries = outcome.events.filter((e) => e.type === 'model:retry');
    expect(retries).toHaveLength(2);
    expect(retries[0]?.type === 'model:retry' && retries[0].error.message).toMatch(/firstByteMs/);
    // 3 bounds plus 2 backoffs of at most 10 ms.
    expect(outcome.elapsed).toBeGreaterThanOrEqual(3000);
    expect(outcome.elapsed).toBeLessThanOrEqual(3 * 1000 + 2 * 10);
    expect(outcome.events.filter((e) => e.type === 'run:error')).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('holds even for a model that ignores its signal', async () => {
    const model = new ProbeModel({ generate: (options) => silence(options.signal, false) });
    const agent = new Agent({
      name: 't',
      model,
      retry: { maxRetries: 0 },
      timeouts: { firstByteMs: 500 },
    });
    const outcome = await settle(agent, 'run');
    expectTimeout(outcome.error, 'first_byte', 500);
    expect(outcome.elapsed).toBe(500);
  });

  it('stream(): a stream that never yields is cancelled at firstByteMs and retried', async () => {
    const model = new ProbeModel({ stream: stallingStream(() => []) });
    const agent = new Agent({
      name: 't',
      model,
      retry: FAST_RETRY,
      timeouts: { firstByteMs: 800 },
    });
    const outcome = await settle(agent, 'stream');
    const error = expectTimeout(outcome.error, 'first_byte', 800);
    expect(error.midStream).toBe(false);
    expect(model.calls).toHaveLength(3);
    expect(model.calls.every((call) => call.signal?.aborted)).toBe(true);
    expect(outcome.elapsed).toBeLessThanOrEqual(3 * 800 + 2 * 10);
  });

  it('tells the model the bound, so an HTTP client of its own does not give up sooner', async () => {
    const model = new ProbeModel({ generate: async () => ANSWER });
    const agent = new Agent({ name: 't', model, timeouts: { firstByteMs: 1_200_000 } });
    await agent.run('go');
    expect(model.calls[0]?.timeoutMs).toBe(1_200_000);
  });

  it('a reply that arrives in time passes, and leaves no timer behind', async () => {
    const model = new ScriptedModel(['Hello.'], { delayMs: 900 });
    const agent = new Agent({ name: 't', model, timeouts: { firstByteMs: 1000 } });
    const run = await settle(agent, 'run');
    expect(run.result?.text).toBe('Hello.');
    const streamed = await settle(
      new Agent({
        name: 't',
        model: new ScriptedModel(['Hello.'], { delayMs: 900 }),
        timeouts: { firstByteMs: 1000 },
      }),
      'stream',
    );
    expect(streamed.result?.text).toBe('Hello.');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('time between data chunks', () => {
  it('a stream that shows text and then goes quiet fails at idleMs, midStream, not retried', async () => {
    const model = new ProbeModel({
      stream: stallingStream(() => [{ type: 'text-delta', delta: 'Partial ans' }]),
    });
    const agent = new Agent({
      name: 't',
      model,
      retry: FAST_RETRY,
      timeouts: { firstByteMs: 10_000, idleMs: 700 },
    });
    const outcome = await settle(agent, 'stream');
    const error = expectTimeout(outcome.error, 'idle', 700);
    expect(error.midStream).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.partialText).toBe('Partial ans');
    expect(error.message).toMatch(/stalled: no data for 700 ms \(timeouts\.idleMs\)/);
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.signal?.aborted).toBe(true);
    // The idle bound, not the (much longer) first-byte bound, ended it.
    expect(outcome.elapsed).toBe(700);
  });

  it('a stream that sent only data without events (a role chunk) and then went quiet is retried', async () => {
    const model = new ProbeModel({
      stream: stallingStream((options) => {
        options.onChunk?.();
        return [];
      }),
    });
    const agent = new Agent({
      name: 't',
      model,
      retry: FAST_RETRY,
      timeouts: { firstByteMs: 10_000, idleMs: 400 },
    });
    const outcome = await settle(agent, 'stream');
    const error = expectTimeout(outcome.error, 'idle', 400);
    expect(error.retryable).toBe(true);
    expect(error.midStream).toBe(false);
    expect(model.calls).toHaveLength(3);
    expect(outcome.elapsed).toBeLessThanOrEqual(3 * 400 + 2 * 10);
  });

  it('data chunks without events (reasoning) keep a stream alive past idleMs and firstByteMs', async () => {
    const model = new ProbeModel({
      stream: async function* (options) {
        // 3 s of "reasoning": a data chunk every 200 ms, no event.
        for (let i = 0; i < 15; i++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          options.onChunk?.();
        }
        yield { type: 'text-delta', delta: 'Done.' };
        yield { type: 'response', response: ANSWER };
      },
    });
    const agent = new Agent({
      name: 't',
      model,
      timeouts: { firstByteMs: 1000, idleMs: 500 },
    });
    const outcome = await settle(agent, 'stream');
    expect(outcome.error).toBeUndefined();
    expect(outcome.result?.text).toBe('Done.');
    expect(outcome.elapsed).toBeGreaterThanOrEqual(3000);
  });

  it('a slow consumer is not the model being idle: time waiting for the reader is not counted', async () => {
    const text = 'one two three four five six seven eight nine ten';
    const model = new ScriptedModel([text]);
    const agent = new Agent({ name: 't', model, timeouts: { firstByteMs: 1000, idleMs: 300 } });
    const stream = agent.stream('go', { highWaterMark: 2 });
    const deltas: string[] = [];
    const reading = (async () => {
      for await (const event of stream) {
        if (event.type !== 'text:delta') continue;
        deltas.push(event.delta);
        // The reader takes 10 times the idle bound for each delta; the loop stops reading
        // the model meanwhile (backpressure), which must not count against the model.
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    })();
    let done = false;
    void reading.finally(() => {
      done = true;
    });
    for (let i = 0; i < 10_000 && !done; i++) await vi.advanceTimersByTimeAsync(100);
    await reading;
    expect(deltas.join('')).toBe(text);
    expect((await stream.result).text).toBe(text);
  });
});

describe('defaults', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_MODEL_TIMEOUTS).toEqual({
      firstByteMs: { run: 600_000, stream: 300_000 },
      idleMs: 120_000,
    });
  });

  it.each([
    ['run', 600_000],
    ['stream', 300_000],
  ] as const)(
    '%s(): a silent model is cancelled at the default first-byte bound (%i ms)',
    async (mode, bound) => {
      const model = new ProbeModel({
        generate: (options) => silence(options.signal),
        stream: stallingStream(() => []),
      });
      const agent = new Agent({ name: 't', model, retry: { maxRetries: 0 } });
      const outcome = await settle(agent, mode);
      expectTimeout(outcome.error, 'first_byte', bound);
      expect(outcome.elapsed).toBe(bound);
      expect(model.calls[0]?.timeoutMs).toBe(bound);
    },
  );

  it('stream(): a started stream that goes quiet is cancelled at the default idle bound', async () => {
    const model = new ProbeModel({
      stream: stallingStream(() => [{ type: 'text-delta', delta: 'Hi' }]),
    });
    const agent = new Agent({ name: 't', model, retry: { maxRetries: 0 } });
    const outcome = await settle(agent, 'stream');
    expectTimeout(outcome.error, 'idle', 120_000);
    expect(outcome.elapsed).toBe(120_000);
  });
});

describe('per-run override', () => {
  it("a run's timeouts win over the agent's, bound by bound", async () => {
    const model = new ProbeModel({
      stream: stallingStream(() => [{ type: 'text-delta', delta: 'Hi' }]),
    });
    const agent = new Agent({
      name: 't',
      model,
      retry: { maxRetries: 0 },
      timeouts: { firstByteMs: 5000, idleMs: 5000 },
    });
    const outcome = await settle(agent, 'stream', { timeouts: { idleMs: 250 } });
    expectTimeout(outcome.error, 'idle', 250);
    expect(model.calls[0]?.timeoutMs).toBe(5000);
  });
});

describe('summaries', () => {
  it('a summary written by the agent model is bounded like any model call', async () => {
    const store = new InMemoryStore();
    const long = 'word '.repeat(400);
    await store.append('s', [
      { role: 'user', content: long },
      { role: 'assistant', content: long },
      { role: 'user', content: long },
      { role: 'assistant', content: long },
    ]);
    const model = new ProbeModel({ generate: (options) => silence(options.signal) });
    const agent = new Agent({
      name: 't',
      model,
      memory: { store, maxTokens: 1500, reserveOutputTokens: 100, summarize: true },
      timeouts: { firstByteMs: 900 },
    });
    const outcome = await settle(agent, 'run', { sessionId: 's' });
    expectTimeout(outcome.error, 'first_byte', 900);
    expect(outcome.elapsed).toBe(900);
    // The one call made was the summary's, and it was cancelled.
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.signal?.aborted).toBe(true);
  });
});
