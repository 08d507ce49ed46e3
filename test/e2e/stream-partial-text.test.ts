/**
 * Issue 11, point 19: a cancelled stream used to lose its partial text: `RunAbortedError.result
 * .text` was `""` after two chunks had been shown. The partial result now holds the text already
 * streamed, however the run is cancelled; a mid-stream `ModelError`'s `partialText` agrees.
 * Through the real `openai` client and the local test server.
 */
import { Agent, type AgentEvent, ModelError, RunAbortedError } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';
import { collect, joinedText, serverModel } from './stream-support.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const SLOW_TEXT = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');

function textDeltas(events: readonly AgentEvent[]): number {
  return events.filter((e) => e.type === 'text:delta').length;
}

describe('a cancelled stream keeps its partial text', () => {
  it('stream.abort() after two chunks: error.result.text is the text already shown', async () => {
    const agent = new Agent({ name: 'p', model: serverModel(server) });
    server.reply({ content: SLOW_TEXT, chunkDelayMs: 10 });
    const cancelled = agent.stream('talk');
    let shown = 0;
    const run = await collect(cancelled, (event) => {
      if (event.type === 'text:delta' && ++shown === 2) cancelled.abort();
    });
    const aborted = await cancelled.result.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(aborted)).toBe(true);
    if (!RunAbortedError.isInstance(aborted)) return;
    const streamed = joinedText(run.events);
    expect(textDeltas(run.events)).toBeGreaterThanOrEqual(2);
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.length).toBeLessThan(SLOW_TEXT.length);
    expect(aborted.result?.text).toBe(streamed);
    expect(aborted.result?.output).toBe(streamed);
    expect(aborted.result?.turns).toBe(1);
  });

  it('break after two chunks: the same', async () => {
    server.reply({ content: SLOW_TEXT, chunkDelayMs: 10 });
    const agent = new Agent({ name: 'p', model: serverModel(server) });
    const stream = agent.stream('talk');
    const seen: AgentEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (textDeltas(seen) === 2) break;
    }
    const error = await stream.result.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    if (!RunAbortedError.isInstance(error)) return;
    const text = error.result?.text ?? '';
    // The consumer saw two chunks; the run may have emitted a few more into the buffer before
    // the break, and they are part of what was streamed.
    expect(text.startsWith(joinedText(seen))).toBe(true);
    expect(SLOW_TEXT.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(SLOW_TEXT.length);
  });

  it('the caller`s signal aborted during the second turn: the text of that turn', async () => {
    const lookup = tool({
      name: 'lookup',
      description: 'Looks up',
      parameters: z.object({ q: z.string() }),
      execute: async () => 'found',
    });
    server.reply(
      {
        content: 'Let me check.',
        toolCalls: [{ id: 'l1', name: 'lookup', arguments: { q: 'x' } }],
      },
      { content: SLOW_TEXT, chunkDelayMs: 10 },
    );
    const agent = new Agent({ name: 'p', model: serverModel(server), tools: [lookup] });
    const controller = new AbortController();
    const stream = agent.stream('talk', { signal: controller.signal });
    let shown = 0;
    const { events, error } = await collect(stream, (event) => {
      if (event.type === 'text:delta' && event.turn === 2 && ++shown === 2) controller.abort();
    });
    expect(RunAbortedError.isInstance(error)).toBe(true);
    if (!RunAbortedError.isInstance(error)) return;
    expect(error.result?.text).toBe(joinedText(events, 2));
    expect(error.result?.text).not.toContain('Let me check.');
    expect(error.result?.turns).toBe(2);
    expect(error.result?.toolCalls.map((c) => c.name)).toEqual(['lookup']);
  });

  it('aborted while a tool runs after a streamed turn: no partial text of a finished reply', async () => {
    let started: () => void = () => {};
    const toolStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const wait = tool({
      name: 'wait',
      description: 'Waits',
      parameters: z.object({}),
      execute: (_args, ctx) =>
        new Promise<string>((_resolve, reject) => {
          started();
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        }),
    });
    server.reply({
      content: 'Let me check.',
      toolCalls: [{ id: 'w1', name: 'wait', arguments: {} }],
    });
    const agent = new Agent({ name: 'p', model: serverModel(server), tools: [wait] });
    const stream = agent.stream('talk');
    const collecting = collect(stream);
    await toolStarted;
    stream.abort();
    await collecting;
    const error = await stream.result.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    if (!RunAbortedError.isInstance(error)) return;
    // The reply finished (it is in `messages`); the run has no answer text yet.
    expect(error.result?.text).toBe('');
    expect(error.result?.newMessages.at(1)).toMatchObject({
      role: 'assistant',
      content: 'Let me check.',
    });
  });

  it('a mid-stream ModelError`s partialText is the text shown', async () => {
    server.reply({ content: SLOW_TEXT, cutAfterChunks: 6 });
    const agent = new Agent({ name: 'p', model: serverModel(server) });
    const { events, error } = await collect(agent.stream('talk'));
    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as ModelError).midStream).toBe(true);
    expect((error as ModelError).partialText).toBe(joinedText(events));
    expect(joinedText(events).length).toBeGreaterThan(0);
  });
});
