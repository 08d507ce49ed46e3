/**
 * Review: a `Model` whose `stream()` ignores the call's signal. The run rejects promptly either
 * way (it races the abort), but the loop went on pulling chunks from the abandoned stream for as
 * long as the model kept producing them, forever for an endless one. Once the run is aborted it
 * must stop reading and close the model's stream (its `finally` runs).
 */
import { Agent, type Model, type ModelStreamEvent, RunAbortedError } from '@agentloop/core';
import { describe, expect, it } from 'vitest';

function endlessModel() {
  const state = { pulled: 0, closed: false };
  const model: Model = {
    name: 'gpt-4o-mini',
    generate: async () => {
      throw new Error('not used');
    },
    async *stream(): AsyncGenerator<ModelStreamEvent> {
      try {
        for (;;) {
          state.pulled += 1;
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield { type: 'text-delta', delta: 'x' };
        }
      } finally {
        state.closed = true;
      }
    },
  };
  return { model, state };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('a model stream that ignores its signal', () => {
  it('is closed once the caller aborts the run', async () => {
    const { model, state } = endlessModel();
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
    await until(() => state.pulled > 5);
    controller.abort();
    expect(RunAbortedError.isInstance(await consumed)).toBe(true);
    await until(() => state.closed);
    expect(state.closed).toBe(true);
    const pulledAtClose = state.pulled;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(state.pulled).toBe(pulledAtClose);
  });

  it('is closed when the consumer breaks out of the loop', async () => {
    const { model, state } = endlessModel();
    const agent = new Agent({ name: 'endless', model });
    for await (const event of agent.stream('go')) {
      if (event.type === 'text:delta') break;
    }
    await until(() => state.closed);
    expect(state.closed).toBe(true);
  });
});
