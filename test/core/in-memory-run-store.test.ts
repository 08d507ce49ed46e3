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

  it('copies again only what changed: unchanged parts of a saved-again snapshot are reused', () => {
    const snapshot = sampleSnapshot();
    const first = frozenCopy(snapshot);
    snapshot.turn = 3;
    snapshot.messages.push({ role: 'user', content: 'more' });
    const second = frozenCopy(snapshot);
    expect(second).not.toBe(first);
    expect(second.turn).toBe(3);
    expect(first.turn).toBe(2);
    expect(second.messages).not.toBe(first.messages);
    expect(second.messages).toHaveLength(first.messages.length + 1);
    // The conversation so far, the usage and the records are the same frozen objects.
    for (let i = 0; i < first.messages.length; i++) {
      expect(second.messages[i]).toBe(first.messages[i]);
    }
    expect(second.usage).toBe(first.usage);
    expect(second.toolCalls).toBe(first.toolCalls);
    // Nothing changed at all: the previous copy itself.
    expect(frozenCopy(snapshot)).toBe(second);
  });

  it('sees a change made in place deep inside a reused part', () => {
    const snapshot = sampleSnapshot();
    const first = frozenCopy(snapshot);
    const call = (snapshot.messages[6] as { tool_calls: { function: { arguments: string } }[] })
      .tool_calls[0];
    if (call === undefined) throw new Error('fixture');
    call.function.arguments = '{"order":43}';
    const second = frozenCopy(snapshot);
    expect(second.messages[6]).not.toBe(first.messages[6]);
    expect(second.messages[6]).toEqual(snapshot.messages[6]);
    expect(second.messages[5]).toBe(first.messages[5]);
    expect(JSON.stringify(first.messages[6])).toContain('{\\"order\\":42}');
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
