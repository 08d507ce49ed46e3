import type { WireEvent } from '@agentloop/core';
import { RedisUnavailableError, RunQueue, RunQueueError, RunWorker } from '@agentloop/redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deferred } from '../support/deferred.js';
import { findRedis, uniquePrefix } from '../support/redis.js';
import { actAgent, removeKeys } from './queue-support.js';

const redis = await findRedis();

/** A tool body that logs each call's text and answers `answer(text)`. */
function logTo(calls: string[], answer: (text: string) => string = () => 'ok') {
  return async ({ text }: { text: string }) => {
    calls.push(text);
    return answer(text);
  };
}

describe.skipIf(!redis.url)(`RunQueue and RunWorker (${redis.reason})`, () => {
  const url = redis.url as string;
  let prefix: string;
  const closers: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await removeKeys(url, prefix);
  });
  afterAll(() => redis.stop());

  function setUp(agents: Parameters<typeof actAgent>[0][], { workers = 1 } = {}) {
    prefix = uniquePrefix('queue');
    const queue = new RunQueue({ connection: url, prefix });
    closers.push(() => queue.close());
    const built = Object.fromEntries(agents.map((a) => [a.name ?? 'actor', actAgent(a)]));
    const start = () => {
      const worker = new RunWorker({
        connection: url,
        prefix,
        agents: built,
        concurrency: 4,
      });
      closers.push(() => worker.close());
      return worker;
    };
    for (let i = 0; i < workers; i++) start();
    return { queue, start };
  }

  async function collect(queue: RunQueue, runId: string, after?: string) {
    const got: { id: string; event: WireEvent }[] = [];
    for await (const e of queue.events(runId, after ? { after } : {})) got.push(e);
    return got;
  }

  it('runs an enqueued run on a worker: its events in order, ending at run:end, and its result', async () => {
    const calls: string[] = [];
    const { queue } = setUp([{ execute: logTo(calls, (text) => `did ${text}`) }]);
    const { runId } = await queue.enqueue({ agent: 'actor', input: 'paint' });
    const events = await collect(queue, runId);
    expect(events.map((e) => e.event.type)).toEqual([
      'run:start',
      'turn:start',
      'model:start',
      'model:end',
      'tool:start',
      'tool:end',
      'turn:end',
      'turn:start',
      'model:start',
      'model:end',
      'turn:end',
      'run:end',
    ]);
    expect(events.every((e) => e.event.runId === runId)).toBe(true);
    const result = await queue.result(runId);
    expect(result).toMatchObject({ runId, status: 'completed', text: 'done: did paint', turns: 2 });
    expect(calls).toEqual(['paint']);
    expect(await queue.status(runId)).toBe('completed');
  });

  it('the same runId enqueued twice runs once, even after its job was done', async () => {
    const calls: string[] = [];
    const { queue } = setUp([{ execute: logTo(calls) }]);
    const first = await queue.enqueue({ agent: 'actor', input: 'once', runId: 'run-dup' });
    const second = await queue.enqueue({ agent: 'actor', input: 'once', runId: 'run-dup' });
    expect(second.runId).toBe(first.runId);
    await queue.result('run-dup');
    await queue.enqueue({ agent: 'actor', input: 'once', runId: 'run-dup' });
    const events = await collect(queue, 'run-dup');
    expect(events.filter((e) => e.event.type === 'run:start')).toHaveLength(1);
    expect(calls).toEqual(['once']);
  });

  it('a reading resumes after an event id with the events that follow it', async () => {
    const { queue } = setUp([{ execute: async () => 'ok' }]);
    const { runId } = await queue.enqueue({ agent: 'actor', input: 'x' });
    const all = await collect(queue, runId);
    const rest = await collect(queue, runId, all[4]?.id);
    expect(rest).toEqual(all.slice(5));
  });

  it('cancel reaches the worker that runs the run: the tool sees its signal abort, the run ends run_aborted', async () => {
    const started = deferred();
    const sawAbort = deferred<boolean>();
    const { queue } = setUp([
      {
        execute: (_args, ctx) => {
          started.resolve();
          return new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => {
              sawAbort.resolve(true);
              reject(ctx.signal.reason);
            });
          });
        },
      },
    ]);
    const { runId } = await queue.enqueue({ agent: 'actor', input: 'wait' });
    await started.promise;
    await queue.cancel(runId);
    expect(await sawAbort.promise).toBe(true);
    const result = await queue.result(runId);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'run_aborted' } });
    const events = await collect(queue, runId);
    expect(events.at(-1)?.event.type).toBe('run:error');
  });

  it('a run cancelled before any worker took it never starts', async () => {
    const calls: string[] = [];
    const { queue, start } = setUp([{ execute: logTo(calls) }], {
      workers: 0,
    });
    const { runId } = await queue.enqueue({ agent: 'actor', input: 'never' });
    await queue.cancel(runId);
    expect(await queue.result(runId)).toMatchObject({
      status: 'failed',
      error: { code: 'run_aborted' },
    });
    start();
    const { runId: other } = await queue.enqueue({ agent: 'actor', input: 'later' });
    await queue.result(other);
    expect(calls).toEqual(['later']);
  });

  it('an interrupted run waits for decisions and queue.resume continues it on a worker', async () => {
    const calls: string[] = [];
    const { queue } = setUp([
      { needsApproval: true, execute: logTo(calls, (text) => `did ${text}`) },
    ]);
    const { runId } = await queue.enqueue({ agent: 'actor', input: 'refund' });
    const paused = await queue.result(runId);
    if (paused.status !== 'interrupted')
      throw new Error(`expected interrupted, got ${paused.status}`);
    expect(paused.interruptions).toHaveLength(1);
    expect(calls).toEqual([]);
    const first = await collect(queue, runId);
    await expect(queue.resume(runId, { nope: 'approve' })).rejects.toThrow(
      /waits for no interruption "nope"/,
    );
    await queue.resume(runId, { [paused.interruptions[0]?.id as string]: 'approve' });
    const done = await queue.result(runId);
    expect(done).toMatchObject({ status: 'completed', text: 'done: did refund' });
    expect(calls).toEqual(['refund']);
    const rest = await collect(queue, runId, first.at(-1)?.id);
    expect(rest[0]?.event.type).toBe('run:start');
    expect(rest.at(-1)?.event.type).toBe('run:end');
    await expect(queue.resume(runId, {})).rejects.toMatchObject({ code: 'run_not_interrupted' });
  });

  it('a run of an agent the workers do not have ends with a run:error that names the agents they have', async () => {
    const { queue } = setUp([{ execute: async () => 'ok' }]);
    const { runId } = await queue.enqueue({ agent: 'nobody', input: 'x' });
    const result = await queue.result(runId);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'invalid_config' } });
    if (result.status === 'failed')
      expect(result.error.message).toMatch(/No agent "nobody".*"actor"/);
  });

  it('bad arguments are refused with typed errors before anything is queued', async () => {
    const { queue } = setUp([{ execute: async () => 'ok' }], { workers: 0 });
    await expect(queue.enqueue({ agent: '', input: 'x' })).rejects.toMatchObject({
      code: 'invalid_config',
      option: 'agent',
    });
    await expect(queue.enqueue({ agent: 'a', input: '' })).rejects.toMatchObject({
      option: 'input',
    });
    await expect(queue.enqueue({ agent: 'a', input: 'x', runId: 'a:b' })).rejects.toMatchObject({
      option: 'runId',
    });
    await expect(
      queue.enqueue({ agent: 'a', input: 'x', context: { f: () => 1, n: 1n } }),
    ).rejects.toMatchObject({ option: 'context' });
    await expect(queue.result('run_unknown')).rejects.toMatchObject({ code: 'run_not_found' });
    await expect(async () => {
      for await (const _ of queue.events('run_unknown')) break;
    }).rejects.toSatisfy((e) => RunQueueError.isInstance(e) && e.code === 'run_not_found');
  });

  it('a Redis that does not answer gives redis_unavailable within the bound, not a hang', async () => {
    prefix = uniquePrefix('queue');
    const queue = new RunQueue({
      connection: 'redis://127.0.0.1:1',
      prefix,
      unavailableAfterMs: 1_500,
    });
    closers.push(() => queue.close());
    const started = Date.now();
    const error = await queue.enqueue({ agent: 'a', input: 'x' }).catch((e: unknown) => e);
    expect(RedisUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
