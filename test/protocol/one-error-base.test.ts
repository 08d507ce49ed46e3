/**
 * Issue 12, point 8: one error base for every package. Core, tools and memory extend the same
 * `AgentError` (from `@agentloop/protocol`, re-exported by core), so `instanceof AgentError` and
 * `AgentError.isInstance` hold for all of them; a misconfiguration has one code, `invalid_config`,
 * everywhere; and a second copy of a package still recognises the first's errors by their
 * `Symbol.for` markers.
 */
import {
  Agent,
  AgentError,
  ConfigurationError,
  ModelError,
  RunAbortedError,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import {
  ContextOverflowError,
  InvalidOptionError,
  MemoryError,
  SessionStoreError,
  TokenCounter,
  trimMessages,
} from '@agentloop/memory';
import { AgentError as ProtocolAgentError } from '@agentloop/protocol';
import { ToolDefinitionError, tool } from '@agentloop/tools';
import { BuiltinToolError, calculatorTool } from '@agentloop/tools/builtin';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** Runs `fn` and returns what it threw (failing the test when it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, nothing was thrown');
}

const badTool = () =>
  tool({
    name: 'search',
    description: 'Search',
    parameters: z.object({ q: z.string() }),
    execute: () => 'ok',
    timeoutMs: -1,
  });

describe('one error base', () => {
  it("core's AgentError is protocol's: the same class, not a copy", () => {
    expect(AgentError).toBe(ProtocolAgentError);
  });

  it('tools and memory errors are AgentErrors of core, by instanceof and by isInstance', () => {
    const disk = new Error('EACCES');
    const errors = [
      thrown(badTool),
      new BuiltinToolError('The service failed.', { code: 'upstream_error', status: 503 }),
      new ContextOverflowError({ budget: 10, needed: 20, largestMessage: undefined, reason: 't' }),
      new SessionStoreError('Could not write.', { sessionId: 's', file: 'f', cause: disk }),
    ];
    expect(errors.map((e) => (e as AgentError).code)).toEqual([
      'invalid_config',
      'upstream_error',
      'context_overflow',
      'session_store_error',
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(AgentError);
      expect(AgentError.isInstance(error)).toBe(true);
      expect((error as AgentError).toJSON()).toMatchObject({ code: (error as AgentError).code });
    }
    expect((errors[3] as AgentError).cause).toBe(disk);
    expect((errors[3] as AgentError).toJSON()).toMatchObject({
      sessionId: 's',
      cause: { name: 'Error', message: 'EACCES' },
    });
  });

  it('keep the cause they were given, in tools and memory alike', () => {
    const cause = new TypeError('fetch failed');
    const builtin = new BuiltinToolError('No connection.', { code: 'network_error', cause });
    const memory = new MemoryError('No tiktoken here.', 'unsupported_runtime', cause);
    const definition = new ToolDefinitionError('Bad schema.', {
      code: 'invalid_parameters',
      cause,
    });
    for (const error of [builtin, memory, definition]) {
      expect(error.cause).toBe(cause);
      expect(error.toJSON()).toMatchObject({
        cause: { name: 'TypeError', message: 'fetch failed' },
      });
    }
  });
});

describe('one fault, one code: a misconfiguration is invalid_config in every package', () => {
  const misconfigurations = (): [string, unknown, string][] => [
    [
      'core: new Agent',
      thrown(() => new Agent({ name: 'a', model: new ScriptedModel([]), maxTurns: 0 })),
      'maxTurns',
    ],
    ['tools: tool()', thrown(badTool), 'timeoutMs'],
    ['tools: a built-in factory', thrown(() => calculatorTool({ maxLength: 0 })), 'maxLength'],
    [
      'memory: TokenCounter',
      thrown(() => new TokenCounter({ model: 'gpt-4o', encoding: 'nope' as never })),
      'encoding',
    ],
    [
      'memory: trimMessages',
      thrown(() =>
        trimMessages({
          messages: [],
          counter: new TokenCounter({ model: 'gpt-4o' }),
          maxTokens: 0,
        }),
      ),
      'maxTokens',
    ],
  ];

  it.each(misconfigurations())(
    '%s throws invalid_config naming the option',
    (_label, error, option) => {
      expect(AgentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'invalid_config', option });
      expect((error as AgentError).toJSON()).toMatchObject({ code: 'invalid_config', option });
      // One check catches them all, whichever package threw.
      expect(ConfigurationError.isInstance(error)).toBe(true);
    },
  );

  it("each package's own isInstance still tells its errors from the others' of the same code", () => {
    const [core, toolDef, builtin, counter] = misconfigurations().map(([, error]) => error);
    expect([core, toolDef, builtin, counter].map((e) => ToolDefinitionError.isInstance(e))).toEqual(
      [false, true, false, false],
    );
    expect([core, toolDef, builtin, counter].map((e) => BuiltinToolError.isInstance(e))).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect([core, toolDef, builtin, counter].map((e) => MemoryError.isInstance(e))).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(InvalidOptionError.isInstance(counter)).toBe(true);
    expect(InvalidOptionError.isInstance(core)).toBe(false);
    expect(ContextOverflowError.isInstance(counter)).toBe(false);
    expect(counter).toBeInstanceOf(InvalidOptionError);
    expect(counter).toBeInstanceOf(MemoryError);
    expect(core).toBeInstanceOf(ConfigurationError);
    expect(toolDef).not.toBeInstanceOf(ConfigurationError);
  });

  it('a subclass does not inherit a guard that accepts every AgentError', () => {
    const model = new ModelError({ message: 'down', retryable: true });
    for (const guard of [
      ToolDefinitionError.isInstance,
      BuiltinToolError.isInstance,
      MemoryError.isInstance,
      ContextOverflowError.isInstance,
      InvalidOptionError.isInstance,
      SessionStoreError.isInstance,
    ]) {
      expect(guard(model)).toBe(false);
    }
  });
});

/**
 * The module at `path` loaded a second time (the query gives the module runner a new id), as
 * two installed copies of a package would be. Through a variable: tsc knows no query suffixes.
 */
function secondCopy(path: string): string {
  return `${path}?second-copy`;
}

describe('two copies of the packages recognise each other', () => {
  it('a second copy of protocol: isInstance both ways, instanceof neither way', async () => {
    const copy = (await import(
      secondCopy('../../packages/protocol/src/agent-error.ts')
    )) as typeof import('@agentloop/protocol');
    expect(copy.AgentError).not.toBe(AgentError);

    const fromCopy = new copy.AgentError({ code: 'model_error', message: 'from the other copy' });
    expect(fromCopy).not.toBeInstanceOf(AgentError);
    expect(AgentError.isInstance(fromCopy)).toBe(true);
    expect(ModelError.isInstance(fromCopy)).toBe(true);
    expect(RunAbortedError.isInstance(fromCopy)).toBe(false);

    const ours = new SessionStoreError('x', { sessionId: 's', file: 'f', cause: undefined });
    expect(ours).not.toBeInstanceOf(copy.AgentError);
    expect(copy.AgentError.isInstance(ours)).toBe(true);
  });

  it('a second copy of memory and tools: their class guards still match by marker', async () => {
    const memory = (await import(
      secondCopy('../../packages/memory/src/errors.ts')
    )) as typeof import('@agentloop/memory');
    const tools = (await import(
      secondCopy('../../packages/tools/src/errors.ts')
    )) as typeof import('@agentloop/tools');
    expect(memory.MemoryError).not.toBe(MemoryError);

    const option = new memory.InvalidOptionError('maxTokens', 'an integer', 0);
    expect(option).not.toBeInstanceOf(InvalidOptionError);
    expect(InvalidOptionError.isInstance(option)).toBe(true);
    expect(MemoryError.isInstance(option)).toBe(true);
    expect(ToolDefinitionError.isInstance(option)).toBe(false);

    const definition = new tools.ToolDefinitionError('x', { code: 'duplicate_tool' });
    expect(definition).not.toBeInstanceOf(ToolDefinitionError);
    expect(ToolDefinitionError.isInstance(definition)).toBe(true);
    expect(MemoryError.isInstance(definition)).toBe(false);
  });

  it('the markers are the contract: a hand-made error with them is recognised', () => {
    // What a copy of another version writes, without sharing a single module with this one.
    const foreign = Object.assign(new Error('from an older copy'), {
      code: 'invalid_config',
      option: 'dir',
      [Symbol.for('agentloop.error')]: true,
      [Symbol.for('agentloop.error.memory')]: true,
    });
    expect(AgentError.isInstance(foreign)).toBe(true);
    expect(MemoryError.isInstance(foreign)).toBe(true);
    expect(InvalidOptionError.isInstance(foreign)).toBe(true);
    expect(ConfigurationError.isInstance(foreign)).toBe(true);
    expect(ToolDefinitionError.isInstance(foreign)).toBe(false);

    // The class marker alone is not enough: without the base marker it is no agentloop error.
    const half = Object.assign(new Error('half'), {
      code: 'invalid_config',
      [Symbol.for('agentloop.error.memory')]: true,
    });
    expect(MemoryError.isInstance(half)).toBe(false);
    expect(AgentError.isInstance(half)).toBe(false);
  });
});
