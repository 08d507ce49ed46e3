import { type AgentEvent, RunState, RunStateError } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import {
  chain,
  expectNoDuplicates,
  expectTreeOrder,
  expectUsage,
  expectValidRequests,
  type Ledger,
  listen,
  workTool,
} from './tree-harness.js';

const pathTo = (depth: number) => Array.from({ length: depth + 1 }, (_, i) => `a${i}`);

describe.each([1, 2, 3])('an approval at depth %i', (depth) => {
  it('interrupts the root; approving on the root state in a fresh tree continues the child, then its parents', async () => {
    const ledger: Ledger = [];
    const first = chain(depth, workTool(ledger, 'work', { needsApproval: true }));
    const firstEvents = listen(first.root);
    const paused = await first.root.run('start');

    expect(paused.status).toBe('interrupted');
    expect(ledger).toEqual([]);
    expect(paused.interruptions).toHaveLength(1);
    const [interruption] = paused.interruptions;
    expect(interruption).toMatchObject({
      kind: 'approval',
      name: 'work',
      agent: `a${depth}`,
      path: pathTo(depth),
      args: { n: depth },
    });
    // Every run of the tree paused with one terminal event each.
    expect(firstEvents.filter((e) => e.type === 'run:end').map((e) => e.agent)).toEqual(
      pathTo(depth).reverse(),
    );
    expect(
      firstEvents
        .filter((e): e is Extract<AgentEvent, { type: 'run:end' }> => e.type === 'run:end')
        .every((e) => e.status === 'interrupted'),
    ).toBe(true);
    expectTreeOrder(firstEvents);

    // Another tree of fresh agents, from the text alone.
    const text = paused.state.toString();
    const state = RunState.parse(text);
    expect(state.interruptions.map((i) => i.id)).toEqual([interruption?.id]);
    state.approve(state.interruptions[0] as never);
    const second = chain(depth, workTool(ledger, 'work', { needsApproval: true }));
    const events = listen(second.root);
    const done = await second.root.run(state);

    expect(done.status).toBe('completed');
    expect(done.runId).toBe(paused.runId);
    expect(done.text).toBe('a0 answered');
    expect(ledger).toEqual([`work:${depth}`]);
    expectNoDuplicates(ledger);
    // The children continued (resumed, same run ids), and none of them was asked again.
    const resumed = events.filter((e) => e.type === 'run:start');
    expect(resumed.map((e) => e.agent)).toEqual(pathTo(depth));
    expect(resumed.every((e) => e.type === 'run:start' && e.resumed)).toBe(true);
    const firstRunIds = new Set(firstEvents.map((e) => e.runId));
    expect(resumed.every((e) => firstRunIds.has(e.runId))).toBe(true);
    // No model was asked again for the calls it made before the pause.
    for (const model of second.models) expect(model.requests).toHaveLength(1);
    expectTreeOrder(events);
    expectUsage(done, [...firstEvents, ...events]);
    expectValidRequests([...first.models, ...second.models]);
  });

  it('a rejection reaches the child model as the result; the parents go on', async () => {
    const ledger: Ledger = [];
    const first = chain(depth, workTool(ledger, 'work', { needsApproval: true }));
    const paused = await first.root.run('start');
    const state = RunState.parse(paused.state.toString());
    state.reject(state.interruptions[0] as never, { message: 'not today' });
    const second = chain(depth, workTool(ledger, 'work', { needsApproval: true }));
    const events = listen(second.root);
    const done = await second.root.run(state);

    expect(done.status).toBe('completed');
    expect(ledger).toEqual([]);
    const leaf = second.models[depth];
    expect(leaf?.requests[0]?.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'not today',
    });
    expectTreeOrder(events);
    expectValidRequests([...first.models, ...second.models]);
  });
});

it('two children of one turn pause in parallel; each is decided on the root state, one at a time', async () => {
  const ledger: Ledger = [];
  const build = () => {
    const left = chain(1, workTool(ledger, 'left_work', { needsApproval: true }));
    const right = chain(1, workTool(ledger, 'right_work', { needsApproval: true }));
    // Two trees' middles (named apart) under one root.
    return { left, right };
  };
  const { Agent } = await import('@agentloop/core');
  const { roleModel } = await import('./tree-harness.js');
  const makeRoot = () => {
    const { left, right } = build();
    const l = left.agents[1];
    const r = right.agents[1];
    if (!l || !r) throw new Error('no agents');
    const lTool = l.asTool({ name: 'left', description: 'left' });
    const rTool = r.asTool({ name: 'right', description: 'right' });
    const model = roleModel('root', {
      calls: [
        { name: 'left', arguments: { input: 'l' } },
        { name: 'right', arguments: { input: 'r' } },
      ],
    });
    return {
      root: new Agent({ name: 'root', model, tools: [lTool, rTool] }),
      models: [model, ...left.models.slice(1), ...right.models.slice(1)],
    };
  };
  const first = makeRoot();
  const paused = await first.root.run('go');
  expect(paused.status).toBe('interrupted');
  expect(paused.interruptions.map((i) => [i.name, i.path])).toEqual([
    ['left_work', ['root', 'a1']],
    ['right_work', ['root', 'a1']],
  ]);
  const ids = paused.interruptions.map((i) => i.id);
  expect(new Set(ids).size).toBe(2);

  // Decide one, continue: still paused on the other; the decided child does not run yet twice.
  const state = RunState.parse(paused.state.toString());
  state.approve(ids[0] as string);
  const second = makeRoot();
  const half = await second.root.run(state);
  expect(half.status).toBe('interrupted');
  expect(half.interruptions.map((i) => i.name)).toEqual(['right_work']);
  expect(ledger).toEqual(['left_work:1']);

  const again = RunState.parse(half.state.toString());
  again.approve(again.interruptions[0] as never);
  const third = makeRoot();
  const done = await third.root.run(again);
  expect(done.status).toBe('completed');
  expect(ledger).toEqual(['left_work:1', 'right_work:1']);
  expectNoDuplicates(ledger);
  expectValidRequests([...first.models, ...second.models, ...third.models]);
});

it('an agent tool that needs an approval itself pauses before its child starts', async () => {
  const ledger: Ledger = [];
  const { Agent } = await import('@agentloop/core');
  const { roleModel } = await import('./tree-harness.js');
  const make = () => {
    const childModel = roleModel('child', { calls: [{ name: 'work', arguments: { n: 1 } }] });
    const child = new Agent({ name: 'child', model: childModel, tools: [workTool(ledger)] });
    const model = roleModel('root', { calls: [{ name: 'child', arguments: { input: 'x' } }] });
    const root = new Agent({
      name: 'root',
      model,
      tools: [child.asTool({ description: 'the child', needsApproval: true })],
    });
    return { root, models: [model, childModel] };
  };
  const first = make();
  const events = listen(first.root);
  const paused = await first.root.run('go');
  expect(paused.interruptions).toMatchObject([
    { name: 'child', path: ['root'], args: { input: 'x' } },
  ]);
  expect(events.some((e) => e.agent === 'child')).toBe(false);
  const state = RunState.parse(paused.state.toString()).approve(paused.interruptions[0] as never);
  const second = make();
  const done = await second.root.run(state);
  expect(done.status).toBe('completed');
  expect(ledger).toEqual(['work:1']);
  expectValidRequests([...first.models, ...second.models]);
});

it('RunState.parse checks the child snapshots a state holds, naming the field from the root', async () => {
  const ledger: Ledger = [];
  const { root } = chain(2, workTool(ledger, 'work', { needsApproval: true }));
  const paused = await root.run('start');
  const json = JSON.parse(paused.state.toString());
  json.pending[0].child.pending[0].child.messages[1].role = 'robot';
  let caught: unknown;
  try {
    RunState.parse(JSON.stringify(json));
  } catch (error) {
    caught = error;
  }
  expect(RunStateError.isInstance(caught)).toBe(true);
  expect(caught).toMatchObject({
    code: 'invalid_run_state',
    field: 'pending.0.child.pending.0.child.messages.1.role',
  });
  // An interruption the child does not hold is refused too.
  const forged = JSON.parse(paused.state.toString());
  forged.interruptions[0].id = `${forged.pending[0].toolCallId}/approve_nothing`;
  expect(() => RunState.parse(JSON.stringify(forged))).toThrow(/waits for no/);
});
