/**
 * What every `RunStore` promises, as one suite: `runStoreContract('InMemoryRunStore', () => new
 * InMemoryRunStore())`. Each store's own test file runs it, then tests what only that store does.
 */
import { describe, expect, it } from 'vitest';
import { RunStateError } from '../../packages/core/src/errors/run-state-error.js';
import type { RunSnapshot } from '../../packages/core/src/run/run-snapshot.js';
import type { RunStore } from '../../packages/core/src/run/run-store.js';
import { sampleSnapshot } from './run-snapshot-sample.js';

export { sampleSnapshot };

/** The JSON a snapshot stands for: what any store, in memory or on disk, must give back. */
function json(snapshot: RunSnapshot | undefined): unknown {
  return snapshot === undefined ? undefined : JSON.parse(JSON.stringify(snapshot));
}

async function refusal(promise: Promise<unknown>): Promise<RunStateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(RunStateError.isInstance(error), String(error)).toBe(true);
  return error as RunStateError;
}

/**
 * Runs the contract of {@link RunStore} against a store.
 *
 * @param name - The suite's name.
 * @param make - A new, empty store; called once per test (after any `beforeEach` of the caller).
 */
export function runStoreContract(name: string, make: () => RunStore | Promise<RunStore>): void {
  describe(`${name} (RunStore contract)`, () => {
    it('loads undefined for a run it never saw', async () => {
      const store = await make();
      expect(await store.load('run_unknown')).toBeUndefined();
    });

    it('loads the latest snapshot saved for a run, whole', async () => {
      const store = await make();
      const first = sampleSnapshot('run_a');
      await store.save(first);
      expect(json(await store.load('run_a'))).toEqual(json(first));
      const second = sampleSnapshot('run_a');
      second.turn = 3;
      second.status = 'running';
      second.interruptions = [];
      second.messages.push({ role: 'user', content: 'one more' });
      await store.save(second);
      expect(json(await store.load('run_a'))).toEqual(json(second));
    });

    it('keeps runs apart by id', async () => {
      const store = await make();
      const a = sampleSnapshot('run_a');
      const b = sampleSnapshot('run_b');
      b.turn = 7;
      await store.save(a);
      await store.save(b);
      expect((await store.load('run_a'))?.turn).toBe(a.turn);
      expect((await store.load('run_b'))?.turn).toBe(7);
    });

    it('is not changed by later edits of a saved or a loaded snapshot', async () => {
      const store = await make();
      const saved = sampleSnapshot('run_a');
      const expected = json(saved);
      await store.save(saved);
      saved.turn = 99;
      (saved.messages[1] as { content: string }).content = 'edited after the save';
      (saved.usage as { promptTokens: number }).promptTokens = 1;
      const loaded = await store.load('run_a');
      expect(json(loaded)).toEqual(expected);
      // What load gives belongs to the caller: it may change it freely.
      if (loaded === undefined) throw new Error('not stored');
      loaded.turn = 100;
      (loaded.messages[1] as { content: string }).content = 'edited after the load';
      loaded.messages.push({ role: 'user', content: 'pushed' });
      expect(json(await store.load('run_a'))).toEqual(expected);
    });

    it('stores what changed in place since the last save, however deep', async () => {
      const store = await make();
      const snapshot = sampleSnapshot('run_a');
      await store.save(snapshot);
      // The loop may keep one snapshot object and edit it between checkpoints.
      (snapshot.messages[1] as { content: string }).content = 'changed in place';
      const pending = snapshot.pending?.[0];
      if (pending === undefined) throw new Error('the fixture has pending calls');
      pending.status = 'started';
      const call = snapshot.messages[6] as { tool_calls: { function: { arguments: string } }[] };
      (call.tool_calls[1] as { function: { arguments: string } }).function.arguments =
        '{"city":"Bergen"}';
      snapshot.status = 'running';
      snapshot.interruptions = [];
      await store.save(snapshot);
      expect(json(await store.load('run_a'))).toEqual(json(snapshot));
      // And a field removed since is gone.
      delete snapshot.summary;
      delete snapshot.pending;
      await store.save(snapshot);
      const loaded = await store.load('run_a');
      expect(loaded).not.toHaveProperty('pending');
      expect(json(loaded)).toEqual(json(snapshot));
    });

    it('deletes a run, and deleting an unknown run does nothing', async () => {
      const store = await make();
      await store.save(sampleSnapshot('run_a'));
      await store.save(sampleSnapshot('run_b'));
      await store.delete('run_a');
      await store.delete('run_a');
      await store.delete('run_never');
      expect(await store.load('run_a')).toBeUndefined();
      expect(await store.load('run_b')).toBeDefined();
    });

    it('refuses to save what has no run id, naming the field', async () => {
      const store = await make();
      const snapshot = sampleSnapshot();
      (snapshot as { runId: unknown }).runId = '';
      const error = await refusal(store.save(snapshot));
      expect(error.code).toBe('invalid_run_state');
      expect(error.field).toBe('runId');
      expect(error.message).toMatch(/runId is empty/);
      expect((await refusal(store.save(null as unknown as RunSnapshot))).message).toMatch(
        /got null instead of a snapshot/,
      );
    });

    it('refuses a second claim on a run while the first is held, naming the run', async () => {
      const store = await make();
      const first = await store.claim('run_a');
      const error = await refusal(store.claim('run_a'));
      expect(error.code).toBe('run_in_progress');
      expect(error.runId).toBe('run_a');
      expect(error.message).toMatch(/Run "run_a" is in progress/);
      expect(error.message).toMatch(/Wait until that run stops.*release the claim/);
      // Other runs are not held.
      const other = await store.claim('run_b');
      await other.release();
      await first.release();
    });

    it('gives a run to exactly one of two racing claims', async () => {
      const store = await make();
      const settled = await Promise.allSettled([store.claim('run_a'), store.claim('run_a')]);
      const held = settled.filter((s) => s.status === 'fulfilled');
      const refused = settled.filter((s) => s.status === 'rejected');
      expect(held).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'run_in_progress',
      });
      await (held[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    });

    it('can claim a run again once released; a release twice does not free a later claim', async () => {
      const store = await make();
      const first = await store.claim('run_a');
      await first.release();
      await first.release();
      const second = await store.claim('run_a');
      // The first holder releasing again must not free the run under the second one.
      await first.release();
      expect((await refusal(store.claim('run_a'))).code).toBe('run_in_progress');
      await second.release();
      await (await store.claim('run_a')).release();
    });

    it('keeps claims apart from checkpoints: saving, loading and deleting ignore them', async () => {
      const store = await make();
      const claim = await store.claim('run_a');
      await store.save(sampleSnapshot('run_a'));
      expect(await store.load('run_a')).toBeDefined();
      await store.delete('run_a');
      expect(await store.load('run_a')).toBeUndefined();
      expect((await refusal(store.claim('run_a'))).code).toBe('run_in_progress');
      await claim.release();
    });
  });
}
