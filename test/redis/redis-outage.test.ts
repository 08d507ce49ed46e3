/**
 * A Redis that is not there, or goes away mid-run: every store call fails with a typed error
 * within 15 s (never a hang), a run whose checkpoint cannot be written fails instead of running
 * on unrecorded, and the same stores work again once Redis is back. The restart tests run a
 * redis-server of their own (test/support/redis.ts), never stopping the shared one.
 */
import { Agent, RunStoreError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { SessionStoreError } from '@agentloop/memory';
import { RedisRunStore, RedisSessionLock, RedisStore } from '@agentloop/redis';
import { tool } from '@agentloop/tools';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startPrivateRedis } from '../support/redis.js';
import { closedPort, eventually } from './redis-test-helpers.js';

/** The bound the issue sets on noticing a Redis that is gone. */
const WITHIN_MS = 15_000;

const server = await startPrivateRedis();
afterAll(() => server?.stopServer());

function stepAgent(options: {
  runStore?: RedisRunStore;
  store?: RedisStore;
  sessionLock?: RedisSessionLock;
  onStep?: (n: number) => Promise<void>;
}) {
  const started: number[] = [];
  const step = tool({
    name: 'step',
    description: 'One step of the work',
    parameters: z.object({ n: z.number() }),
    execute: async ({ n }) => {
      started.push(n);
      await options.onStep?.(n);
      return `step ${n} done`;
    },
  });
  const agent = new Agent({
    name: 'steps',
    model: new ScriptedModel((_request, index) =>
      index < 3 ? { toolCalls: [{ name: 'step', arguments: { n: index + 1 } }] } : 'all done',
    ),
    tools: [step],
    ...(options.runStore ? { runStore: options.runStore } : {}),
    ...(options.store
      ? {
          memory: {
            store: options.store,
            ...(options.sessionLock ? { sessionLock: options.sessionLock } : {}),
          },
        }
      : {}),
  });
  return { agent, started };
}

describe('Redis that is not there', () => {
  it('fails a run with RunStoreError (no checkpoint can be written) within 15 s, running nothing', async () => {
    const connection = `redis://127.0.0.1:${await closedPort()}`;
    const runStore = new RedisRunStore({ connection });
    const { agent, started } = stepAgent({ runStore });
    const begin = performance.now();
    const error = await agent.run('go').catch((e: unknown) => e);
    expect(performance.now() - begin).toBeLessThan(WITHIN_MS);
    expect(RunStoreError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/Could not claim run "run_.*" in Redis/);
    expect(started).toEqual([]);
    await runStore.close();
  });

  it('fails a run on a session with SessionStoreError, and a session lock with RedisUnavailableError, within 15 s', async () => {
    const connection = `redis://127.0.0.1:${await closedPort()}`;
    const store = new RedisStore({ connection });
    const { agent, started } = stepAgent({ store });
    const begin = performance.now();
    const error = await agent.run('go', { sessionId: 'u42' }).catch((e: unknown) => e);
    expect(SessionStoreError.isInstance(error), String(error)).toBe(true);
    const lock = new RedisSessionLock({ connection });
    await expect(lock.acquire('u42')).rejects.toMatchObject({ code: 'redis_unavailable' });
    expect(performance.now() - begin).toBeLessThan(WITHIN_MS);
    expect(started).toEqual([]);
    await Promise.all([store.close(), lock.close()]);
  });
});

describe.skipIf(!server)(
  `Redis that goes away mid-run (${server ? `redis-server of its own on port ${server.port}` : 'skipped: redis-server is not installed'})`,
  () => {
    it('fails the run with RunStoreError within 15 s once the checkpoint after a tool cannot be written; no later tool runs', async () => {
      if (!server) return;
      const runStore = new RedisRunStore({ connection: server.url });
      const store = new RedisStore({ connection: server.url });
      let stoppedAt = 0;
      const { agent, started } = stepAgent({
        runStore,
        store,
        sessionLock: store.sessionLock,
        onStep: async (n) => {
          if (n !== 2) return;
          await server.stopServer();
          stoppedAt = performance.now();
        },
      });
      const events: string[] = [];
      agent.on('run:error', () => events.push('run:error'));
      const error = await agent.run('go', { sessionId: 'u1' }).catch((e: unknown) => e);
      expect(performance.now() - stoppedAt).toBeLessThan(WITHIN_MS);
      expect(RunStoreError.isInstance(error), String(error)).toBe(true);
      expect((error as { cause?: { code?: string } }).cause?.code).toBe('redis_unavailable');
      // Step 2's end could not be recorded: the run stopped there.
      expect(started).toEqual([1, 2]);
      expect(events).toEqual(['run:error']);

      // Redis comes back (empty: it keeps nothing on disk). A client made now is not refused for
      // what the old ones found, and the same stores work again.
      await server.startServer();
      const fresh = new RedisStore({ connection: server.url });
      expect(await fresh.load('u1')).toEqual([]);
      await fresh.close();
      const again = await eventually(() => runStore.claim('run_after'), WITHIN_MS);
      await again.release();
      await eventually(() => store.append('u1', [{ role: 'user', content: 'back' }]), WITHIN_MS);
      expect(await store.load('u1')).toEqual([{ role: 'user', content: 'back' }]);
      await Promise.all([runStore.close(), store.close()]);
    });

    it('fails the run with RunStoreError within 15 s when Redis hangs (connected, never answering)', async () => {
      if (!server) return;
      await server.startServer();
      const runStore = new RedisRunStore({ connection: server.url });
      const store = new RedisStore({ connection: server.url });
      await eventually(() => store.load('u3'), WITHIN_MS);
      let pausedAt = 0;
      const { agent, started } = stepAgent({
        runStore,
        store,
        sessionLock: store.sessionLock,
        onStep: async () => {
          server.pauseServer();
          pausedAt = performance.now();
        },
      });
      try {
        const error = await agent.run('go', { sessionId: 'u3' }).catch((e: unknown) => e);
        expect(performance.now() - pausedAt).toBeLessThan(WITHIN_MS);
        expect(RunStoreError.isInstance(error), String(error)).toBe(true);
        expect((error as Error).message).toMatch(/no answer within 5000 ms/);
        expect(started).toEqual([1]);
      } finally {
        server.resumeServer();
      }
      // Once it answers again, so do the stores.
      await eventually(() => runStore.load('run_none'), WITHIN_MS);
      await Promise.all([runStore.close(), store.close()]);
    });

    it('fails the run with SessionStoreError within 15 s when the turn cannot be appended', async () => {
      if (!server) return;
      await server.startServer();
      const store = new RedisStore({ connection: server.url });
      await eventually(() => store.load('u2'), WITHIN_MS);
      let stoppedAt = 0;
      const { agent, started } = stepAgent({
        store,
        onStep: async () => {
          await server.stopServer();
          stoppedAt = performance.now();
        },
      });
      const error = await agent.run('go', { sessionId: 'u2' }).catch((e: unknown) => e);
      expect(performance.now() - stoppedAt).toBeLessThan(WITHIN_MS);
      expect(SessionStoreError.isInstance(error), String(error)).toBe(true);
      expect(started).toEqual([1]);
      await store.close();
    });

    it('a claim released while Redis does not answer stops renewing its lease: once Redis is back, another caller takes the run', async () => {
      if (!server) return;
      await server.startServer();
      const runStore = new RedisRunStore({
        connection: server.url,
        leaseMs: 1_000,
        timeoutMs: 500,
      });
      const claim = await eventually(() => runStore.claim('run_cut'), WITHIN_MS);
      server.pauseServer();
      try {
        // A call that finds no answer: from now on this process's calls are refused at once.
        await expect(runStore.load('run_cut')).rejects.toMatchObject({ name: 'RunStoreError' });
        await expect(claim.release()).rejects.toMatchObject({ name: 'RunStoreError' });
      } finally {
        server.resumeServer();
      }
      // The released claim's renewals stopped, so its lease runs out (1 s) and the run is free;
      // renewals going on would hold it for good.
      const other = new RedisRunStore({ connection: server.url, leaseMs: 1_000 });
      const next = await eventually(() => other.claim('run_cut'), 5_000);
      expect(next.fence).toBeGreaterThan(claim.fence);
      await next.release();
      await Promise.all([runStore.close(), other.close()]);
    });
  },
);
