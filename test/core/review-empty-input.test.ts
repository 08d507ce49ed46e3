/**
 * Review: `input` as an empty array. With history (a session) or instructions it means "go on
 * from here" and is sent; with nothing at all the request would have no messages, which every
 * OpenAI-compatible API refuses with a 400 (a `ModelError` blaming the provider). The run must
 * fail at once with a `ConfigurationError` saying what to pass, without calling the model.
 */
import { Agent, ConfigurationError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore } from '@agentloop/memory';
import { describe, expect, it } from 'vitest';

describe('an empty input array', () => {
  it('with nothing else to send fails before the model is called', async () => {
    const model = new ScriptedModel(['hi']);
    const agent = new Agent({ name: 'empty', model });
    const error = await agent.run([]).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no messages/i);
    expect(model.callCount).toBe(0);
  });

  it('also in an empty session, and when streamed', async () => {
    const model = new ScriptedModel(['hi']);
    const agent = new Agent({ name: 'empty', model, memory: { store: new InMemoryStore() } });
    const stream = agent.stream([], { sessionId: 'new' });
    const error = await (async () => {
      try {
        for await (const _event of stream) {
          // Drain.
        }
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(model.callCount).toBe(0);
  });

  it('continues a session that has history', async () => {
    const store = new InMemoryStore();
    await store.append('s', [{ role: 'user', content: 'Tell me a joke.' }]);
    const model = new ScriptedModel(['A joke.']);
    const agent = new Agent({ name: 'empty', model, memory: { store } });
    expect((await agent.run([], { sessionId: 's' })).text).toBe('A joke.');
    expect(model.requests[0]?.messages).toEqual([{ role: 'user', content: 'Tell me a joke.' }]);
  });

  it('is sent when there are instructions', async () => {
    const model = new ScriptedModel(['Hello, how can I help?']);
    const agent = new Agent({ name: 'empty', model, instructions: 'Greet the user.' });
    expect((await agent.run([])).text).toBe('Hello, how can I help?');
  });
});
