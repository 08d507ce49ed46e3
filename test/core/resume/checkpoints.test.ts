import { InMemoryRunStore, RunStateError } from '@agentloop/core';
import { InMemoryStore } from '@agentloop/memory';
import { describe, expect, it } from 'vitest';
import { deferred } from '../../support/deferred.js';
import {
  describeSnapshot,
  RecordingRunStore,
  shopAgent,
  storeAt,
  turnOne,
} from './resume-support.js';

describe('checkpoints', () => {
  it('are taken at the start, when the reply arrives, before each tool starts, after each ends and at turn end', async () => {
    const runStore = new RecordingRunStore();
    const { agent } = shopAgent({ replies: [turnOne, 'Paid.'], runStore });
    const result = await agent.run('Pay 5 euros');
    expect(result.status).toBe('completed');
    const steps = runStore.saved.map(describeSnapshot);
    // Writes asked for while one is under way share the next, so the two calls' starts (and
    // ends) may land in one checkpoint; every step is covered in order either way.
    expect(steps[0]).toBe('running t0 [-] u');
    expect(steps[1]).toBe('running t1 [charge=waiting,fetch_rate=waiting] ua');
    const chargeStarted = steps.findIndex((s) => s.includes('charge=started'));
    const chargeDone = steps.findIndex((s) => s.includes('charge=done'));
    const turnEnd = steps.indexOf('running t1 [-] uatt');
    expect(chargeStarted).toBeGreaterThan(1);
    expect(chargeDone).toBeGreaterThan(chargeStarted);
    expect(steps.some((s) => s.includes('fetch_rate=started'))).toBe(true);
    expect(turnEnd).toBeGreaterThan(chargeDone);
    expect(steps.at(-2)).toBe('running t2 [-] uatta');
    expect(steps.at(-1)).toBe('completed t2 [-] uatta');
    // A checkpoint is whole: the done outcome is in it.
    const done = runStore.saved[chargeDone]?.pending?.find((p) => p.name === 'charge');
    expect(done?.outcome).toMatchObject({ ok: true, output: 'charged 500' });
    expect((await runStore.load(result.runId))?.status).toBe('completed');
  });

  it('a run without a store takes none and waits for none', async () => {
    const { agent } = shopAgent({ replies: [turnOne, 'Paid.'] });
    const result = await agent.run('Pay');
    expect(result.status).toBe('completed');
    expect(result.state.status).toBe('completed');
  });
});

describe('agent.resume after a crash', () => {
  async function checkpointsOfOneRun() {
    const runStore = new RecordingRunStore();
    const log: string[] = [];
    const { agent } = shopAgent({ replies: [turnOne, 'Paid.'], runStore, log });
    const result = await agent.run('Pay 5 euros');
    return { saved: runStore.saved, runId: result.runId, log, transcript: result.messages };
  }

  it('from the reply: the calls run once, the model is not asked that turn again', async () => {
    const { saved, runId, transcript } = await checkpointsOfOneRun();
    const atReply = saved.find((s) => s.pending?.every((p) => p.status === 'waiting'));
    if (!atReply) throw new Error('no checkpoint at the reply');
    const log: string[] = [];
    const { agent, model } = shopAgent({
      replies: ['Paid.'],
      runStore: await storeAt(atReply),
      log,
    });
    const result = await agent.resume(runId);
    expect(result.status).toBe('completed');
    expect(log).toEqual([`charge:500:${runId}:call_c`, `fetch_rate:EURUSD:${runId}:call_f`]);
    expect(model.callCount).toBe(1);
    expect(result.messages).toEqual(transcript);
    expect(result.turns).toBe(2);
  });

  it('a call recorded done never runs again', async () => {
    const { saved, runId, transcript } = await checkpointsOfOneRun();
    const bothDone = saved.find((s) => s.pending?.every((p) => p.status === 'done'));
    if (!bothDone) throw new Error('no checkpoint with both calls done');
    const log: string[] = [];
    const { agent } = shopAgent({ replies: ['Paid.'], runStore: await storeAt(bothDone), log });
    const result = await agent.resume(runId);
    expect(log).toEqual([]);
    expect(result.messages).toEqual(transcript);
    expect(result.toolCalls.map((c) => [c.name, c.outcome.output])).toEqual([
      ['charge', 'charged 500'],
      ['fetch_rate', 'EURUSD 1.1'],
    ]);
  });

  it('started, not done: an idempotent tool runs again with the same key; any other is an unknown_outcome interruption', async () => {
    const { saved, runId, log: firstLog } = await checkpointsOfOneRun();
    const midFlight = saved.find((s) =>
      s.pending?.every((p) => p.status === 'started' || p.status === 'waiting'),
    );
    const chargeStarted = saved.find(
      (s) => s.pending?.find((p) => p.name === 'charge')?.status === 'started',
    );
    if (!midFlight || !chargeStarted) throw new Error('no checkpoint mid-flight');
    // Make both calls started-not-done, as a crash while both ran leaves them.
    const crashed = structuredClone(chargeStarted);
    for (const p of crashed.pending ?? []) {
      p.status = 'started';
      delete p.outcome;
    }
    const log: string[] = [];
    const { agent, model } = shopAgent({
      replies: ['Paid.'],
      runStore: await storeAt(crashed),
      log,
    });
    const paused = await agent.resume(runId);
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions).toEqual([
      expect.objectContaining({ kind: 'unknown_outcome', name: 'charge', args: { cents: 500 } }),
    ]);
    // The idempotent call ran again, with the key it had the first time.
    expect(log).toEqual([`fetch_rate:EURUSD:${runId}:call_f`]);
    expect(firstLog).toContain(`fetch_rate:EURUSD:${runId}:call_f`);
    expect(model.callCount).toBe(0);

    // Rejected: the model is told it was not run again; the charge stays at one.
    paused.state.reject(paused.interruptions[0]?.id ?? '');
    const done = await agent.run(paused.state);
    expect(done.status).toBe('completed');
    expect(log).toEqual([`fetch_rate:EURUSD:${runId}:call_f`]);
    const charge = model.requests[0]?.messages.find(
      (m) => m.role === 'tool' && m.tool_call_id === 'call_c',
    );
    expect(charge?.content).toMatch(/may or may not have taken effect; it was not run again/);
  });

  it('an unknown_outcome approved runs the call again, once', async () => {
    const { saved, runId } = await checkpointsOfOneRun();
    const chargeStarted = saved.find(
      (s) => s.pending?.find((p) => p.name === 'charge')?.status === 'started',
    );
    if (!chargeStarted) throw new Error('no checkpoint with the charge started');
    const log: string[] = [];
    const { agent } = shopAgent({
      replies: ['Paid.'],
      runStore: await storeAt(chargeStarted),
      log,
    });
    const paused = await agent.resume(runId);
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    await agent.run(paused.state);
    expect(log.filter((l) => l.startsWith('charge'))).toEqual([`charge:500:${runId}:call_c`]);
  });

  it('from the end of a turn: the next model call is made, nothing else', async () => {
    const { saved, runId, transcript } = await checkpointsOfOneRun();
    const turnEnd = saved.find((s) => s.turn === 1 && !s.pending && s.messages.length === 4);
    if (!turnEnd) throw new Error('no turn-end checkpoint');
    const log: string[] = [];
    const { agent, model } = shopAgent({
      replies: ['Paid.'],
      runStore: await storeAt(turnEnd),
      log,
    });
    const events: string[] = [];
    const result = await agent.resume(runId, {
      hooks: { onEvent: (e) => void events.push(e.type) },
    });
    expect(log).toEqual([]);
    expect(model.callCount).toBe(1);
    expect(result.messages).toEqual(transcript);
    expect(events[0]).toBe('run:start');
    expect(events.at(-1)).toBe('run:end');
  });

  it('a session turn is appended once, even when the turn is stored again after a resume', async () => {
    const memory = new InMemoryStore();
    const runStore = new RecordingRunStore();
    const first = shopAgent({ replies: [turnOne, 'Paid.'], runStore, memory });
    const result = await first.agent.run('Pay', { sessionId: 'ada' });
    // Resume from the checkpoint taken after the tools ended, before the turn was stored:
    // the resumed run stores turn 1 and turn 2 again, and the store keeps each once.
    const beforeTurnEnd = runStore.saved.find((s) => s.pending?.every((p) => p.status === 'done'));
    if (!beforeTurnEnd) throw new Error('no checkpoint with both calls done');
    const second = shopAgent({
      replies: ['Paid.'],
      runStore: await storeAt(beforeTurnEnd),
      memory,
    });
    await second.agent.resume(result.runId);
    const history = await memory.load('ada');
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
  });

  it('an aborted run leaves its mid-flight call started, so resuming asks about it', async () => {
    const runStore = new InMemoryRunStore();
    const hold = deferred<void>();
    const controller = new AbortController();
    const log: string[] = [];
    const { agent } = shopAgent({ replies: [turnOne], runStore, log, hold: hold.promise });
    let runId = '';
    const running = agent.run('Pay', {
      signal: controller.signal,
      hooks: {
        'tool:start': (e) => {
          runId = e.runId;
          if (e.name === 'charge') queueMicrotask(() => controller.abort());
        },
      },
    });
    await expect(running).rejects.toMatchObject({ code: 'run_aborted' });
    hold.resolve();
    const snapshot = await runStore.load(runId);
    expect(snapshot?.status).toBe('failed');
    expect(snapshot?.pending?.find((p) => p.name === 'charge')?.status).toBe('started');

    const again = shopAgent({ replies: ['Paid.'], runStore, log });
    const paused = await again.agent.resume(runId);
    expect(paused.interruptions.map((i) => [i.kind, i.name])).toEqual([
      ['unknown_outcome', 'charge'],
    ]);
  });

  it('refuses what cannot be resumed: an unknown run, a completed one, one going on', async () => {
    const runStore = new InMemoryRunStore();
    const hold = deferred<void>();
    const { agent } = shopAgent({ replies: [turnOne, 'Paid.'], runStore, hold: hold.promise });
    await expect(agent.resume('run_nope')).rejects.toMatchObject({ code: 'run_not_found' });

    let runId = '';
    const started = deferred<void>();
    const running = agent.run('Pay', {
      hooks: {
        'tool:start': (e) => {
          runId = e.runId;
          started.resolve();
        },
      },
    });
    await started.promise;
    const twice = await agent.resume(runId).catch((e: unknown) => e);
    expect(RunStateError.isInstance(twice) && twice.code).toBe('run_in_progress');
    hold.resolve();
    await running;
    await expect(agent.resume(runId)).rejects.toMatchObject({ code: 'run_completed' });
  });
});
