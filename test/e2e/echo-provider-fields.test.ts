/**
 * Issue 11 point 2: provider fields that the next request needs go back with the assistant
 * message they came on. DeepSeek in thinking mode refuses a history whose assistant message with
 * `tool_calls` lacks its `reasoning_content`; Gemini 3 refuses one whose tool calls lack the
 * thought signature in `extra_content`. Both replies, whole and streamed, and the session store,
 * must carry them; the reasoning is never shown as text.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, openai } from '@agentloop/core';
import { FileStore } from '@agentloop/memory/node';
import { afterEach, describe, expect, it } from 'vitest';
import { countingTool, type RunMode, settle } from '../faults/fault-harness.js';
import { type ProviderRules, startTestServer, type TestServer } from '../support/index.js';

let server: TestServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function agentOn(emulate: ProviderRules, memory?: { store: FileStore; maxTokens: number }) {
  server = await startTestServer({ emulate });
  const counter = countingTool();
  const agent = new Agent({
    name: 'echo',
    model: openai('deepseek-chat', { apiKey: 'sk-test-echo', baseURL: server.url }),
    tools: [counter.tool],
    ...(memory ? { memory } : {}),
  });
  return { server, agent, counter };
}

type Wire = Record<string, unknown> & { role: string };
const assistants = (messages: unknown): Wire[] =>
  (messages as Wire[]).filter((message) => message.role === 'assistant');

describe.each<RunMode>(['run', 'stream'])('%s', (mode) => {
  it('DeepSeek thinking mode: reasoning_content goes back with the calls and is never text', async () => {
    const { server, agent, counter } = await agentOn({ deepseekThinking: true });
    server.reply(
      {
        reasoningContent: 'The user wants Paris. I will look it up.',
        toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { key: 'Paris' } }],
      },
      { reasoningContent: 'The tool answered.', content: 'Paris it is.' },
    );
    const settled = await settle(agent, 'Look up Paris.', mode);

    expect(server.requests.map((r) => r.rejected?.message)).toEqual([undefined, undefined]);
    expect(settled.ok).toBe(true);
    expect(counter.total).toBe(1);
    expect(assistants(server.requests[1]?.body.messages)).toEqual([
      expect.objectContaining({
        reasoning_content: 'The user wants Paris. I will look it up.',
        tool_calls: [expect.objectContaining({ id: 'call_1' })],
      }),
    ]);
    if (!settled.ok) return;
    expect(settled.result.text).toBe('Paris it is.');
    // The final answer keeps its reasoning too (a later turn may echo it), outside the text.
    expect(assistants(settled.result.messages).at(-1)).toMatchObject({
      content: 'Paris it is.',
      reasoning_content: 'The tool answered.',
    });
    const shown = settled.events.flatMap((e) => (e.type === 'text:delta' ? [e.delta] : []));
    expect(shown.join('')).toBe(mode === 'stream' ? 'Paris it is.' : '');
  });

  it('`reasoning` (Ollama, OpenRouter) goes back under its own name', async () => {
    const { server, agent } = await agentOn({});
    server.reply(
      {
        reasoning: 'Call the tool.',
        content: '',
        toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { key: 'a' } }],
      },
      { content: 'Done.' },
    );
    const settled = await settle(agent, 'Go.', mode);

    expect(settled.ok).toBe(true);
    const [echoed] = assistants(server.requests[1]?.body.messages);
    expect(echoed).toMatchObject({ reasoning: 'Call the tool.' });
    expect(echoed).not.toHaveProperty('reasoning_content');
  });

  it("Gemini 3: each tool call's thought signature goes back in its extra_content", async () => {
    const { server, agent, counter } = await agentOn({ geminiThoughtSignatures: true });
    server.reply(
      {
        toolCalls: [
          { id: 'call_a', name: 'lookup', arguments: { key: 'a' } },
          { id: 'call_b', name: 'lookup', arguments: { key: 'b' } },
        ],
      },
      { toolCalls: [{ id: 'call_c', name: 'lookup', arguments: { key: 'c' } }] },
      { content: 'Done.' },
    );
    const settled = await settle(agent, 'Go.', mode);

    expect(server.requests.map((r) => r.rejected?.message)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(settled.ok).toBe(true);
    expect(counter.total).toBe(3);
    const echoed = assistants(server.requests[2]?.body.messages);
    const calls = echoed.map((m) => m.tool_calls as Wire[]);
    const signature = { google: { thought_signature: expect.any(String) } };
    expect(calls[0]?.[0]?.extra_content).toEqual(signature);
    expect(calls[0]?.[1]).not.toHaveProperty('extra_content');
    expect(calls[1]?.[0]?.extra_content).toEqual(signature);
  });

  it('a stored session carries them to the next run, through a FileStore and trimming', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentloop-echo-'));
    const memory = { store: new FileStore({ dir }), maxTokens: 50_000 };
    const { server, agent } = await agentOn({ deepseekThinking: true }, memory);
    const turn = (key: string) => [
      {
        reasoningContent: `Look up ${key}.`,
        toolCalls: [{ name: 'lookup', arguments: { key } }],
      },
      { reasoningContent: 'Answer.', content: `Found ${key}.` },
    ];
    server.reply(...turn('a'), ...turn('b'));

    const first = await settle(agent, 'Find a.', mode, { sessionId: 's1' });
    const second = await settle(agent, 'Find b.', mode, { sessionId: 's1' });

    expect(server.requests.map((r) => r.rejected?.message)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(first.ok && second.ok).toBe(true);
    const history = assistants(server.requests[3]?.body.messages);
    expect(history.map((m) => m.reasoning_content)).toEqual([
      'Look up a.',
      'Answer.',
      'Look up b.',
    ]);
  });
});
