/**
 * `RedisStore` against a real Redis: the same `MemoryStore` contract as `InMemoryStore` and
 * `FileStore` (test/memory/store-contract.ts), then what only it does: a TTL per session, one
 * atomic script per append, appends fenced by a session lease, and a Redis that does not answer.
 */
import { SessionStoreError } from '@agentloop/memory';
import { LeaseLostError, RedisStore } from '@agentloop/redis';
import { Redis } from 'ioredis';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { memoryStoreContract } from '../memory/store-contract.js';
import { deleteKeys, findRedis, uniquePrefix } from '../support/redis.js';
import { closedPort } from './redis-test-helpers.js';

const redis = await findRedis();
const msg = (content: string): ChatCompletionMessageParam => ({ role: 'user', content });

describe.skipIf(!redis.url)(`RedisStore (${redis.reason})`, () => {
  const client = new Redis(redis.url ?? '');
  const prefixes: string[] = [];
  const stores: RedisStore[] = [];
  const makeStore = (options: { prefix?: string; ttlMs?: number } = {}) => {
    const prefix = options.prefix ?? uniquePrefix('sessions');
    prefixes.push(prefix);
    const store = new RedisStore({ connection: redis.url ?? '', ...options, prefix });
    stores.push(store);
    return store;
  };

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    for (const prefix of prefixes.splice(0)) await deleteKeys(client, prefix);
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  // Another store on its own connection over the same keys is what another process sees.
  memoryStoreContract('RedisStore', () => makeStore(), {
    reopen: (store) => makeStore({ prefix: (store as RedisStore).prefix }),
  });

  it('keeps a session as a list of JSON messages under <prefix>session:{<id>}', async () => {
    const store = makeStore();
    await store.append('u42', [msg('hi'), { role: 'assistant', content: 'hello' }]);
    expect(store.keyOf('u42')).toBe(`${store.prefix}session:{u42}`);
    expect(await client.lrange(store.keyOf('u42'), 0, -1)).toEqual([
      '{"role":"user","content":"hi"}',
      '{"role":"assistant","content":"hello"}',
    ]);
  });

  it('forgets a session ttlMs after its last append, history and keys together', async () => {
    const store = makeStore({ ttlMs: 400 });
    await store.append('s', [msg('one')], { key: 'run_1:1' });
    const ttl = await client.pttl(store.keyOf('s'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(400);
    expect(await client.pttl(`${store.keyOf('s')}:keys`)).toBeGreaterThan(0);
    // An append pushes the expiry back.
    await new Promise((resolve) => setTimeout(resolve, 250));
    await store.append('s', [msg('two')]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.load('s')).toEqual([msg('one'), msg('two')]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.load('s')).toEqual([]);
    // The key went with it: the same turn lands again in the new session.
    await store.append('s', [msg('again')], { key: 'run_1:1' });
    expect(await store.load('s')).toEqual([msg('again')]);
    // Without ttlMs a session is kept for ever.
    const keeper = makeStore();
    await keeper.append('s', [msg('kept')]);
    expect(await client.pttl(keeper.keyOf('s'))).toBe(-1);
  });

  it('lands each batch whole or not at all: a message that is not an object refuses it', async () => {
    const store = makeStore();
    const error = await store
      .append('s', [msg('fine'), 42 as unknown as ChatCompletionMessageParam], { key: 'k' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_config', option: 'messages[1]' });
    expect(await store.load('s')).toEqual([]);
    await store.append('s', [msg('fine')], { key: 'k' });
    expect(await store.load('s')).toEqual([msg('fine')]);
  });

  it('refuses an append made under a session lease that was lost, and takes one under the current lease', async () => {
    const store = makeStore();
    const lock = store.sessionLock;
    const lease = await lock.acquire('s');
    await store.append('s', [msg('mine')], { key: 'run_1:1', lease });
    // The lease is lost (it expired while the holder was paused); another holder takes it.
    await client.del(`${store.keyOf('s')}:lease`);
    const next = await lock.acquire('s');
    expect(next.fence).toBeGreaterThan(lease.fence);
    const error = await store
      .append('s', [msg('stale')], { key: 'run_1:2', lease })
      .catch((e: unknown) => e);
    expect(LeaseLostError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'lease_lost',
      resource: 'session',
      id: 's',
      fence: lease.fence,
      currentFence: next.fence,
    });
    await store.append('s', [msg('theirs')], { key: 'run_2:1', lease: next });
    expect(await store.load('s')).toEqual([msg('mine'), msg('theirs')]);
    await next.release();
  });

  it('reports a Redis that does not answer as SessionStoreError within its timeout', async () => {
    const store = new RedisStore({
      connection: { host: '127.0.0.1', port: await closedPort(), lazyConnect: true },
      timeoutMs: 300,
    });
    stores.push(store);
    for (const action of [
      () => store.load('u42'),
      () => store.append('u42', [msg('x')], { key: 'run_1:1' }),
      () => store.clear('u42'),
    ]) {
      const started = Date.now();
      const error = await action().catch((e: unknown) => e);
      expect(SessionStoreError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'session_store_error', sessionId: 'u42' });
      expect((error as Error).message).toMatch(/Redis could not .* session 'u42'/);
      expect((error as { cause?: { code?: string } }).cause?.code).toBe('redis_unavailable');
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });
});
