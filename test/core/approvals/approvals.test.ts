import { RunState } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { approvalAgent, recordEvents, toolResults } from './approval-agent.js';

const refunds = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `call_r${i + 1}`,
    name: 'refund',
    arguments: { order: i + 1 },
  }));
const lookupCall = { id: 'call_l', name: 'lookup', arguments: { order: 9 } };

describe('a tool that needs approval pauses the run', () => {
  for (const n of [1, 2, 3, 4, 5]) {
    it(`${n} approval(s) in a turn: the others run, the run resolves interrupted; approving all continues it`, async () => {
      const { agent, model, ran } = approvalAgent([
        { toolCalls: [...refunds(n), lookupCall] },
        'All refunded.',
      ]);
      const first = recordEvents();
      const paused = await agent.run('Refund my orders', first.options);

      expect(paused.status).toBe('interrupted');
      expect(paused.output).toBeUndefined();
      expect(paused.text).toBe('');
      expect(paused.interruptions.map((i) => [i.kind, i.name, i.args])).toEqual(
        refunds(n).map((c) => ['approval', 'refund', c.arguments]),
      );
      expect(paused.interruptions.every((i) => i.agent === 'support')).toBe(true);
      expect(paused.interruptions[0]?.path).toEqual(['support']);
      // The call that needs no approval ran; none of the refunds did, and the model waits.
      expect(ran).toEqual(['lookup:9']);
      expect(model.callCount).toBe(1);
      expect(first.events).toEqual([
        'run:start',
        'model:start',
        ...Array.from({ length: n }, () => 'tool:interrupt:refund'),
        'tool:start:lookup',
        'tool:end:lookup',
        'run:end:interrupted',
      ]);
      expect(paused.state.status).toBe('interrupted');

      for (const i of paused.state.interruptions) paused.state.approve(i);
      const second = recordEvents();
      const done = await agent.run(paused.state, second.options);

      expect(done.status).toBe('completed');
      expect(done.text).toBe('All refunded.');
      expect(done.runId).toBe(paused.runId);
      expect(ran).toEqual(['lookup:9', ...refunds(n).map((c) => `refund:${c.arguments.order}`)]);
      // The model saw every result, in call order, after the one assistant message.
      const seen = model.requests[1]?.messages ?? [];
      expect(seen.map((m) => m.role)).toEqual([
        'user',
        'assistant',
        ...Array.from({ length: n + 1 }, () => 'tool'),
      ]);
      const results = toolResults(seen);
      expect(results.call_l).toBe('order 9 is paid');
      for (const c of refunds(n)) {
        expect(JSON.parse(results[c.id] ?? '')).toEqual({
          refunded: c.arguments.order,
          key: `${paused.runId}:${c.id}`,
        });
      }
      expect(second.events).toEqual([
        'run:start:resumed',
        // Approved calls run in parallel, as any calls of a turn.
        ...Array.from({ length: n }, () => 'tool:start:refund'),
        ...Array.from({ length: n }, () => 'tool:end:refund'),
        'turn:end',
        'model:start',
        'turn:end',
        'run:end:completed',
      ]);
      expect(done.toolCalls.map((c) => c.id)).toEqual([...refunds(n).map((c) => c.id), 'call_l']);
    });
  }

  it('reject all: no refund runs and the model sees each rejection message', async () => {
    const { agent, model, ran } = approvalAgent([{ toolCalls: refunds(3) }, 'Understood.']);
    const paused = await agent.run('Refund');
    for (const i of paused.interruptions) {
      paused.state.reject(i, { message: `Refund of ${JSON.stringify(i.args)} refused by Ana.` });
    }
    const events = recordEvents();
    const done = await agent.run(paused.state, events.options);
    expect(done.text).toBe('Understood.');
    expect(ran).toEqual([]);
    expect(toolResults(model.requests[1]?.messages ?? [])).toEqual({
      call_r1: 'Refund of {"order":1} refused by Ana.',
      call_r2: 'Refund of {"order":2} refused by Ana.',
      call_r3: 'Refund of {"order":3} refused by Ana.',
    });
    expect(events.events).toEqual([
      'run:start:resumed',
      'tool:end:refund',
      'tool:end:refund',
      'tool:end:refund',
      'turn:end',
      'model:start',
      'turn:end',
      'run:end:completed',
    ]);
    const denied = done.toolCalls.map((c) => !c.outcome.ok && c.outcome.error.code);
    expect(denied).toEqual(['denied', 'denied', 'denied']);
  });

  it('a rejection without a message tells the model the call was rejected', async () => {
    const { agent, model } = approvalAgent([{ toolCalls: refunds(1) }, 'ok']);
    const paused = await agent.run('Refund');
    paused.state.reject(paused.interruptions[0]?.id ?? '');
    await agent.run(paused.state);
    expect(toolResults(model.requests[1]?.messages ?? []).call_r1).toMatch(
      /The call to "refund" was rejected, so it was not run/,
    );
  });

  it('mixed: the approved calls run, the rejected one answers with its message', async () => {
    const { agent, model, ran } = approvalAgent([{ toolCalls: refunds(3) }, 'Two done.']);
    const paused = await agent.run('Refund');
    const [a, b, c] = paused.interruptions;
    if (!a || !b || !c) throw new Error('expected three interruptions');
    paused.state.approve(a).reject(b, { message: 'Not order 2.' }).approve(c.id);
    const done = await agent.run(paused.state);
    expect(done.status).toBe('completed');
    expect(ran).toEqual(['refund:1', 'refund:3']);
    const results = toolResults(model.requests[1]?.messages ?? []);
    expect(results.call_r2).toBe('Not order 2.');
    expect(JSON.parse(results.call_r1 ?? '').refunded).toBe(1);
  });

  it('approvals one by one across three resumptions, from the text each time', async () => {
    const { agent, model, ran } = approvalAgent([{ toolCalls: refunds(3) }, 'All three.']);
    let result = await agent.run('Refund');
    const order: string[] = [];
    while (result.status === 'interrupted') {
      // Stored and read back as text between resumptions, as a service would.
      const state = RunState.parse(result.state.toString());
      const next = state.interruptions[0];
      if (!next) throw new Error('interrupted without interruptions');
      state.approve(next);
      order.push(`${next.name}:${JSON.stringify(next.args)}`);
      const { events, options } = recordEvents();
      result = await agent.run(state, options);
      expect(events[0]).toBe('run:start:resumed');
      expect(events.at(-1)).toBe(`run:end:${result.status}`);
      // Until the last approval, the model is not asked again.
      expect(model.callCount).toBe(result.status === 'interrupted' ? 1 : 2);
      expect(result.interruptions).toHaveLength(
        result.status === 'interrupted' ? 3 - order.length : 0,
      );
    }
    expect(order).toHaveLength(3);
    expect(ran).toEqual(['refund:1', 'refund:2', 'refund:3']);
    expect(result.text).toBe('All three.');
    expect(Object.keys(toolResults(model.requests[1]?.messages ?? []))).toEqual([
      'call_r1',
      'call_r2',
      'call_r3',
    ]);
  });

  it('needsApproval as a function of the arguments pauses only the calls it flags', async () => {
    const { agent, ran } = approvalAgent([
      {
        toolCalls: [
          { id: 'small', name: 'transfer', arguments: { amount: 50 } },
          { id: 'big', name: 'transfer', arguments: { amount: 5000 } },
        ],
      },
      'done',
    ]);
    const paused = await agent.run('Pay');
    expect(paused.interruptions.map((i) => i.toolCallId)).toEqual(['big']);
    expect(ran).toEqual(['transfer:50']);
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const done = await agent.run(paused.state);
    expect(ran).toEqual(['transfer:50', 'transfer:5000']);
    expect(done.status).toBe('completed');
  });

  it('beforeTool { action: interrupt } pauses with its reason; once approved it is not asked to pause again', async () => {
    const { agent, ran } = approvalAgent([{ toolCalls: [lookupCall] }, 'ok']);
    const asked: string[] = [];
    const hooks = {
      beforeTool: (call: { name: string }) => {
        asked.push(call.name);
        return { action: 'interrupt' as const, reason: 'lookups need a supervisor' };
      },
    };
    const paused = await agent.run('Look', { hooks });
    expect(paused.interruptions).toEqual([
      expect.objectContaining({
        kind: 'approval',
        name: 'lookup',
        reason: 'lookups need a supervisor',
      }),
    ]);
    expect(ran).toEqual([]);
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const done = await agent.run(paused.state, { hooks });
    expect(done.status).toBe('completed');
    expect(ran).toEqual(['lookup:9']);
    expect(asked).toEqual(['lookup', 'lookup']);
  });

  it('agent.stream(state) continues a run, and a streamed run pauses the same way', async () => {
    const { agent, ran } = approvalAgent([{ toolCalls: refunds(1) }, 'Streamed answer.']);
    const types: string[] = [];
    const stream = agent.stream('Refund');
    for await (const event of stream) types.push(event.type);
    const paused = await stream.result;
    expect(paused.status).toBe('interrupted');
    expect(types).toContain('tool:interrupt');
    expect(types.at(-1)).toBe('run:end');

    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const resumed = agent.stream(paused.state);
    let text = '';
    let resumedStart = false;
    for await (const event of resumed) {
      if (event.type === 'run:start') resumedStart = event.resumed === true;
      if (event.type === 'text:delta') text += event.delta;
    }
    expect(resumedStart).toBe(true);
    expect(text).toBe('Streamed answer.');
    expect((await resumed.result).status).toBe('completed');
    expect(ran).toEqual(['refund:1']);
  });

  it('other calls of the turn settle before the run pauses, in call order in the result', async () => {
    const { agent } = approvalAgent([{ toolCalls: [...refunds(1), lookupCall] }, 'x']);
    const paused = await agent.run('Refund');
    expect(paused.toolCalls.map((c) => c.id)).toEqual(['call_l']);
    expect(paused.turns).toBe(1);
    expect(paused.finishReason).toBe('tool_calls');
  });
});
