import { Agent, InMemoryRunStore, type RunSnapshot } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** An InMemoryRunStore that also keeps every snapshot the run handed it, with its JSON then. */
class RecordingStore extends InMemoryRunStore {
  readonly saved: Array<{ snapshot: RunSnapshot; json: string }> = [];

  override async save(snapshot: RunSnapshot): Promise<void> {
    this.saved.push({ snapshot, json: JSON.stringify({ ...snapshot, savedAt: '' }) });
    return super.save(snapshot);
  }
}

/** Two turns of one `stock` call each, then the answer; `stock` returns an object it keeps. */
function stockAgent(store: RecordingStore) {
  const returned: Array<{ item: string; count: number }> = [];
  const stock = tool({
    name: 'stock',
    description: 'Counts an item',
    parameters: z.object({ item: z.string() }),
    execute: ({ item }) => {
      const value = { item, count: 3 };
      returned.push(value);
      return value;
    },
  });
  const model = new ScriptedModel([
    { toolCalls: [{ id: 'call_1', name: 'stock', arguments: { item: 'nails' } }] },
    { toolCalls: [{ id: 'call_2', name: 'stock', arguments: { item: 'screws' } }] },
    'Counted both.',
  ]);
  const agent = new Agent({ name: 'stock', model, tools: [stock], runStore: store });
  return { agent, returned };
}

describe('the snapshots a run checkpoints', () => {
  it('never change as the run goes on, nor when the caller or a tool edits what the run gave them', async () => {
    const store = new RecordingStore();
    const { agent, returned } = stockAgent(store);
    const result = await agent.run('Count the nails and screws.');
    expect(result.text).toBe('Counted both.');
    // start, then per tool turn: reply, tool start, tool end, turn end; then the answer's two.
    expect(store.saved).toHaveLength(11);

    // The caller edits the result's messages and records; the tool edits what it returned.
    (result.messages[1] as { content: unknown }).content = 'edited';
    result.messages.push({ role: 'user', content: 'pushed' });
    (result.toolCalls[0]?.arguments as { item: string }).item = 'edited';
    for (const value of returned) value.count = 0;

    for (const { snapshot, json } of store.saved) {
      expect(JSON.stringify({ ...snapshot, savedAt: '' })).toBe(json);
    }
    const last = store.saved.at(-1)?.json ?? '';
    expect(JSON.stringify({ ...(await store.load(result.runId)), savedAt: '' })).toBe(last);
    expect(last).toContain('"count":3');
    expect(last).not.toContain('edited');
  });

  it('share the conversation and the finished calls, frozen, instead of copying them at every checkpoint', async () => {
    const store = new RecordingStore();
    const { agent } = stockAgent(store);
    await agent.run('Count the nails and screws.');
    const snapshots = store.saved.map((s) => s.snapshot);
    // Checkpoints 2-4 of the first turn (reply, tool start, tool end) hold the same conversation.
    const [, reply, started, ended, turnEnd] = snapshots;
    if (!reply || !started || !ended || !turnEnd) throw new Error('fewer checkpoints');
    expect(started.messages).toBe(reply.messages);
    expect(ended.messages).toBe(reply.messages);
    expect(Object.isFrozen(reply.messages)).toBe(true);
    // The next checkpoint adds the tool's result and keeps the messages before it.
    expect(turnEnd.messages).toHaveLength(reply.messages.length + 1);
    reply.messages.forEach((message, i) => {
      expect(turnEnd.messages[i]).toBe(message);
      expect(Object.isFrozen(message)).toBe(true);
    });
    const record = turnEnd.toolCalls[0];
    expect(record?.outcome.value).toEqual({ item: 'nails', count: 3 });
    expect(Object.isFrozen(record?.outcome.value)).toBe(true);
    expect(snapshots.at(-1)?.toolCalls[0]).toBe(record);
  });
});
