import { describe, expect, it } from 'vitest';
import {
  chain,
  expectNoDuplicates,
  expectTreeOrder,
  expectUsage,
  expectValidRequests,
  type Ledger,
  listen,
  runsOf,
  workTool,
} from './tree-harness.js';

describe.each([1, 2, 3])('a tree of depth %i', (depth) => {
  it('runs every child to its answer; one ordered stream, usage per agent, valid requests', async () => {
    const ledger: Ledger = [];
    const { root, models } = chain(depth, workTool(ledger));
    const events = listen(root);
    const result = await root.run('start');

    expect(result.status).toBe('completed');
    expect(result.text).toBe('a0 answered');
    expect(ledger).toEqual([`work:${depth}`]);
    expectNoDuplicates(ledger);
    expectTreeOrder(events);
    expectUsage(result, events);
    expect(Object.keys(result.usageByAgent).sort()).toEqual(
      Array.from({ length: depth + 1 }, (_, i) => `a${i}`),
    );
    // Runs start root first and end leaf first.
    const names = Array.from({ length: depth + 1 }, (_, i) => `a${i}`);
    expect(runsOf(events, 'run:start')).toEqual(names);
    expect(runsOf(events, 'run:end')).toEqual([...names].reverse());
    // Each parent's model saw its child's answer as the tool result.
    for (let level = 0; level < depth; level++) {
      const second = models[level]?.requests[1];
      expect(second?.messages.at(-1)).toMatchObject({
        role: 'tool',
        content: `a${level + 1} answered`,
      });
    }
    expect(expectValidRequests(models)).toBe(2 * (depth + 1));
  });

  it('streams the whole tree from the root, in the order the listeners saw it', async () => {
    const ledger: Ledger = [];
    const { root, models } = chain(depth, workTool(ledger));
    const heard = listen(root);
    const stream = root.stream('start', { highWaterMark: 2 });
    const streamed = [];
    let most = 0;
    for await (const event of stream) {
      streamed.push(event);
      most = Math.max(most, stream.bufferedCount);
      // A slow consumer: the tree waits for it, nothing is lost or reordered.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await stream.result;
    // Backpressure reaches the children: the buffer never holds more than a step's events.
    expect(most).toBeLessThanOrEqual(8);
    expect(streamed.length).toBeGreaterThan(4 * most);
    expect(streamed).toEqual(heard);
    expect(streamed.filter((e) => e.type === 'text:delta').map((e) => e.agent)).toEqual(
      expect.arrayContaining([`a${depth}`, 'a0']),
    );
    expectTreeOrder(streamed);
    expectUsage(result, streamed);
    expect(ledger).toEqual([`work:${depth}`]);
    expectValidRequests(models);
  });
});
