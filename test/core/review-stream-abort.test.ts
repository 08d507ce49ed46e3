/**
 * Review: a `Model` whose `stream()` ignores the call's signal. The run rejects promptly either
 * way (it races the abort), but the loop went on pulling chunks from the abandoned stream for as
 * long as the model kept producing them, forever for an endless one. Once the run is aborted it
 * must stop reading and close the model's stream (its `finally` runs).
 */
import { Agent, type Model, type ModelStreamEvent, RunAbortedError } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { deferred, settleEventLoop } from '../support/deferred.js';

/**
 * A model that streams forever, one chunk per event-loop turn (a macrotask, so an abort or a
 * test's check always gets its turn), until its stream is closed.
 */
function endlessModel() {
  const state = { pulled: 0, closed: false };
  const pulledSix = deferred();
  const closed = deferred();
  const model: Model = {
    name: 'gpt-4o-mini',
    generate: async () => {
      throw new Error('not used');
    },
    async *stream(): AsyncGenerator<ModelStreamEvent> {
      try {
        for (;;) {
          state.pulled += 1;
          if (state.pulled > 5) pulledSix.resolve();
          await new Promise((resolve) => setImmediate(resolve));
          yield { type: 'text-delta', delta: 'x' };
        }
      } finally {
        state.closed = true;
        closed.resolve();
      }
    },
  };
  return { model, state, pulledSix: pulledSix.promise, closed: closed.promise };
}

/**
 * Waits for the stream to close, or for enough event-loop turns that an endless stream left
 * open would have pulled many more chunks; the caller then asserts it closed.
 */
const closedOrGaveUp = (closed: Promise<void>) => Promise.race([closed, settleEventLoop(100)]);

describe('a model stream that ignores its signal', () => {
  it('is closed once the caller aborts the run', async () => {
    const { model, state, pulledSix, closed } = endlessModel();
    const agent = new Agent({ name: 'endless', model });
    const controller = new AbortController();
    const stream = agent.stream('go', { signal: controller.signal });
    const consumed = (async () => {
      try {
        for await (const _event of stream) {
          // Drain.
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    await pulledSix;
    controller.abort();
    expect(RunAbortedError.isInstance(await consumed)).toBe(true);
    await closedOrGaveUp(closed);
    expect(state.closed).toBe(true);
    const pulledAtClose = state.pulled;
    await settleEventLoop(20);
    expect(state.pulled).toBe(pulledAtClose);
  });

  it('is closed when the consumer breaks out of the loop', async () => {
    const { model, state, closed } = endlessModel();
    const agent = new Agent({ name: 'endless', model });
    for await (const event of agent.stream('go')) {
      if (event.type === 'text:delta') break;
    }
    await closedOrGaveUp(closed);
    expect(state.closed).toBe(true);
  });
});
