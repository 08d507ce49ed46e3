import { RunAbortedError } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { deferred } from '../support/deferred.js';
import {
  chain,
  expectTreeOrder,
  expectValidRequests,
  type Ledger,
  listen,
  workTool,
} from './tree-harness.js';

/** A leaf tool that hangs until its signal aborts (and one that ignores it). */
function hanging(ledger: Ledger, signals: AbortSignal[], honour = true) {
  return workTool(ledger, 'work', {
    signals,
    gate: (signal) =>
      new Promise((resolve) => {
        if (honour) signal.addEventListener('abort', () => resolve(undefined), { once: true });
      }),
  });
}

describe.each([1, 2, 3])('aborting the root while a tool runs at depth %i', (depth) => {
  it('aborts every child and the tool; one run:error per run; the root rejects RunAbortedError', async () => {
    const ledger: Ledger = [];
    const signals: AbortSignal[] = [];
    const { root, models } = chain(depth, hanging(ledger, signals));
    const events = listen(root);
    const controller = new AbortController();
    const started = deferred();
    root.on('tool:start', (e) => {
      if (e.name === 'work') started.resolve();
    });
    const running = root.run('start', { signal: controller.signal });
    await started.promise;
    controller.abort(new Error('user left'));
    const error = await running.catch((e: unknown) => e);

    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect((error as RunAbortedError).result?.runId).toBe(events[0]?.runId);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(ledger).toEqual([`work:${depth}`]);
    const errors = events.filter((e) => e.type === 'run:error');
    expect(errors.map((e) => e.agent)).toEqual(
      Array.from({ length: depth + 1 }, (_, i) => `a${depth - i}`),
    );
    expect(errors.every((e) => e.type === 'run:error' && RunAbortedError.isInstance(e.error))).toBe(
      true,
    );
    expect(events.filter((e) => e.type === 'run:end')).toEqual([]);
    expectTreeOrder(events);
    expectValidRequests(models);
  });
});

it('a child whose tool ignores its signal still ends at once with its parent', async () => {
  const ledger: Ledger = [];
  const signals: AbortSignal[] = [];
  const { root } = chain(2, hanging(ledger, signals, false));
  const events = listen(root);
  const controller = new AbortController();
  const started = deferred();
  root.on('tool:start', (e) => {
    if (e.name === 'work') started.resolve();
  });
  const running = root.run('start', { signal: controller.signal });
  await started.promise;
  controller.abort();
  await expect(running).rejects.toSatisfy(RunAbortedError.isInstance);
  expect(events.filter((e) => e.type === 'run:error')).toHaveLength(3);
  expectTreeOrder(events);
});

it('breaking out of the root stream at depth 2 cancels the tree; the stream ends quietly', async () => {
  const ledger: Ledger = [];
  const signals: AbortSignal[] = [];
  const { root } = chain(2, hanging(ledger, signals));
  const heard = listen(root);
  const streamed = [];
  for await (const event of root.stream('start')) {
    streamed.push(event);
    if (event.type === 'tool:start' && event.agent === 'a2') break;
  }
  expect(signals[0]?.aborted).toBe(true);
  expect(heard.filter((e) => e.type === 'run:error').map((e) => e.agent)).toEqual([
    'a2',
    'a1',
    'a0',
  ]);
  expectTreeOrder(heard);
  expect(streamed.at(-1)).toMatchObject({
    type: 'tool:start',
    agent: 'a2',
    path: ['a0', 'a1', 'a2'],
  });
});
