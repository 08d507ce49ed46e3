import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore, SUMMARY_HEADING, TokenCounter } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateChatRequest } from '../support/validate-request.js';

const lookup = tool({
  name: 'lookup',
  description: 'Looks up a long document',
  parameters: z.object({ q: z.string() }),
  execute: async ({ q }) => `${q}: ${'lorem ipsum dolor sit amet '.repeat(40)}`,
});

describe('memory in a run', () => {
  it('loads the session before the run and appends each completed turn', async () => {
    const store = new InMemoryStore();
    await store.append('s1', [
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
    ]);
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'l1', name: 'lookup', arguments: { q: 'x' } }] },
      'Your name is Ada.',
    ]);
    const agent = new Agent({ name: 'm', model, tools: [lookup], memory: { store } });
    const result = await agent.run('What is my name?', { sessionId: 's1' });

    expect(model.requests[0]?.messages.map((m) => m.content)).toEqual([
      'My name is Ada.',
      'Hello Ada.',
      'What is my name?',
    ]);
    const stored = await store.load('s1');
    expect(stored).toHaveLength(2 + result.newMessages.length);
    expect(stored.slice(2)).toEqual(result.newMessages);
  });

  it('a failed turn loses only the turn in flight: completed turns are stored', async () => {
    const store = new InMemoryStore();
    const model = new ScriptedModel([
      { toolCalls: [{ id: 'l1', name: 'lookup', arguments: { q: 'x' } }] },
      new Error('provider down'),
    ]);
    const agent = new Agent({ name: 'm', model, tools: [lookup], memory: { store } });
    await expect(agent.run('go', { sessionId: 's' })).rejects.toThrow('provider down');
    const stored = await store.load('s');
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(validateChatRequest({ model: 'gpt-4o', messages: stored }).ok).toBe(true);
  });

  it('two sessions never see each other', async () => {
    const store = new InMemoryStore();
    const model = new ScriptedModel(() => 'ok');
    const agent = new Agent({ name: 'm', model, memory: { store } });
    await agent.run('I am in session A', { sessionId: 'a' });
    await agent.run('I am in session B', { sessionId: 'b' });
    await agent.run('again A', { sessionId: 'a' });
    const lastRequest = JSON.stringify(model.requests[2]?.messages);
    expect(lastRequest).toContain('session A');
    expect(lastRequest).not.toContain('session B');
  });

  it('trims each request to the budget, pair-safe, and emits memory:trim', async () => {
    const store = new InMemoryStore();
    let call = 0;
    const model = new ScriptedModel(() => {
      call += 1;
      return call % 2 === 1
        ? { toolCalls: [{ id: `l${call}`, name: 'lookup', arguments: { q: `q${call}` } }] }
        : `answer ${call}`;
    });
    const counter = new TokenCounter({ model: 'gpt-4o-mini' });
    const maxTokens = 900;
    const agent = new Agent({
      name: 'm',
      model,
      instructions: 'You are terse.',
      tools: [lookup],
      memory: { store, maxTokens, reserveOutputTokens: 100, counter },
    });
    const trims: number[] = [];
    agent.on('memory:trim', (e) => trims.push(e.dropped));
    for (let i = 0; i < 6; i += 1) await agent.run(`question ${i}`, { sessionId: 'long' });

    expect(trims.length).toBeGreaterThan(0);
    for (const request of model.requests) {
      expect(validateChatRequest({ model: 'gpt-4o-mini', ...request }).ok).toBe(true);
      const tokens =
        counter.countMessages(request.messages) + counter.countTools(request.tools ?? []) + 100;
      expect(tokens).toBeLessThanOrEqual(maxTokens);
      expect(request.messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
    }
    // The store keeps the full history; trimming only shapes what is sent.
    expect((await store.load('long')).length).toBe(6 * 4);
  });

  it('summarises dropped turns with the agent model, extending one summary across runs', async () => {
    const store = new InMemoryStore();
    const summaryInputs: string[] = [];
    let answers = 0;
    const model = new ScriptedModel((request) => {
      if (!request.tools) {
        // A summary request: the agent has tools, so only the summariser sends none.
        summaryInputs.push(JSON.stringify(request.messages));
        return {
          content: `summary #${summaryInputs.length}`,
          usage: { prompt_tokens: 100_000, completion_tokens: 10, total_tokens: 100_010 },
        };
      }
      answers += 1;
      return answers % 2 === 1
        ? { toolCalls: [{ id: `l${answers}`, name: 'lookup', arguments: { q: `q${answers}` } }] }
        : `answer ${answers}`;
    });
    const agent = new Agent({
      name: 'sum',
      model,
      tools: [lookup],
      memory: {
        store,
        maxTokens: 1200,
        reserveOutputTokens: 100,
        summarize: true,
        maxSummaryTokens: 200,
      },
    });
    // Prompt tokens of the runs during which a summary was made (each summary call reports 100,000).
    const summarisingRuns: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      const summariesBefore = summaryInputs.length;
      const result = await agent.run(`question ${i}`, { sessionId: 's' });
      if (summaryInputs.length > summariesBefore) summarisingRuns.push(result.usage.promptTokens);
    }
    expect(summaryInputs.length).toBeGreaterThan(1);
    // The second summary extends the first: it is handed the previous summary, not the old turns again.
    expect(summaryInputs[1]).toContain('summary #1');
    expect(summaryInputs[1]).not.toContain('question 0');
    const lastRequest = model.requests.at(-1);
    const summary = lastRequest?.messages.find(
      (m) => typeof m.content === 'string' && m.content.startsWith(SUMMARY_HEADING),
    );
    expect(summary?.content).toContain(`summary #${summaryInputs.length}`);
    expect(validateChatRequest({ model: 'gpt-4o-mini', ...lastRequest }).ok).toBe(true);
    // The summary calls count in the usage of the run that made them.
    expect(summarisingRuns.length).toBeGreaterThan(0);
    for (const promptTokens of summarisingRuns)
      expect(promptTokens).toBeGreaterThanOrEqual(100_000);
    // The store still has everything.
    expect((await store.load('s')).length).toBe(14 * 4);
  });
});
