import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Agent,
  ConfigurationError,
  RunAbortedError,
  RunState,
  RunStateError,
} from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { lastJsonLine, runNode, SOURCE_FLAGS } from '../../bench/child-process.js';
import { RecordingRunStore, storeAt } from '../core/resume/resume-support.js';
import { deferred } from '../support/deferred.js';
import { refundDesk } from './handoff-agents.js';
import {
  expectNoDuplicates,
  expectOneTerminal,
  expectValidRequests,
  recordEvents,
  scripted,
  timeline,
} from './handoff-support.js';

const toRefunds = { toolCalls: [{ id: 'h1', name: 'transfer_to_refunds', arguments: {} }] };
const askRefund = {
  toolCalls: [
    { id: 'r1', name: 'refund', arguments: { order: 7 } },
    { id: 'l1', name: 'lookup', arguments: { order: 7 } },
  ],
};

describe('a handoff, then an approval', () => {
  it('pauses in the handed-off agent; the state from text continues with it, each tool once', async () => {
    const first = refundDesk({ triage: [toRefunds], refunds: [askRefund] });
    const events = recordEvents(first.triage);
    const paused = await first.triage.run('Refund order 7');

    expect(paused.status).toBe('interrupted');
    expect(paused.agent).toBe('refunds');
    expect(paused.interruptions).toEqual([
      expect.objectContaining({
        kind: 'approval',
        agent: 'refunds',
        path: ['refunds'],
        name: 'refund',
      }),
    ]);
    expect(paused.state.activeAgent).toBe('refunds');
    expect(paused.state.agent).toBe('triage');
    expect(first.ran).toEqual(['lookup:7']);
    expectOneTerminal(events, 'run:end');
    expect(events.find((e) => e.type === 'tool:interrupt')?.agent).toBe('refunds');

    // Another set of agents, as another process builds them, continues from the text.
    const state = RunState.parse(paused.state.toString());
    const second = refundDesk({ refunds: ['Refunded.'], ran: first.ran });
    const resumed = recordEvents(second.triage);
    for (const i of state.interruptions) state.approve(i);
    const done = await second.triage.run(state);

    expect(done).toMatchObject({ status: 'completed', agent: 'refunds', text: 'Refunded.' });
    expect(first.ran).toEqual(['lookup:7', `refund:7:${paused.runId}:r1`]);
    expectNoDuplicates(first.ran);
    // Only the refunds agent's model is asked, with its own instructions.
    expect(second.models.triage.requests).toHaveLength(0);
    expect(second.models.refunds.requests[0]?.messages[0]).toEqual({
      role: 'system',
      content: 'You refund orders.',
    });
    expect(new Set(resumed.map((e) => e.agent))).toEqual(new Set(['refunds']));
    expect(resumed[0]).toMatchObject({ type: 'run:start', resumed: true, agent: 'refunds' });
    expectOneTerminal(resumed, 'run:end');
    expectValidRequests(first.models.triage, first.models.refunds, second.models.refunds);
  });

  it('continues in another process from the state’s text, with the right agent', async () => {
    const first = refundDesk({ triage: [toRefunds], refunds: [askRefund] });
    const paused = await first.triage.run('Refund order 7');
    const file = join(mkdtempSync(join(tmpdir(), 'agentloop-handoff-')), 'state.json');
    writeFileSync(file, paused.state.toString());

    const child = await runNode([...SOURCE_FLAGS, 'test/tree/continue-handoff-in-child.ts', file]);
    const out = lastJsonLine<{
      status: string;
      agent: string;
      runId: string;
      text: string;
      ran: string[];
      calls: { triage: number; refunds: number };
      system: unknown;
      agents: string[];
    }>(child, 'the child continuing the handed-off run');

    expect(out).toMatchObject({
      status: 'completed',
      agent: 'refunds',
      runId: paused.runId,
      text: 'Refunded in the child.',
      ran: [`refund:7:${paused.runId}:r1`],
      calls: { triage: 0, refunds: 1 },
      system: { role: 'system', content: 'You refund orders.' },
    });
    expect(out.agents[0]).toBe('run:start@refunds');
    expect(out.agents.at(-1)).toBe('run:end@refunds');
    expect(first.ran).toEqual(['lookup:7']);
  }, 60_000);

  it('refuses a state naming an agent the run’s agent does not reach, before the run starts', async () => {
    const first = refundDesk({ triage: [toRefunds], refunds: [askRefund] });
    const paused = await first.triage.run('Refund order 7');
    const json = JSON.parse(paused.state.toString());

    const ghost = RunState.parse(JSON.stringify({ ...json, activeAgent: 'ghost' }));
    const second = refundDesk({});
    const events = recordEvents(second.triage);
    const error = await second.triage.run(ghost).catch((e: unknown) => e);
    expect(RunStateError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'run_state_agent_mismatch', field: 'activeAgent' });
    expect((error as Error).message).toMatch(
      /was handed over to agent "ghost", and agent "triage" reaches no agent of that name through its handoffs \(it reaches "triage", "refunds", "billing"\)/,
    );
    expect(events).toEqual([]);

    // A field of the wrong type is refused by the parser, naming it.
    expect(() => RunState.parse(JSON.stringify({ ...json, activeAgent: 5 }))).toThrow(
      expect.objectContaining({ code: 'invalid_run_state', field: 'activeAgent' }),
    );
    expect(() => RunState.parse(JSON.stringify({ ...json, handoffs: -1 }))).toThrow(
      expect.objectContaining({ code: 'invalid_run_state', field: 'handoffs' }),
    );
  });

  it('refuses a graph where two different agents share a name, since the state could not tell them apart', async () => {
    const first = refundDesk({ triage: [toRefunds], refunds: [askRefund] });
    const paused = await first.triage.run('Refund order 7');
    const impostor = new Agent({ name: 'refunds', model: scripted([]) });
    const second = refundDesk({});
    second.billing.addHandoffs(impostor);
    const error = await second.triage.run(paused.state).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/reaches two different agents named "refunds"/);
  });
});

describe('a crash around a handoff', () => {
  it('after the handoff was decided: the resumed run carries it out, the turn’s tools not run again', async () => {
    const store = new RecordingRunStore();
    const handTurn = {
      toolCalls: [
        { id: 'l0', name: 'lookup', arguments: { order: 1 } },
        { id: 'h2', name: 'transfer_to_billing', arguments: {} },
      ],
    };
    const live = refundDesk({
      triage: [toRefunds],
      refunds: [handTurn],
      billing: ['Billed.'],
      runStore: store,
    });
    const done = await live.triage.run('Refund order 1');
    expect(done.agent).toBe('billing');
    // The last checkpoint before the handoff to billing: the turn ended, the handoff not done.
    const before = store.saved.findLast((s) => s.handoff?.to === 'billing' && !s.handoff.done);
    expect(before).toMatchObject({ activeAgent: 'refunds', handoffs: 1 });
    expect(before?.pending).toBeUndefined();

    const ran: string[] = [];
    const again = refundDesk({
      billing: ['Billed after the crash.'],
      runStore: await storeAt(before!),
      ran,
    });
    const events = recordEvents(again.triage);
    const resumed = await again.triage.resume(done.runId);
    expect(resumed).toMatchObject({ agent: 'billing', text: 'Billed after the crash.' });
    expect(ran).toEqual([]);
    expect(timeline(events).filter((t) => t.startsWith('agent:handoff'))).toEqual([
      'agent:handoff refunds>billing',
    ]);
    expect(again.models.refunds.requests).toHaveLength(0);
    expectOneTerminal(events, 'run:end');
    expectValidRequests(again.models.billing);
  });

  it('after the handoff was carried out: the new agent is asked, the handoff not made again', async () => {
    const store = new RecordingRunStore();
    const live = refundDesk({ triage: [toRefunds], refunds: ['Refunds here.'], runStore: store });
    const done = await live.triage.run('Refund order 1');
    const after = store.saved.find((s) => s.handoff?.done);
    expect(after).toMatchObject({ activeAgent: 'refunds', handoffs: 1, status: 'running' });

    const again = refundDesk({
      refunds: ['Refunds after the crash.'],
      runStore: await storeAt(after!),
    });
    const events = recordEvents(again.triage);
    const resumed = await again.triage.resume(done.runId);
    expect(resumed).toMatchObject({ agent: 'refunds', text: 'Refunds after the crash.' });
    expect(events.some((e) => e.type === 'agent:handoff')).toBe(false);
    expect(again.models.triage.requests).toHaveLength(0);
    expect(again.models.refunds.requests).toHaveLength(1);
    expectValidRequests(again.models.refunds);
  });
});

describe('aborting a handed-off agent', () => {
  it('cancels its tool and ends the run once, with the partial result naming it', async () => {
    const reached = deferred();
    const sawAbort = deferred<boolean>();
    const controller = new AbortController();
    const desk = refundDesk({
      triage: [toRefunds],
      refunds: [{ toolCalls: [{ id: 'l1', name: 'lookup', arguments: { order: 3 } }] }],
      hold: (signal) =>
        new Promise<void>((_, reject) => {
          reached.resolve();
          signal.addEventListener('abort', () => {
            sawAbort.resolve(true);
            reject(signal.reason);
          });
        }),
    });
    const events = recordEvents(desk.triage);
    const running = desk.triage.run('Where is order 3?', { signal: controller.signal });
    await reached.promise;
    controller.abort(new Error('user left'));
    const error = await running.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect((error as RunAbortedError).result).toMatchObject({ agent: 'refunds' });
    expect(await sawAbort.promise).toBe(true);
    expect(desk.ran).toEqual(['lookup:3']);
    expectOneTerminal(events, 'run:error');
    expect(events.at(-1)?.agent).toBe('refunds');
  });
});

describe('a handoff and an approval in the same turn', () => {
  it('pauses with the handoff decided; on resume the approved tool runs once, then the handoff happens', async () => {
    const ran: string[] = [];
    // The refunds agent is the first agent here: it refunds and hands to billing in one reply.
    const desk = refundDesk({
      refunds: [
        {
          toolCalls: [
            { id: 'r1', name: 'refund', arguments: { order: 9 } },
            { id: 'h2', name: 'transfer_to_billing', arguments: {} },
          ],
        },
      ],
      ran,
    });
    const events = recordEvents(desk.refunds);
    const paused = await desk.refunds.run('Refund 9 and send the invoice');
    expect(paused.status).toBe('interrupted');
    expect(paused.agent).toBe('refunds');
    expect(paused.state.toJSON().handoff).toMatchObject({ from: 'refunds', to: 'billing' });
    expect(events.some((e) => e.type === 'agent:handoff')).toBe(false);

    const later = refundDesk({ billing: ['Invoice sent.'], ran });
    const state = RunState.parse(paused.state.toString());
    for (const i of state.interruptions) state.approve(i);
    const resumed = recordEvents(later.refunds);
    const done = await later.refunds.run(state);
    expect(done).toMatchObject({ status: 'completed', agent: 'billing', text: 'Invoice sent.' });
    expect(ran).toEqual([`refund:9:${paused.runId}:r1`]);
    expect(timeline(resumed).filter((t) => t.startsWith('agent:handoff'))).toEqual([
      'agent:handoff refunds>billing',
    ]);
    // The billing agent got the refund's result and the handoff's, in call order.
    const tools = later.models.billing.requests[0]?.messages.filter((m) => m.role === 'tool');
    expect(tools?.map((m) => m.tool_call_id)).toEqual(['r1', 'h2']);
    expectOneTerminal(resumed, 'run:end');
    expectValidRequests(desk.models.refunds, later.models.billing);
  });
});
