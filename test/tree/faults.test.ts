import { Agent, type AgentEvent, ModelError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  expectNoDuplicates,
  expectTreeOrder,
  expectUsage,
  expectValidRequests,
  type Ledger,
  listen,
  MODEL,
  roleModel,
  workTool,
} from './tree-harness.js';

const badRequest = () =>
  new ModelError({ message: 'Invalid request (400)', status: 400, retryable: false });

it('a child whose model fails: the parent model gets the failure as the tool result and answers', async () => {
  const ledger: Ledger = [];
  const broken = new ScriptedModel(() => badRequest(), { name: MODEL });
  const child = new Agent({ name: 'child', model: broken, tools: [workTool(ledger)] });
  const rootModel = roleModel('root', { calls: [{ name: 'child', arguments: { input: 'x' } }] });
  const root = new Agent({
    name: 'root',
    model: rootModel,
    tools: [child.asTool({ description: 'c' })],
  });
  const events = listen(root);
  const result = await root.run('go');

  expect(result.status).toBe('completed');
  expect(result.text).toBe('root answered');
  const fault = rootModel.requests[1]?.messages.at(-1);
  expect(fault).toMatchObject({ role: 'tool' });
  expect(String(fault?.content)).toMatch(/agent "child" failed: .*400/);
  expect(result.toolCalls[0]?.outcome).toMatchObject({ ok: false, error: { code: 'tool_error' } });
  expect(events.filter((e) => e.type === 'run:error').map((e) => e.agent)).toEqual(['child']);
  expect(events.filter((e) => e.type === 'run:end').map((e) => e.agent)).toEqual(['root']);
  expectTreeOrder(events);
  expectValidRequests([rootModel, broken]);
});

it('a grandchild that runs out of turns is a fault for its parent only', async () => {
  const ledger: Ledger = [];
  // The leaf keeps calling its tool; with maxTurns 1 it fails with MaxTurnsExceededError.
  const leafModel = new ScriptedModel(
    () => ({ toolCalls: [{ name: 'work', arguments: { n: 3 } }] }),
    { name: MODEL },
  );
  const leaf = new Agent({
    name: 'leaf',
    model: leafModel,
    tools: [workTool(ledger)],
    maxTurns: 1,
  });
  const midModel = roleModel('mid', { calls: [{ name: 'leaf', arguments: { input: 'x' } }] });
  const mid = new Agent({
    name: 'mid',
    model: midModel,
    tools: [leaf.asTool({ description: 'l' })],
  });
  const rootModel = roleModel('root', { calls: [{ name: 'mid', arguments: { input: 'y' } }] });
  const root = new Agent({
    name: 'root',
    model: rootModel,
    tools: [mid.asTool({ description: 'm' })],
  });
  const events = listen(root);
  const result = await root.run('go');

  expect(result.status).toBe('completed');
  expect(String(midModel.requests[1]?.messages.at(-1)?.content)).toMatch(
    /agent "leaf" failed: .*maxTurns/,
  );
  expect(rootModel.requests[1]?.messages.at(-1)).toMatchObject({
    role: 'tool',
    content: 'mid answered',
  });
  expect(ledger).toEqual(['work:3']);
  expect(events.filter((e) => e.type === 'run:error').map((e) => e.agent)).toEqual(['leaf']);
  expectTreeOrder(events);
  expectUsage(result, events);
  expectValidRequests([leafModel, midModel, rootModel]);
});

it('parallel children of one turn: one fails, one answers; results in call order', async () => {
  const ledger: Ledger = [];
  const good = new Agent({
    name: 'good',
    model: roleModel('good', { calls: [{ name: 'work', arguments: { n: 1 } }] }),
    tools: [workTool(ledger)],
  });
  const badModel = new ScriptedModel(() => badRequest(), { name: MODEL });
  const bad = new Agent({ name: 'bad', model: badModel });
  const rootModel = roleModel('root', {
    calls: [
      { name: 'bad', arguments: { input: 'b' } },
      { name: 'good', arguments: { input: 'g' } },
    ],
  });
  const root = new Agent({
    name: 'root',
    model: rootModel,
    tools: [bad.asTool({ description: 'b' }), good.asTool({ description: 'g' })],
  });
  const events = listen(root);
  const result = await root.run('go');
  const results = rootModel.requests[1]?.messages.slice(-2);
  expect(results?.map((m) => m.role)).toEqual(['tool', 'tool']);
  expect(String(results?.[0]?.content)).toMatch(/agent "bad" failed/);
  expect(results?.[1]?.content).toBe('good answered');
  expect(result.toolCalls.map((c) => [c.name, c.outcome.ok])).toEqual([
    ['bad', false],
    ['good', true],
  ]);
  expect(ledger).toEqual(['work:1']);
  expectTreeOrder(events);
});

it('parallel calls of one child agent run as two child runs with their own run ids', async () => {
  const ledger: Ledger = [];
  const childModel = new ScriptedModel(
    (request) => {
      const input = request.messages.find((m) => m.role === 'user')?.content;
      const last = request.messages.at(-1);
      return last?.role === 'user'
        ? {
            toolCalls: [
              { id: `w_${String(input)}`, name: 'work', arguments: { n: Number(input) } },
            ],
          }
        : `child did ${String(input)}`;
    },
    { name: MODEL },
  );
  const child = new Agent({ name: 'child', model: childModel, tools: [workTool(ledger)] });
  const rootModel = roleModel('root', {
    calls: [1, 2, 3].map((n) => ({ name: 'child', arguments: { input: String(n) } })),
  });
  const root = new Agent({
    name: 'root',
    model: rootModel,
    tools: [child.asTool({ description: 'c' })],
  });
  const events = listen(root);
  const result = await root.run('go');
  expect([...ledger].sort()).toEqual(['work:1', 'work:2', 'work:3']);
  expectNoDuplicates(ledger);
  const childRuns = new Set(events.filter((e) => e.agent === 'child').map((e) => e.runId));
  expect(childRuns.size).toBe(3);
  expect(rootModel.requests[1]?.messages.slice(-3).map((m) => m.content)).toEqual([
    'child did 1',
    'child did 2',
    'child did 3',
  ]);
  expect(result.usageByAgent.child?.totalTokens).toBe(
    events
      .filter(
        (e): e is Extract<AgentEvent, { type: 'model:end' }> =>
          e.type === 'model:end' && e.agent === 'child',
      )
      .reduce((s, e) => s + e.usage.totalTokens, 0),
  );
  expectTreeOrder(events);
  expectValidRequests([rootModel, childModel]);
});

describe('what the parent sees', () => {
  it("a child with structured output: the parent's model gets its JSON, the tool's value is the object", async () => {
    const childModel = new ScriptedModel(['{"city":"Oslo","tempC":4}'], { name: MODEL });
    const child = new Agent({
      name: 'weather',
      model: childModel,
      output: z.object({ city: z.string(), tempC: z.number() }),
    });
    const rootModel = roleModel('root', {
      calls: [{ name: 'weather', arguments: { input: 'Oslo?' } }],
    });
    const root = new Agent({
      name: 'root',
      model: rootModel,
      tools: [child.asTool({ description: 'w' })],
    });
    const result = await root.run('go');
    expect(childModel.requests[0]?.response_format).toMatchObject({ type: 'json_schema' });
    expect(JSON.parse(String(rootModel.requests[1]?.messages.at(-1)?.content))).toEqual({
      city: 'Oslo',
      tempC: 4,
    });
    expect(result.toolCalls[0]?.outcome).toMatchObject({
      ok: true,
      value: { city: 'Oslo', tempC: 4 },
    });
    expectValidRequests([childModel, rootModel]);
  });

  it('a structured answer from the root of a tree', async () => {
    const ledger: Ledger = [];
    const child = new Agent({
      name: 'child',
      model: roleModel('child', { calls: [{ name: 'work', arguments: { n: 1 } }] }),
      tools: [workTool(ledger)],
    });
    const rootModel = new ScriptedModel(
      (request) =>
        request.messages.at(-1)?.role === 'user'
          ? { toolCalls: [{ id: 'r0', name: 'child', arguments: { input: 'x' } }] }
          : '{"summary":"child answered"}',
      { name: MODEL },
    );
    const root = new Agent({
      name: 'root',
      model: rootModel,
      tools: [child.asTool({ description: 'c' })],
      output: z.object({ summary: z.string() }),
    });
    const result = await root.run('go');
    expect(result.output).toEqual({ summary: 'child answered' });
    expect(ledger).toEqual(['work:1']);
  });

  it('output picks what the parent model sees; parameters and input shape the call', async () => {
    const childModel = roleModel('child', { calls: [], answer: 'forecast: rain' });
    const child = new Agent({ name: 'child', model: childModel });
    const asTool = child.asTool({
      name: 'forecast',
      description: 'Forecast for a city and day',
      parameters: z.object({ city: z.string(), day: z.number() }),
      input: ({ city, day }) => `Forecast for ${city} in ${day} days`,
      output: (r) => ({ text: r.text.toUpperCase(), turns: r.turns }),
    });
    expect(asTool.name).toBe('forecast');
    const rootModel = roleModel('root', {
      calls: [{ name: 'forecast', arguments: { city: 'Rome', day: 2 } }],
    });
    const root = new Agent({ name: 'root', model: rootModel, tools: [asTool] });
    await root.run('go');
    expect(childModel.requests[0]?.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Forecast for Rome in 2 days',
    });
    expect(JSON.parse(String(rootModel.requests[1]?.messages.at(-1)?.content))).toEqual({
      text: 'FORECAST: RAIN',
      turns: 1,
    });
    expectValidRequests([childModel, rootModel]);
  });

  it('the child gets the parent context; events carry agent, path, parentRunId and parentToolCallId to run hooks, the wire and the child agent', async () => {
    const seen: unknown[] = [];
    const { tool } = await import('@agentloop/tools');
    const probe = tool({
      name: 'probe',
      description: 'p',
      parameters: z.object({ n: z.number() }),
      execute: (_args, ctx) => {
        seen.push(ctx.context);
        return 'ok';
      },
    });
    const child = new Agent({
      name: 'child',
      model: roleModel('child', { calls: [{ name: 'probe', arguments: { n: 1 } }] }),
      tools: [probe],
    });
    const own: string[] = [];
    child.on('*', (e) => own.push(`${e.agent}:${e.type}`));
    const root = new Agent({
      name: 'root',
      model: roleModel('root', { calls: [{ name: 'child', arguments: { input: 'x' } }] }),
      tools: [child.asTool({ description: 'c' })],
    });
    const hooked: AgentEvent[] = [];
    const result = await root.run('go', {
      context: { user: 42 },
      hooks: { onEvent: (e) => hooked.push(e) },
    });
    expect(seen).toEqual([{ user: 42 }]);
    const childStart = hooked.find((e) => e.type === 'run:start' && e.agent === 'child');
    // The root's call of the child tool: the child's events name it.
    const call = hooked.find((e) => e.type === 'tool:start' && e.agent === 'root');
    const callId = call?.type === 'tool:start' ? call.toolCallId : undefined;
    expect(callId).toEqual(expect.any(String));
    expect(childStart).toMatchObject({
      path: ['root', 'child'],
      parentRunId: result.runId,
      parentToolCallId: callId,
    });
    // The root's own events name no caller.
    expect(call?.parentToolCallId).toBeUndefined();
    // The child agent's own listeners hear its own run only.
    expect(own.every((s) => s.startsWith('child:'))).toBe(true);
    expect(own).toContain('child:run:end');
    const { toWireEvent } = await import('@agentloop/core');
    const wire = JSON.parse(JSON.stringify(toWireEvent(childStart as AgentEvent)));
    expect(wire).toMatchObject({
      agent: 'child',
      path: ['root', 'child'],
      parentRunId: result.runId,
      parentToolCallId: callId,
    });
  });
});
