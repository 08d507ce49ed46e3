import { ConfigurationError, cachedModel, type ModelRequest } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { RedisResponseCache } from '@agentloop/redis';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { responseCacheKey } from '../../packages/core/src/cache/cache-key.js';
import { findRedis, uniquePrefix } from '../support/redis.js';

const found = await findRedis();

describe.skipIf(!found.url)(`RedisResponseCache (${found.reason})`, () => {
  let redis: Redis;
  let prefix: string;
  beforeAll(() => {
    redis = new Redis(found.url as string);
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(async () => {
    await redis.quit();
    await found.stop();
  });

  const request: ModelRequest = { messages: [{ role: 'user', content: 'hi' }] };

  it('serves a reply stored by one process to another (two clients, one Redis)', async () => {
    prefix = uniquePrefix('cache');
    const other = new Redis(found.url as string);
    try {
      const first = new ScriptedModel(() => 'from redis');
      const writer = cachedModel(first, { store: new RedisResponseCache({ redis, prefix }) });
      await writer.generate(request);
      const key = await responseCacheKey(first.name, request);
      await vi.waitFor(async () => expect(await redis.exists(prefix + key)).toBe(1));

      const second = new ScriptedModel(() => 'never called');
      const reader = cachedModel(second, {
        store: new RedisResponseCache({ redis: other, prefix }),
      });
      const reply = await reader.generate(request);
      expect(reply.cached).toBe(true);
      expect(reply.message.content).toBe('from redis');
      expect(second.callCount).toBe(0);
    } finally {
      await other.quit();
    }
  });

  it('expires entries with ttlMs (Redis PX)', async () => {
    prefix = uniquePrefix('cache');
    const upstream = new ScriptedModel(() => 'ok');
    const model = cachedModel(upstream, {
      store: new RedisResponseCache({ redis, prefix }),
      ttlMs: 60_000,
    });
    await model.generate(request);
    const key = prefix + (await responseCacheKey(upstream.name, request));
    await vi.waitFor(async () => expect(await redis.exists(key)).toBe(1));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await redis.pexpire(key, 1);
    await vi.waitFor(async () => expect(await redis.exists(key)).toBe(0));
    expect((await model.generate(request)).cached).toBeUndefined();
    expect(upstream.callCount).toBe(2);
  });

  it('reads a corrupt or foreign value under the key as a miss', async () => {
    prefix = uniquePrefix('cache');
    const upstream = new ScriptedModel(() => 'fresh');
    const model = cachedModel(upstream, { store: new RedisResponseCache({ redis, prefix }) });
    const key = prefix + (await responseCacheKey(upstream.name, request));
    for (const value of ['garbage', '{"format":"other","response":{}}', '42']) {
      await redis.set(key, value);
      const reply = await model.generate(request);
      expect(reply.message.content).toBe('fresh');
      expect(reply.cached).toBeUndefined();
    }
    // A hash under the key (WRONGTYPE) is a store failure: a miss too.
    await redis.del(key);
    await redis.hset(key, 'a', '1');
    const errors: string[] = [];
    const tolerant = cachedModel(upstream, {
      store: new RedisResponseCache({ redis, prefix }),
      onStoreError: (_error, operation) => errors.push(operation),
    });
    expect((await tolerant.generate(request)).message.content).toBe('fresh');
    expect(errors).toContain('get');
  });

  it('refuses a missing client', () => {
    expect(() => new RedisResponseCache({} as never)).toThrow(ConfigurationError);
  });
});
