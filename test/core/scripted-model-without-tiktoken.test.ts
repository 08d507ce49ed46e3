/**
 * tiktoken is an optional peer of `@agentloop/memory`: a project that never counts tokens does
 * not install it. `ScriptedModel` counts usage with it when it is there; without it the script
 * still runs and reports no usage, as a provider that reports none, instead of failing the run.
 */
import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { afterEach, describe, expect, it } from 'vitest';

const getBuiltinModule = process.getBuiltinModule;

afterEach(() => {
  process.getBuiltinModule = getBuiltinModule;
});

/** Makes `require('tiktoken')` fail as it does where the package is not installed. */
function withoutTiktoken(): string[] {
  const asked: string[] = [];
  process.getBuiltinModule = ((id: string) =>
    id === 'node:module'
      ? {
          createRequire: () => (request: string) => {
            asked.push(request);
            throw Object.assign(new Error(`Cannot find module '${request}'`), {
              code: 'MODULE_NOT_FOUND',
            });
          },
        }
      : getBuiltinModule(id)) as typeof process.getBuiltinModule;
  return asked;
}

// Each test file runs in its own process (pool: forks): no encoder is loaded before these tests.
describe('ScriptedModel without tiktoken', () => {
  it('runs the script and reports no usage, trying to load tiktoken once', async () => {
    const asked = withoutTiktoken();
    const model = new ScriptedModel([{ toolCalls: [{ name: 'missing', arguments: {} }] }, 'Done.']);
    const result = await new Agent({ name: 'scripted', model }).run('Go.');
    expect(result.text).toBe('Done.');
    expect(result.turns).toBe(2);
    expect(result.usage).toMatchObject({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    expect(asked).toEqual(['tiktoken']);
  });

  it('still reports the usage a reply spells out', async () => {
    withoutTiktoken();
    const usage = { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 };
    const model = new ScriptedModel([{ content: 'Hi.', usage }]);
    const result = await new Agent({ name: 'scripted', model }).run('Go.');
    expect(result.usage).toMatchObject({ promptTokens: 7, completionTokens: 2, totalTokens: 9 });
  });
});
