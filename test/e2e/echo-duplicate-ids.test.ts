/**
 * Issue 11 point 10: a reply whose tool calls repeat an id (seen from several models). Both calls
 * run; the next request must not answer one id twice (the API refuses it with 400), and since the
 * turn is stored, neither may the next run of the session. Repeated ids get unique ones of the
 * same shape (Mistral accepts only 9 letters or digits), as missing ids already get ids.
 */
import { Agent, openai } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore } from '@agentloop/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { countingTool, type RunMode, settle } from '../faults/fault-harness.js';
import { startTestServer, type TestServer } from '../support/index.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
});

type Wire = Record<string, unknown> & { role: string };
const callIds = (messages: unknown): string[] =>
  (messages as Wire[]).flatMap((m) =>
    m.role === 'assistant' && Array.isArray(m.tool_calls)
      ? (m.tool_calls as { id: string }[]).map((c) => c.id)
      : [],
  );
const answerIds = (messages: unknown): string[] =>
  (messages as Wire[]).flatMap((m) => (m.role === 'tool' ? [m.tool_call_id as string] : []));

describe.each<RunMode>(['run', 'stream'])('%s', (mode) => {
  it('runs both calls under unique ids; the next request and the next run are accepted', async () => {
    server = await startTestServer();
    const counter = countingTool();
    const agent = new Agent({
      name: 'dups',
      model: openai('gpt-4o-mini', { apiKey: 'sk-test-dups', baseURL: server.url }),
      tools: [counter.tool],
      memory: { store: new InMemoryStore() },
    });
    const dup = (key: string) => ({ id: 'b9mgIC84m', name: 'lookup', arguments: { key } });
    server.reply(
      { toolCalls: [dup('a'), dup('b'), dup('c')] },
      { content: 'Three found.' },
      { toolCalls: [{ id: 'b9mgIC84m', name: 'lookup', arguments: { key: 'd' } }] },
      { content: 'One more.' },
    );

    const first = await settle(agent, 'Find a, b and c.', mode, { sessionId: 's' });
    const second = await settle(agent, 'And d?', mode, { sessionId: 's' });

    expect(server.requests.map((r) => r.rejected?.message)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(first.ok && second.ok).toBe(true);
    expect(counter.total).toBe(4);
    const ids = callIds(server.requests[3]?.body.messages);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    // The first keeps its id; the others get ids of the same shape.
    expect(ids[0]).toBe('b9mgIC84m');
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(answerIds(server.requests[3]?.body.messages)).toEqual(ids);
    // Each call's result answers it: the tool ran with that call's arguments under that id.
    if (!first.ok) return;
    expect(first.result.toolCalls.map((c) => [c.id, c.arguments])).toEqual([
      [ids[0], { key: 'a' }],
      [ids[1], { key: 'b' }],
      [ids[2], { key: 'c' }],
    ]);
    expect([...counter.runs.keys()].sort()).toEqual([...ids].sort());
  });
});

it('covers every model: a ScriptedModel reply repeating an id, or reusing one of an earlier turn', async () => {
  const counter = countingTool();
  const model = new ScriptedModel([
    {
      toolCalls: [
        { id: 'call_0', name: 'lookup', arguments: { key: 'a' } },
        { id: 'call_0', name: 'lookup', arguments: { key: 'b' } },
      ],
    },
    { toolCalls: [{ id: 'call_0', name: 'lookup', arguments: { key: 'c' } }] },
    'Done.',
  ]);
  const agent = new Agent({ name: 'dups', model, tools: [counter.tool] });
  const started: string[] = [];
  const result = await agent.run('Go.', {
    hooks: { onEvent: (e) => void (e.type === 'tool:start' && started.push(e.toolCallId)) },
  });

  const ids = callIds(model.requests[2]?.messages);
  expect(ids).toHaveLength(3);
  expect(new Set(ids).size).toBe(3);
  expect(ids[0]).toBe('call_0');
  for (const id of ids) expect(id).toMatch(/^call_[a-zA-Z0-9]$/);
  expect(answerIds(model.requests[2]?.messages)).toEqual(ids);
  expect(result.toolCalls.map((c) => c.id)).toEqual(ids);
  expect(started).toEqual(ids);
  expect(counter.total).toBe(3);
});
