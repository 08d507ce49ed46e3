import { InMemoryRunStore } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { frozenCopy } from '../../packages/core/src/run/frozen-copy.js';
import { runStoreContract, sampleSnapshot } from './run-store-contract.js';

runStoreContract('InMemoryRunStore', () => new InMemoryRunStore());

describe('InMemoryRunStore', () => {
  it('keeps the runs of each store apart', async () => {
    const a = new InMemoryRunStore();
    const b = new InMemoryRunStore();
    await a.save(sampleSnapshot('run_a'));
    expect(await b.load('run_a')).toBeUndefined();
    const claim = await a.claim('run_a');
    await (await b.claim('run_a')).release();
    await claim.release();
  });
});

describe('frozenCopy (what InMemoryRunStore keeps)', () => {
  it('copies deeply and freezes the copy', () => {
    const snapshot = sampleSnapshot();
    const copy = frozenCopy(snapshot);
    expect(copy).toEqual(snapshot);
    expect(copy).not.toBe(snapshot);
    expect(copy.messages[6]).not.toBe(snapshot.messages[6]);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(Object.isFrozen(copy.messages)).toBe(true);
    expect(Object.isFrozen((copy.messages[6] as { tool_calls: object[] }).tool_calls[0])).toBe(
      true,
    );
  });

  it('copies again what is not frozen, so a change made in place is seen', () => {
    const snapshot = sampleSnapshot();
    const first = frozenCopy(snapshot);
    const call = (snapshot.messages[6] as { tool_calls: { function: { arguments: string } }[] })
      .tool_calls[0];
    if (call === undefined) throw new Error('fixture');
    call.function.arguments = '{"order":43}';
    snapshot.messages.push({ role: 'user', content: 'more' });
    const second = frozenCopy(snapshot, first);
    expect(second).toEqual(snapshot);
    expect(second.messages[6]).not.toBe(first.messages[6]);
    expect(JSON.stringify(first.messages[6])).toContain('{\\"order\\":42}');
    expect(JSON.stringify(second.messages[6])).toContain('{\\"order\\":43}');
  });

  it('keeps what it finds again at its place in the previous copy without walking it', () => {
    // A frozen message whose content counts its reads: a walk over it reads it.
    let reads = 0;
    const counted = Object.freeze(
      Object.defineProperty({ role: 'user' }, 'content', {
        enumerable: true,
        get: () => {
          reads += 1;
          return 'counted';
        },
      }),
    );
    const conversation = Object.freeze([Object.freeze({ role: 'system', content: 'x' }), counted]);
    const first = frozenCopy({ turn: 1, messages: conversation, usage: { total: 1 } });
    expect(first.messages).toBe(conversation);
    expect(reads).toBe(1);
    // The next save: a longer conversation, sharing the first two messages.
    const longer = Object.freeze([...conversation, Object.freeze({ role: 'user', content: 'y' })]);
    const second = frozenCopy({ turn: 2, messages: longer, usage: { total: 2 } }, first);
    expect(second.messages).toBe(longer);
    expect(second.messages[1]).toBe(counted);
    expect(second).toEqual({ turn: 2, messages: longer, usage: { total: 2 } });
    expect(Object.isFrozen(second.usage)).toBe(true);
    expect(reads).toBe(1);
    // Without the previous copy, the same save walks it again.
    frozenCopy({ turn: 2, messages: longer, usage: { total: 2 } });
    expect(reads).toBe(2);
  });

  it('keeps objects frozen to the leaves as they are (they cannot change)', () => {
    const message = Object.freeze({ role: 'user' as const, content: 'frozen' });
    const parts = Object.freeze([Object.freeze({ type: 'text', text: 'x' })]);
    const copy = frozenCopy({ messages: [message], parts, open: { a: 1 } });
    expect(copy.messages[0]).toBe(message);
    expect(copy.parts).toBe(parts);
    expect(Object.isFrozen(copy.open)).toBe(true);
    // Frozen on the outside only: still copied, since a child may change.
    const shallow = Object.freeze({ inner: { a: 1 } });
    expect(frozenCopy(shallow)).not.toBe(shallow);
  });

  it('copies other objects with structuredClone, and keeps primitives', () => {
    const date = new Date(0);
    const copy = frozenCopy({ date, n: 1, s: 'x', none: null, nothing: undefined });
    expect(copy.date).toEqual(date);
    expect(copy.date).not.toBe(date);
    expect(copy).toEqual({ date, n: 1, s: 'x', none: null, nothing: undefined });
  });
});

describe('InMemoryRunStore.saveNow (checkpoints handed over by a run)', () => {
  it('keeps the snapshot at once; load gives a copy the caller may change', async () => {
    const store = new InMemoryRunStore();
    const snapshot = sampleSnapshot('run_now');
    expect(store.saveNow(snapshot)).toBe(true);
    const loaded = await store.load('run_now');
    expect(loaded).toEqual(snapshot);
    expect(loaded).not.toBe(snapshot);
    loaded?.messages.push({ role: 'user', content: 'edited' });
    expect(await store.load('run_now')).toEqual(snapshot);
  });

  it('refuses a snapshot without a run id, as save does', () => {
    const store = new InMemoryRunStore();
    const snapshot = { ...sampleSnapshot(), runId: '' };
    expect(() => store.saveNow(snapshot)).toThrow(/runId/);
  });

  it('declines, storing nothing, in a subclass that saves its own way', async () => {
    class Counting extends InMemoryRunStore {
      saves = 0;
      override async save(snapshot: Parameters<InMemoryRunStore['save']>[0]): Promise<void> {
        this.saves += 1;
        await super.save(snapshot);
      }
    }
    const store = new Counting();
    expect(store.saveNow(sampleSnapshot('run_sub'))).toBe(false);
    expect(await store.load('run_sub')).toBeUndefined();
    expect(store.saves).toBe(0);
  });
});
