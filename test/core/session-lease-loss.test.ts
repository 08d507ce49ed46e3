/**
 * A run holds its session through `memory.sessionLock`; when the lease is lost mid-run (its
 * `signal` aborts: it expired unrenewed, and another process may hold the session now), the run
 * stops at once (its tool sees the abort, the model is not called again, the turn is not
 * appended) and ends with the lease's reason, one terminal event, the lease released.
 */
import { Agent, type AgentEvent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore, type SessionLease, type SessionLock } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred } from '../support/deferred.js';

class LostLease extends Error {
  override name = 'LostLease';
}

/** A lock whose leases can be lost on demand; it records what happened to them. */
function losableLock() {
  const leases: { lose(reason: Error): void; released: boolean }[] = [];
  const lock: SessionLock = {
    acquire: async (sessionId) => {
      const controller = new AbortController();
      const entry = { lose: (reason: Error) => controller.abort(reason), released: false };
      leases.push(entry);
      const lease: SessionLease = {
        sessionId,
        fence: leases.length,
        signal: controller.signal,
        release: async () => {
          entry.released = true;
        },
      };
      return lease;
    },
  };
  return { lock, leases };
}

function agentWith(lock: SessionLock, store: InMemoryStore, entered: () => void, seen: string[]) {
  const work = tool({
    name: 'work',
    description: 'Works until it is done or aborted',
    parameters: z.object({}),
    execute: (_args, ctx) =>
      new Promise<string>((resolve) => {
        entered();
        ctx.signal?.addEventListener('abort', () => {
          seen.push(`aborted: ${(ctx.signal?.reason as Error | undefined)?.message}`);
          resolve('stopped');
        });
      }),
  });
  const model = new ScriptedModel([{ toolCalls: [{ name: 'work', arguments: {} }] }, 'done']);
  const agent = new Agent({
    name: 'leased',
    model,
    tools: [work],
    memory: { store, sessionLock: lock },
  });
  return { agent, model };
}

describe('a session lease lost mid-run', () => {
  it('stops the run at once with the lease’s reason, appends nothing and releases the lease', async () => {
    const { lock, leases } = losableLock();
    const store = new InMemoryStore();
    const inTool = deferred();
    const seen: string[] = [];
    const { agent, model } = agentWith(lock, store, () => inTool.resolve(), seen);
    const events: AgentEvent[] = [];
    const run = agent.run('go', { sessionId: 's1', hooks: { onEvent: (e) => events.push(e) } });
    await inTool.promise;
    leases[0]?.lose(new LostLease('the session lease expired; another process may hold s1'));
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LostLease);
    expect(seen).toEqual(['aborted: the session lease expired; another process may hold s1']);
    // The model was not asked again after the loss, and nothing reached the session.
    expect(model.requests).toHaveLength(1);
    expect(await store.load('s1')).toEqual([]);
    expect(events.filter((e) => e.type === 'run:end' || e.type === 'run:error')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('run:error');
    expect(leases[0]?.released).toBe(true);
  });

  it('leaves a run whose lease holds alone, and the next run of the session gets a new one', async () => {
    const { lock, leases } = losableLock();
    const store = new InMemoryStore();
    const model = new ScriptedModel(['first', 'second']);
    const agent = new Agent({ name: 'leased', model, memory: { store, sessionLock: lock } });
    expect((await agent.run('one', { sessionId: 's2' })).text).toBe('first');
    // Losing a lease after its run ended reaches nobody.
    leases[0]?.lose(new LostLease('late'));
    expect((await agent.run('two', { sessionId: 's2' })).text).toBe('second');
    expect(leases.map((l) => l.released)).toEqual([true, true]);
    expect(await store.load('s2')).toHaveLength(4);
  });

  it('does not start a run whose lease is lost before it began', async () => {
    const store = new InMemoryStore();
    const lock: SessionLock = {
      acquire: async (sessionId) => ({
        sessionId,
        signal: AbortSignal.abort(new LostLease('lost at once')),
        release: async () => {},
      }),
    };
    const model = new ScriptedModel(['never']);
    const agent = new Agent({ name: 'leased', model, memory: { store, sessionLock: lock } });
    await expect(agent.run('go', { sessionId: 's3' })).rejects.toBeInstanceOf(LostLease);
    expect(model.requests).toHaveLength(0);
  });
});
