import { Agent, ConfigurationError, InMemoryRunStore } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { describe, expect, it } from 'vitest';

// A queue hands out the run id before the run starts and runs the user's agents with its own
// store: the run options `runId` and `runStore` let it.
describe('the run options runId and runStore', () => {
  it('a new run takes the given id, and checkpoints into the run store of the run, not the agent', async () => {
    const agentStore = new InMemoryRunStore();
    const runStore = new InMemoryRunStore();
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel(['Hi.']),
      runStore: agentStore,
    });
    const seen: string[] = [];
    const result = await agent.run('Hello', {
      runId: 'queued-1',
      runStore,
      hooks: { onEvent: (e) => seen.push(e.runId) },
    });
    expect(result.runId).toBe('queued-1');
    expect(new Set(seen)).toEqual(new Set(['queued-1']));
    expect((await runStore.load('queued-1'))?.status).toBe('completed');
    expect(await agentStore.load('queued-1')).toBeUndefined();
  });

  it('agent.resume reads the run store of the run', async () => {
    const runStore = new InMemoryRunStore();
    const failing = new Agent({ name: 'a', model: new ScriptedModel([new Error('down')]) });
    await expect(failing.run('Hello', { runId: 'r2', runStore })).rejects.toThrow();
    expect((await runStore.load('r2'))?.status).toBe('failed');
    const agent = new Agent({ name: 'a', model: new ScriptedModel(['Back.']) });
    const result = await agent.resume('r2', { runStore });
    expect(result.text).toBe('Back.');
  });

  it('a bad runId or runStore is refused before the run starts', async () => {
    const agent = new Agent({ name: 'a', model: new ScriptedModel(['Hi.']) });
    await expect(agent.run('x', { runId: '' })).rejects.toThrow(ConfigurationError);
    await expect(agent.run('x', { runId: '' })).rejects.toThrow(/run option "runId"/);
    await expect(
      agent.run('x', { runStore: { save() {} } as unknown as InMemoryRunStore }),
    ).rejects.toThrow(/"runStore" must be a RunStore/);
  });
});
