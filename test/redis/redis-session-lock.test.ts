/**
 * The session lock across processes: `RedisSessionLock` as an agent's `memory.sessionLock`.
 * Runs on one session never overlap whichever process runs them; a crashed holder's lease
 * expires and the next run goes on; a wait is cut short by the run's signal.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent, ConfigurationError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore } from '@agentloop/memory';
import { LeaseLostError, RedisSessionLock, RedisStore } from '@agentloop/redis';
import { tool } from '@agentloop/tools';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { abortWaitingTool } from '../support/abort-waiting-tool.js';
import { deleteKeys, findRedis, uniquePrefix } from '../support/redis.js';
import { startRedisChild } from './redis-child-process.js';

const redis = await findRedis();

describe.skipIf(!redis.url)(`RedisSessionLock (${redis.reason})`, () => {
  const url = redis.url ?? '';
  const client = new Redis(url);
  const prefixes: string[] = [];
  const closers: { close(): Promise<void> }[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];
  const freshPrefix = () => {
    const prefix = uniquePrefix('lock');
    prefixes.push(prefix);
    return prefix;
  };

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(closers.splice(0).map((c) => c.close()));
    for (const prefix of prefixes.splice(0)) await deleteKeys(client, prefix);
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  it('keeps runs on one session in line across two processes: never overlapping, each turn whole', {
    timeout: 60_000,
  }, async () => {
    const prefix = freshPrefix();
    const workers = [0, 1].map(() => startChild(['session-runs', url, prefix, 's1', '5']));
    for (const worker of workers) expect(await worker.next()).toBe('ready');
    for (const worker of workers) worker.send('go');
    for (const worker of workers) expect(await worker.next()).toBe('done');
    const trace = await client.lrange(`${prefix}trace`, 0, -1);
    expect(trace).toHaveLength(20);
    // Every enter is followed by the exit of the same run: no run entered while another was in.
    for (let i = 0; i < trace.length; i += 2) {
      expect(trace[i]).toMatch(/^enter /);
      expect(trace[i + 1]).toBe(trace[i]?.replace('enter', 'exit'));
    }
    // Both processes ran.
    const pids = new Set(trace.map((line) => line.split(' ')[1]?.split('-')[0]));
    expect(pids.size).toBe(2);
    // The history holds each run's turn whole, one after another: user, call, result, answer.
    const store = new RedisStore({ connection: client, prefix });
    const history = await store.load('s1');
    expect(history).toHaveLength(40);
    for (let i = 0; i < history.length; i += 4) {
      expect(history.slice(i, i + 4).map((m) => m.role)).toEqual([
        'user',
        'assistant',
        'tool',
        'assistant',
      ]);
    }
  });

  it("lets the next run in once a crashed holder's lease expires, not before", {
    timeout: 60_000,
  }, async () => {
    const prefix = freshPrefix();
    const holder = startChild(['hold-session', url, prefix, 's2', '1500']);
    expect(await holder.next()).toMatch(/^held \d+$/);
    const store = new RedisStore({ connection: url, prefix });
    closers.push(store);
    const entered: string[] = [];
    const agent = agentWith(store, entered);
    const run = agent.run('waiting', { sessionId: 's2' });
    // The holder is alive and renews its lease: the run waits.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(entered).toEqual([]);
    holder.child.kill('SIGKILL');
    const result = await run;
    expect(result.text).toBe('done');
    expect(entered).toEqual(['waiting']);
  });

  it('stops waiting for a held session when the run is aborted, and leaves nothing held', async () => {
    const prefix = freshPrefix();
    const lock = new RedisSessionLock({ connection: url, prefix });
    closers.push(lock);
    const held = await lock.acquire('s3');
    const store = new RedisStore({ connection: url, prefix });
    closers.push(store);
    const entered: string[] = [];
    const agent = agentWith(store, entered, lock);
    const controller = new AbortController();
    const run = agent.run('never', { sessionId: 's3', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('the user left')), 200);
    await expect(run).rejects.toMatchObject({ code: 'run_aborted' });
    expect(entered).toEqual([]);
    await held.release();
    // The aborted wait holds nothing: the session can be taken at once.
    const again = await lock.acquire('s3');
    expect(again.fence).toBe(held.fence + 1);
    await again.release();
  });

  it('stops a run at once when a renewal finds its session lease lost: its tool sees the abort, nothing is appended', async () => {
    const prefix = freshPrefix();
    const lock = new RedisSessionLock({ connection: url, prefix, leaseMs: 300 });
    const store = new RedisStore({ connection: url, prefix });
    closers.push(lock, store);
    const seen: string[] = [];
    // The lease expires unrenewed (a long pause of this process) and another run takes it.
    const slow = abortWaitingTool(seen, () => client.del(`${prefix}session:{s4}:lease`));
    const model = new ScriptedModel([{ toolCalls: [{ name: 'slow', arguments: {} }] }, 'done']);
    const agent = new Agent({
      name: 'sessions',
      model,
      tools: [slow],
      memory: { store, sessionLock: lock },
    });
    const error = await agent.run('go', { sessionId: 's4' }).catch((e: unknown) => e);
    expect(LeaseLostError.isInstance(error), String(error)).toBe(true);
    expect(seen).toEqual(['aborted']);
    expect(model.requests).toHaveLength(1);
    expect(await store.load('s4')).toEqual([]);
  });

  it('refuses a sessionLock without acquire at construction', () => {
    expect(
      () =>
        new Agent({
          name: 'x',
          model: new ScriptedModel(['hi']),
          memory: { store: new InMemoryStore(), sessionLock: {} as never },
        }),
    ).toThrow(ConfigurationError);
  });

  function agentWith(store: RedisStore, entered: string[], lock = store.sessionLock) {
    const mark = tool({
      name: 'mark',
      description: 'Marks the run as inside the session',
      parameters: z.object({ who: z.string() }),
      execute: async ({ who }) => {
        entered.push(who);
        return 'marked';
      },
    });
    return new Agent({
      name: 'sessions',
      model: new ScriptedModel((request) => {
        const last = request.messages.at(-1);
        if (last?.role === 'tool') return 'done';
        return { toolCalls: [{ name: 'mark', arguments: { who: String(last?.content) } }] };
      }),
      tools: [mark],
      memory: { store, sessionLock: lock },
    });
  }

  const startChild = (args: string[]) => startRedisChild(args, children);
});
