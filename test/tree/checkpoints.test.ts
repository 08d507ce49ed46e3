import { InMemoryRunStore, type RunSnapshot, RunState } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { deferred } from '../support/deferred.js';
import {
  chain,
  expectNoDuplicates,
  expectTreeOrder,
  expectValidRequests,
  type Ledger,
  listen,
  workTool,
} from './tree-harness.js';

/**
 * Runs a depth-2 tree with a run store until the leaf's tool has started, keeps the checkpoint
 * the store holds at that moment (what a crash would leave), then abandons the run.
 */
async function crashDuringLeafTool(idempotent: boolean) {
  const ledger: Ledger = [];
  const store = new InMemoryRunStore();
  const started = deferred();
  const { root } = chain(
    2,
    workTool(ledger, 'work', {
      idempotent,
      gate: (signal) => {
        started.resolve();
        return new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
    }),
    { runStore: store },
  );
  const events = listen(root);
  const controller = new AbortController();
  const running = root.run('start', { signal: controller.signal }).catch(() => undefined);
  await started.promise;
  const runId = events[0]?.runId as string;
  const atCrash = structuredClone(await store.load(runId)) as RunSnapshot;
  controller.abort();
  await running;
  const survivor = new InMemoryRunStore();
  await survivor.save(atCrash);
  return { ledger, runId, atCrash, survivor };
}

describe('checkpoints cover the children: the tree is saved inside the root snapshot', () => {
  it('the root checkpoint holds each child run, down to the leaf call marked started', async () => {
    const { atCrash } = await crashDuringLeafTool(false);
    expect(atCrash.agent).toBe('a0');
    const a1 = atCrash.pending?.[0]?.child;
    const a2 = a1?.pending?.[0]?.child;
    expect(atCrash.pending?.[0]).toMatchObject({ name: 'a1', status: 'started' });
    expect(a1).toMatchObject({ agent: 'a1', status: 'running' });
    expect(a1?.pending?.[0]).toMatchObject({ name: 'a2', status: 'started' });
    expect(a2?.pending?.[0]).toMatchObject({ name: 'work', status: 'started' });
    // The checkpoint reads back as a valid state.
    expect(RunState.fromSnapshot(atCrash).runId).toBe(atCrash.runId);
  });

  it('resume after a crash: a non-idempotent call deep down becomes an unknown_outcome at the root', async () => {
    const { ledger, runId, survivor } = await crashDuringLeafTool(false);
    expect(ledger).toEqual(['work:2']);
    const after = chain(2, workTool(ledger, 'work'), { runStore: survivor });
    const events = listen(after.root);
    const paused = await after.root.resume(runId);
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions).toMatchObject([
      { kind: 'unknown_outcome', name: 'work', path: ['a0', 'a1', 'a2'] },
    ]);
    // Nobody ran it again on their own, and no model was asked again.
    expect(ledger).toEqual(['work:2']);
    for (const model of after.models) expect(model.requests).toHaveLength(0);

    paused.state.approve(paused.interruptions[0] as never);
    const done = await after.root.run(paused.state);
    expect(done.status).toBe('completed');
    expect(ledger).toEqual(['work:2', 'work:2']);
    expect(after.models.map((m) => m.requests.length)).toEqual([1, 1, 1]);
    expectTreeOrder(events);
    expectValidRequests(after.models);
  });

  it('resume after a crash: an idempotent call deep down runs again and the tree answers', async () => {
    const { ledger, runId, survivor } = await crashDuringLeafTool(true);
    const after = chain(2, workTool(ledger, 'work', { idempotent: true }), { runStore: survivor });
    const events = listen(after.root);
    const done = await after.root.resume(runId);
    expect(done.status).toBe('completed');
    expect(done.text).toBe('a0 answered');
    expect(ledger).toEqual(['work:2', 'work:2']);
    // The children continued their own runs.
    const starts = events.filter((e) => e.type === 'run:start');
    expect(starts.map((e) => e.agent)).toEqual(['a0', 'a1', 'a2']);
    expect(starts.every((e) => e.type === 'run:start' && e.resumed)).toBe(true);
    expectTreeOrder(events);
    expectValidRequests(after.models);
  });

  it('a completed child leaves nothing of itself in the root snapshot', async () => {
    const ledger: Ledger = [];
    const store = new InMemoryRunStore();
    const { root } = chain(2, workTool(ledger), { runStore: store });
    const result = await root.run('start');
    const saved = await store.load(result.runId);
    expect(saved?.status).toBe('completed');
    expect(saved?.pending).toBeUndefined();
    expect(JSON.stringify(saved)).not.toContain('"child"');
    expect(Object.keys(saved?.usageByAgent ?? {}).sort()).toEqual(['a0', 'a1', 'a2']);
    expectNoDuplicates(ledger);
  });
});
