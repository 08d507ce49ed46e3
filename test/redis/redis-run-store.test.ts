/**
 * `RedisRunStore` against a real Redis: the `RunStore` contract, then what only a lease gives:
 * two workers racing for a run, a crashed worker's run taken over once its lease expires, a
 * stale worker's writes refused by the fencing token, and the loop checkpointing through its
 * claim.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent, RunStoreError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { LeaseLostError, type RedisRunClaim, RedisRunStore } from '@agentloop/redis';
import { tool } from '@agentloop/tools';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runStoreContract, sampleSnapshot } from '../core/run-store-contract.js';
import { abortWaitingTool } from '../support/abort-waiting-tool.js';
import { deleteKeys, findRedis, uniquePrefix } from '../support/redis.js';
import { startRedisChild } from './redis-child-process.js';
import { closedPort, eventually } from './redis-test-helpers.js';

const redis = await findRedis();

describe.skipIf(!redis.url)(`RedisRunStore (${redis.reason})`, () => {
  const client = new Redis(redis.url ?? '');
  const prefixes: string[] = [];
  const stores: RedisRunStore[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];
  const makeStore = (prefix: string, options: { leaseMs?: number } = {}) => {
    const store = new RedisRunStore({ connection: redis.url ?? '', prefix, ...options });
    stores.push(store);
    return store;
  };
  const freshPrefix = () => {
    const prefix = uniquePrefix('runs');
    prefixes.push(prefix);
    return prefix;
  };

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(stores.splice(0).map((store) => store.close()));
    for (const prefix of prefixes.splice(0)) await deleteKeys(client, prefix);
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  runStoreContract(
    'RedisRunStore',
    () => new RedisRunStore({ connection: client, prefix: freshPrefix() }),
  );

  it('gives a run to exactly one of two workers (two connections) claiming it at once, with rising fences', async () => {
    const prefix = freshPrefix();
    const [a, b] = [makeStore(prefix), makeStore(prefix)];
    for (let round = 0; round < 20; round++) {
      const settled = await Promise.allSettled([a.claim(`run_${round}`), b.claim(`run_${round}`)]);
      const held = settled.filter((s) => s.status === 'fulfilled');
      expect(held).toHaveLength(1);
      const refused = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: 'run_in_progress', runId: `run_${round}` });
      await (held[0] as PromiseFulfilledResult<RedisRunClaim>).value.release();
    }
    // Every later claim on a run gets a larger fencing token.
    const fences: number[] = [];
    for (let i = 0; i < 3; i++) {
      const claim = await (i % 2 === 0 ? a : b).claim('run_f');
      fences.push(claim.fence);
      await claim.release();
    }
    expect(fences).toEqual([...fences].sort((x, y) => x - y));
    expect(new Set(fences).size).toBe(3);
  });

  it("keeps a live holder's claim past its lease by renewing it", async () => {
    const store = makeStore(freshPrefix(), { leaseMs: 300 });
    const claim = await store.claim('run_long');
    // Three leases' worth of time: only the background renewals keep it.
    await new Promise((resolve) => setTimeout(resolve, 900));
    await expect(makeStore(store.prefix).claim('run_long')).rejects.toMatchObject({
      code: 'run_in_progress',
    });
    await claim.save(sampleSnapshot('run_long'));
    await claim.release();
  });

  it("takes over a crashed worker's run once its lease expires, never before", {
    timeout: 60_000,
  }, async () => {
    const prefix = freshPrefix();
    const worker = startChild(['hold-run', redis.url ?? '', prefix, 'run_crash', '2000']);
    const claimed = await worker.next();
    expect(claimed).toMatch(/^claimed \d+$/);
    worker.child.kill('SIGKILL');
    const store = makeStore(prefix);
    // Right after the crash the lease still holds.
    await expect(store.claim('run_crash')).rejects.toMatchObject({ code: 'run_in_progress' });
    const holder = await store.holder('run_crash');
    expect(holder?.fence).toBe(Number(claimed.split(' ')[1]));
    const claim = await eventually(() => store.claim('run_crash'), 10_000);
    expect(claim.fence).toBeGreaterThan(holder?.fence ?? Number.POSITIVE_INFINITY);
    await claim.release();
  });

  it("refuses a paused worker's writes once another has taken its run over (fencing)", {
    timeout: 60_000,
  }, async () => {
    const prefix = freshPrefix();
    const stale = startChild(['hold-run', redis.url ?? '', prefix, 'run_stale', '300']);
    const staleFence = Number((await stale.next()).split(' ')[1]);
    stale.send('save 1');
    expect(await stale.next()).toBe('saved 1');
    // A stop-the-world pause longer than the lease (GC, a stalled VM): no renewals.
    stale.child.kill('SIGSTOP');
    const store = makeStore(prefix);
    const successor = await eventually(() => store.claim('run_stale'), 10_000);
    expect(successor.fence).toBeGreaterThan(staleFence);
    const mine = sampleSnapshot('run_stale');
    mine.turn = 7;
    await successor.save(mine);
    stale.child.kill('SIGCONT');
    stale.send('save 2');
    expect(await stale.next()).toBe(`refused lease_lost ${successor.fence}`);
    // The successor's checkpoint stands, and its lease too.
    expect((await store.load('run_stale'))?.turn).toBe(7);
    await successor.renew();
    await successor.release();
  });

  it('refuses saves, and aborts the claim signal, once its lease is gone', async () => {
    const store = makeStore(freshPrefix());
    const claim = await store.claim('run_x');
    // The lease disappears (an operator, a flush): the next write finds out.
    await client.del(`${store.keyOf('run_x')}:lease`);
    const error = await claim.save(sampleSnapshot('run_x')).catch((e: unknown) => e);
    expect(LeaseLostError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'lease_lost', resource: 'run', id: 'run_x' });
    expect((error as Error).message).toMatch(
      /lease on run "run_x" with fencing token \d+ is lost \(it expired/,
    );
    expect(claim.signal.aborted).toBe(true);
    expect(await store.load('run_x')).toBeUndefined();
    await expect(claim.renew()).rejects.toMatchObject({ code: 'lease_lost' });
  });

  it('checkpoints a run through its claim, and resumes it from Redis in another store', async () => {
    const prefix = freshPrefix();
    const log: string[] = [];
    const lookup = tool({
      name: 'lookup',
      description: 'Looks up q',
      parameters: z.object({ q: z.string() }),
      execute: async ({ q }) => {
        log.push(q);
        return `found ${q}`;
      },
    });
    const script = () =>
      new ScriptedModel([{ toolCalls: [{ name: 'lookup', arguments: { q: 'a' } }] }, 'done']);
    const first = new Agent({
      name: 'bot',
      model: script(),
      tools: [lookup],
      runStore: makeStore(prefix),
    });
    const result = await first.run('go');
    expect(result.text).toBe('done');
    const store = makeStore(prefix);
    const saved = await store.load(result.runId);
    expect(saved?.status).toBe('completed');
    expect(saved?.toolCalls.map((c) => c.name)).toEqual(['lookup']);
    // The claim was released at the end: the run can be claimed again.
    await (await store.claim(result.runId)).release();
    expect(log).toEqual(['a']);
  });

  it('fails a run whose claim was lost with LeaseLostError, before the next tool starts', async () => {
    const prefix = freshPrefix();
    const store = makeStore(prefix);
    const started: string[] = [];
    const step = tool({
      name: 'step',
      description: 'One step',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }, ctx) => {
        started.push(`step ${n}`);
        // Another worker takes the run over while this tool runs (this one was paused).
        if (n === 1) await client.del(`${store.keyOf(ctx.runId ?? '')}:lease`);
        return 'ok';
      },
    });
    const agent = new Agent({
      name: 'bot',
      model: new ScriptedModel([
        { toolCalls: [{ name: 'step', arguments: { n: 1 } }] },
        { toolCalls: [{ name: 'step', arguments: { n: 2 } }] },
        'done',
      ]),
      tools: [step],
      runStore: store,
    });
    const error = await agent.run('go').catch((e: unknown) => e);
    expect(LeaseLostError.isInstance(error)).toBe(true);
    // The first tool's end could not be recorded, so nothing went on unrecorded.
    expect(started).toEqual(['step 1']);
  });

  it('stops a run at once when a renewal finds its claim lost: its tool sees the abort', async () => {
    const store = makeStore(freshPrefix(), { leaseMs: 300 });
    const seen: string[] = [];
    // Another worker takes the run over while this one works.
    const slow = abortWaitingTool(seen, (ctx) =>
      client.del(`${store.keyOf(ctx.runId ?? '')}:lease`),
    );
    const agent = new Agent({
      name: 'bot',
      model: new ScriptedModel([{ toolCalls: [{ name: 'slow', arguments: {} }] }, 'done']),
      tools: [slow],
      runStore: store,
    });
    const error = await agent.run('go').catch((e: unknown) => e);
    expect(LeaseLostError.isInstance(error), String(error)).toBe(true);
    expect(seen).toEqual(['aborted']);
  });

  it('reports a Redis that does not answer as RunStoreError within its timeout', async () => {
    const store = new RedisRunStore({
      connection: { host: '127.0.0.1', port: await closedPort(), lazyConnect: true },
      timeoutMs: 500,
    });
    stores.push(store);
    for (const action of [
      () => store.load('run_a'),
      () => store.save(sampleSnapshot('run_a')),
      () => store.claim('run_a'),
    ]) {
      const error = await action().catch((e: unknown) => e);
      expect(RunStoreError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'run_store_error', runId: 'run_a' });
      expect((error as Error).message).toMatch(/Redis could not .* run "run_a"/);
      expect((error as { cause?: { code?: string } }).cause?.code).toBe('redis_unavailable');
    }
  });

  const startChild = (args: string[]) => startRedisChild(args, children);
});
