import { describe, expect, it } from 'vitest';
import { checkpointer } from '../../packages/core/src/run/checkpointer.js';
import type { RunSnapshot } from '../../packages/core/src/run/run-snapshot.js';
import { deferred } from '../support/deferred.js';
import { sampleSnapshot } from './run-snapshot-sample.js';

/** `take` for the checkpointer: a new snapshot each time, its turn counting the takes. */
function counter() {
  let turn = 0;
  return () => {
    const snapshot = sampleSnapshot('run_c');
    turn += 1;
    snapshot.turn = turn;
    return snapshot;
  };
}

describe('checkpointer', () => {
  it('without a store takes nothing and returns no promise', () => {
    let taken = 0;
    const checkpoint = checkpointer({ save: undefined, saveNow: undefined }, () => {
      taken += 1;
      return sampleSnapshot();
    });
    expect(checkpoint()).toBeUndefined();
    expect(taken).toBe(0);
  });

  it('hands each snapshot to saveNow and returns no promise when the store took it', () => {
    const handed: RunSnapshot[] = [];
    const saved: RunSnapshot[] = [];
    const checkpoint = checkpointer(
      {
        save: async (s) => {
          saved.push(s);
        },
        saveNow: (s) => {
          handed.push(s);
          return true;
        },
      },
      counter(),
    );
    expect(checkpoint()).toBeUndefined();
    expect(checkpoint()).toBeUndefined();
    expect(handed.map((s) => s.turn)).toEqual([1, 2]);
    expect(saved).toEqual([]);
  });

  it('saves through save, the same snapshot, once saveNow declines; and never asks again', async () => {
    let asked = 0;
    const saved: number[] = [];
    const checkpoint = checkpointer(
      {
        save: async (s) => {
          saved.push(s.turn);
        },
        saveNow: () => {
          asked += 1;
          return false;
        },
      },
      counter(),
    );
    await checkpoint();
    await checkpoint();
    expect(asked).toBe(1);
    expect(saved).toEqual([1, 2]);
  });

  it('a saveNow that throws: the checkpoint rejects with its error', async () => {
    const checkpoint = checkpointer(
      {
        save: async () => {},
        saveNow: () => {
          throw new Error('refused');
        },
      },
      counter(),
    );
    await expect(checkpoint()).rejects.toThrow('refused');
  });

  it('async saves: one at a time, in order; checkpoints asked for meanwhile share the next write', async () => {
    const gate = deferred();
    const saved: number[] = [];
    const checkpoint = checkpointer(
      {
        save: async (s) => {
          if (s.turn === 1) await gate.promise;
          saved.push(s.turn);
        },
        saveNow: undefined,
      },
      counter(),
    );
    const first = checkpoint();
    const second = checkpoint();
    const third = checkpoint();
    expect(third).toBe(second);
    gate.resolve();
    await Promise.all([first, second, third]);
    expect(saved).toEqual([1, 2]);
  });
});
