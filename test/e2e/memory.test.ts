/**
 * Issue 4 point 10 end to end: sessions from a store over real HTTP. Two sessions never see each
 * other's messages, even when their runs interleave; trimming to a small budget yields requests
 * the server (with the real API's pairing rules) accepts, each within the budget.
 */
import { Agent, type AgentEvent, openai } from '@agentloop/core';
import { InMemoryStore, TokenCounter } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type RecordedRequest,
  type Step,
  startTestServer,
  type TestServer,
} from '../support/index.js';

const API_KEY = 'sk-test-SECRET-123';
let server: TestServer;

function messagesOf(request: RecordedRequest | undefined): ChatCompletionMessageParam[] {
  return (request?.body.messages ?? []) as ChatCompletionMessageParam[];
}

afterEach(() => server.close());

describe('sessions over HTTP', () => {
  beforeEach(async () => {
    // Echoes what the user said last, after a delay that lets the two sessions' runs interleave
    // (a real one: the server answers over a real socket, out of a fake clock's reach).
    server = await startTestServer({
      apiKey: API_KEY,
      responder: (request): Step => {
        const users = messagesOf(request).filter((m) => m.role === 'user');
        return { content: `You said: ${String(users.at(-1)?.content)}`, delayMs: 5 };
      },
    });
  });

  it('two sessions never see each other, even with interleaved runs', async () => {
    const store = new InMemoryStore();
    const agent = new Agent({
      name: 'sessions',
      instructions: 'Remember the user.',
      model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url }),
      memory: { store },
    });
    for (const round of [1, 2, 3]) {
      await Promise.all([
        agent.run(`alice ${round}`, { sessionId: 'alice' }),
        agent.run(`bob ${round}`, { sessionId: 'bob' }),
      ]);
    }

    expect(server.requests).toHaveLength(6);
    for (const request of server.requests) {
      expect(request.rejected).toBeUndefined();
      const text = JSON.stringify(request.body.messages);
      const own = text.includes('alice') ? 'alice' : 'bob';
      expect(text).not.toContain(own === 'alice' ? 'bob' : 'alice');
    }
    const lastAlice = server.requests
      .map(messagesOf)
      .filter((m) => JSON.stringify(m).includes('alice 3'))[0];
    expect(lastAlice?.map((m) => `${m.role}:${String(m.content)}`)).toEqual([
      'system:Remember the user.',
      'user:alice 1',
      'assistant:You said: alice 1',
      'user:alice 2',
      'assistant:You said: alice 2',
      'user:alice 3',
    ]);
    expect((await store.load('bob')).map((m) => String(m.content))).toEqual([
      'bob 1',
      'You said: bob 1',
      'bob 2',
      'You said: bob 2',
      'bob 3',
      'You said: bob 3',
    ]);
  });
});

describe('trimming over HTTP', () => {
  beforeEach(async () => {
    // Odd calls ask for a lookup, even calls answer: every run is a tool turn then an answer.
    server = await startTestServer({
      apiKey: API_KEY,
      responder: (request, index): Step => {
        const last = messagesOf(request).at(-1);
        if (last?.role === 'tool') return { content: `Noted (${index}).` };
        return {
          toolCalls: [{ id: `call_${index}`, name: 'lookup', arguments: { q: `q${index}` } }],
        };
      },
    });
  });

  it('keeps every request within a small budget, pair-safe, and the server accepts them all', async () => {
    const lookup = tool({
      name: 'lookup',
      description: 'Looks up a long document',
      parameters: z.object({ q: z.string() }),
      execute: ({ q }) => `${q}: ${'lorem ipsum dolor sit amet '.repeat(30)}`,
    });
    const store = new InMemoryStore();
    const counter = new TokenCounter({ model: 'gpt-4o-mini' });
    const maxTokens = 700;
    const reserveOutputTokens = 64;
    const agent = new Agent({
      name: 'trimmed',
      instructions: 'You are terse.',
      model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url }),
      tools: [lookup],
      memory: { store, maxTokens, reserveOutputTokens, counter },
    });
    const trims: AgentEvent[] = [];
    agent.on('memory:trim', (event) => {
      trims.push(event);
    });

    for (let i = 1; i <= 5; i++) {
      const result = await agent.run(`question ${i}`, { sessionId: 'long' });
      expect(result.text).toMatch(/^Noted/);
    }

    expect(server.requests).toHaveLength(10);
    expect(trims.length).toBeGreaterThan(0);
    for (const request of server.requests) {
      expect(request.rejected).toBeUndefined();
      const messages = messagesOf(request);
      const tokens =
        counter.countMessages(messages) +
        counter.countTools(request.body.tools) +
        reserveOutputTokens;
      expect(tokens).toBeLessThanOrEqual(maxTokens);
      // The instructions survive every trim.
      expect(messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
    }
    // The last request dropped the oldest turns but kept the newest question and its tool turn.
    const last = messagesOf(server.requests.at(-1));
    const text = JSON.stringify(last);
    expect(text).toContain('question 5');
    expect(text).not.toContain('question 1');
    expect(last.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_8' });
    // The store keeps the whole history; trimming only shapes what is sent.
    const history = await store.load('long');
    expect(history).toHaveLength(5 * 4);
    expect(JSON.stringify(history)).toContain('question 1');
  });
});
