import {
  Agent,
  InMemoryRunStore,
  type RunClaim,
  type RunSnapshot,
  RunState,
  type RunStore,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { deferred } from '../support/deferred.js';
import { shopAgent, turnOne } from './resume/resume-support.js';

/** The snapshot as JSON, without its time: what two loads of one checkpoint must agree on. */
function json(snapshot: RunSnapshot | undefined): string {
  return JSON.stringify({ ...snapshot, savedAt: '' });
}

/** A `refund` tool that needs approval and logs each execution; one reply calls it. */
function refundAgent(runStore: RunStore) {
  const log: number[] = [];
  const refund = tool({
    name: 'refund',
    description: 'Refunds an order',
    parameters: z.object({ order: z.number(), lines: z.array(z.string()) }),
    needsApproval: true,
    execute: ({ order }) => {
      log.push(order);
      return `refunded ${order}`;
    },
  });
  const model = new ScriptedModel([
    { toolCalls: [{ id: 'call_r', name: 'refund', arguments: { order: 42, lines: ['a'] } }] },
    'Refunded.',
  ]);
  const agent = new Agent({ name: 'refunds', model, tools: [refund], runStore });
  return { agent, log };
}

describe('InMemoryRunStore during a run', () => {
  it('a load mid-run gives the last checkpoint, whole; changing it reaches neither the store nor the run', async () => {
    const runStore = new InMemoryRunStore();
    const hold = deferred();
    const log: string[] = [];
    const { agent } = shopAgent({ replies: [turnOne, 'Paid.'], runStore, log, hold: hold.promise });
    const running = agent.run('Pay 5 euros', { runId: 'run_mid' });
    // `charge` is running (held): the checkpoint before it started is the latest.
    await vi.waitFor(() => expect(log.some((l) => l.startsWith('charge'))).toBe(true));
    const mid = await runStore.load('run_mid');
    if (!mid) throw new Error('no checkpoint mid-run');
    expect(mid.status).toBe('running');
    expect(mid.pending?.find((p) => p.name === 'charge')?.status).toBe('started');
    // Whole: it parses as a state, and a second load gives the same checkpoint.
    expect(RunState.fromSnapshot(structuredClone(mid)).runId).toBe('run_mid');
    expect(json(await runStore.load('run_mid'))).toBe(json(mid));

    const before = json(mid);
    mid.messages.push({ role: 'user', content: 'edited' });
    (mid.pending?.[0] as { status: string }).status = 'done';
    mid.turn = 99;
    expect(json(await runStore.load('run_mid'))).toBe(before);

    hold.resolve();
    const result = await running;
    expect(result.status).toBe('completed');
    expect(result.turns).toBe(2);
    const last = await runStore.load('run_mid');
    expect(last?.status).toBe('completed');
    expect(json(last)).not.toContain('edited');
    expect(log.filter((l) => l.startsWith('charge'))).toHaveLength(1);
  });

  it('after an interruption: changing the loaded snapshot, the result or its state leaves the stored one as it was', async () => {
    const runStore = new InMemoryRunStore();
    const { agent } = refundAgent(runStore);
    const result = await agent.run('Refund order 42', { runId: 'run_int' });
    expect(result.status).toBe('interrupted');
    const stored = json(await runStore.load('run_int'));
    expect(stored).toContain('"status":"interrupted"');

    const loaded = await runStore.load('run_int');
    if (!loaded) throw new Error('no checkpoint');
    (loaded.interruptions[0]?.args as { order: number }).order = 1;
    loaded.interruptions[0]?.path.push('edited');
    loaded.messages.length = 0;
    // What the run handed the caller shares nothing with the store either.
    const interruption = result.interruptions[0];
    if (!interruption) throw new Error('no interruption');
    (interruption.args as { order: number; lines: string[] }).lines.push('edited');
    (interruption.args as { order: number }).order = 7;
    interruption.path.push('edited');
    result.state.approve(interruption.id);

    expect(json(await runStore.load('run_int'))).toBe(stored);
    expect(stored).not.toContain('edited');
    expect(stored).toContain('"order":42');
  });

  it('keeps a rewrite of the arguments as it was when the hook changes its object later', async () => {
    const runStore = new InMemoryRunStore();
    const started = deferred();
    const hold = deferred();
    const rate = tool({
      name: 'rate',
      description: 'Reads a rate',
      parameters: z.object({ pair: z.string() }),
      execute: ({ pair }) => `${pair} 1.1`,
    });
    const slow = tool({
      name: 'slow',
      description: 'Takes its time',
      parameters: z.object({}),
      execute: async () => {
        started.resolve();
        await hold.promise;
        return 'done';
      },
    });
    const rewrite = { pair: 'EURGBP' };
    const agent = new Agent({
      name: 'rates',
      model: new ScriptedModel([
        {
          toolCalls: [
            { id: 'call_r', name: 'rate', arguments: { pair: 'EURUSD' } },
            { id: 'call_s', name: 'slow', arguments: {} },
          ],
        },
        'Read.',
      ]),
      tools: [rate, slow],
      runStore,
      beforeTool: (call) =>
        call.name === 'rate' ? { action: 'rewrite', args: rewrite } : undefined,
    });
    const running = agent.run('Read the rate', { runId: 'run_rw' });
    await started.promise;
    await vi.waitFor(async () =>
      expect((await runStore.load('run_rw'))?.pending?.[0]?.status).toBe('done'),
    );
    rewrite.pair = 'edited';
    const mid = await runStore.load('run_rw');
    expect(mid?.pending?.[0]?.args).toEqual({ pair: 'EURGBP' });
    hold.resolve();
    expect((await running).status).toBe('completed');
  });

  it('continues an interrupted run in the same process, from the stored state or with resume', async () => {
    const runStore = new InMemoryRunStore();
    const { agent, log } = refundAgent(runStore);
    const first = await agent.run('Refund order 42', { runId: 'run_same' });
    expect(first.status).toBe('interrupted');

    // agent.resume with no decision yet: the run stops at the same question.
    const again = await agent.resume('run_same');
    expect(again.status).toBe('interrupted');
    expect(again.interruptions.map((i) => i.id)).toEqual(first.interruptions.map((i) => i.id));
    expect(log).toEqual([]);

    const loaded = await runStore.load('run_same');
    if (!loaded) throw new Error('no checkpoint');
    const state = RunState.fromSnapshot(loaded);
    for (const i of state.interruptions) state.approve(i);
    const done = await agent.run(state);
    expect(done.status).toBe('completed');
    expect(done.text).toBe('Refunded.');
    expect(log).toEqual([42]);
    expect((await runStore.load('run_same'))?.status).toBe('completed');
    await expect(agent.resume('run_same')).rejects.toMatchObject({ code: 'run_completed' });
  });
});

/** A store of one's own around an InMemoryRunStore: only the four methods of `RunStore`. */
class WrappingStore implements RunStore {
  readonly inner = new InMemoryRunStore();
  readonly saved: string[] = [];

  async save(snapshot: RunSnapshot): Promise<void> {
    this.saved.push(json(snapshot));
    await this.inner.save(snapshot);
  }
  load(runId: string): Promise<RunSnapshot | undefined> {
    return this.inner.load(runId);
  }
  delete(runId: string): Promise<void> {
    return this.inner.delete(runId);
  }
  claim(runId: string): Promise<RunClaim> {
    return this.inner.claim(runId);
  }
}

/** A subclass that saves its own way: counting, then saving as its parent does. */
class CountingStore extends InMemoryRunStore {
  saves = 0;

  override async save(snapshot: RunSnapshot): Promise<void> {
    this.saves += 1;
    await super.save(snapshot);
  }
}

/** A subclass that keeps its parent's save, counting the checkpoints handed over at once. */
class HandedOverStore extends InMemoryRunStore {
  handedOver = 0;

  override saveNow(snapshot: RunSnapshot): boolean {
    this.handedOver += 1;
    return super.saveNow(snapshot);
  }
}

describe('which stores the run hands its checkpoints over to (saveNow)', () => {
  // One turn of two calls then the answer: start, reply, 2 starts, 2 ends, turn end, reply, end.
  const checkpoints = 9;

  it('a store wrapping an InMemoryRunStore gets every checkpoint through its save', async () => {
    const runStore = new WrappingStore();
    const { agent } = shopAgent({ replies: [turnOne, 'Paid.'], runStore });
    const result = await agent.run('Pay 5 euros');
    expect(result.status).toBe('completed');
    expect(runStore.saved.length).toBeGreaterThanOrEqual(checkpoints - 2);
    expect(runStore.saved.at(-1)).toContain('"status":"completed"');
    expect(json(await runStore.load(result.runId))).toBe(runStore.saved.at(-1));
  });

  it('a subclass with its own save gets every checkpoint through it', async () => {
    const runStore = new CountingStore();
    const { agent } = shopAgent({ replies: [turnOne, 'Paid.'], runStore });
    const result = await agent.run('Pay 5 euros');
    expect(runStore.saves).toBeGreaterThanOrEqual(checkpoints - 2);
    expect((await runStore.load(result.runId))?.status).toBe('completed');
  });

  it('InMemoryRunStore takes each checkpoint at once, one by one', async () => {
    const runStore = new HandedOverStore();
    const { agent } = shopAgent({ replies: [turnOne, 'Paid.'], runStore });
    const result = await agent.run('Pay 5 euros');
    expect(result.status).toBe('completed');
    expect(runStore.handedOver).toBe(checkpoints);
    expect((await runStore.load(result.runId))?.status).toBe('completed');
  });
});
