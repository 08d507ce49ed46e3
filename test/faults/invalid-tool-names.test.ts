/**
 * A model (typically a local one) that calls a tool by a name the API forbids (`get weather`, an
 * empty name, 80 characters) must see an unknown-tool error and carry on: the next request, which
 * echoes the call in its history, must still be one the API accepts. Found by the model fuzz.
 */
import { Agent, openai } from '@agentloop/core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/index.js';
import { countingTool } from './fault-harness.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

it.each(['get weather', '', 'x'.repeat(80), 'functions.lookup'])(
  'a call to %j: the model is told, the run completes, no request is refused',
  async (name) => {
    server.reply(
      {
        toolCalls: [
          { id: 'call_bad', name, arguments: '{}' },
          { id: 'call_ok', name: 'lookup', arguments: { key: 'a' } },
        ],
      },
      { content: 'Recovered.' },
    );
    const counter = countingTool();
    const agent = new Agent({
      name: 'names',
      model: openai('gpt-4o-mini', { apiKey: 'test-key', baseURL: server.url }),
      tools: [counter.tool],
    });
    const result = await agent.run('Go.');

    expect(result.text).toBe('Recovered.');
    expect(server.requests.map((r) => r.rejected)).toEqual([undefined, undefined]);
    const sent = server.requests[1]?.body.messages ?? [];
    const echoed = sent.find((m) => m.role === 'assistant');
    const names =
      echoed && 'tool_calls' in echoed
        ? echoed.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : ''))
        : [];
    expect(names?.[0]).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(names?.[1]).toBe('lookup');
    const answer = sent.find((m) => m.role === 'tool' && m.tool_call_id === 'call_bad');
    expect(answer?.content).toContain(`unknown tool "${name}"`);
    expect(Object.fromEntries(counter.runs)).toEqual({ call_ok: 1 });
    // What the model sent is kept as sent for the program.
    expect(result.toolCalls.find((c) => c.id === 'call_bad')?.name).toBe(name);
  },
);
