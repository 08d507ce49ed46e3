/**
 * Token counting loads tiktoken through `process.getBuiltinModule` (Node >= 20.16), never through
 * an import of `node:module`, so memory's root loads on any runtime. A Node without it gets an
 * error that names the version, and the counter works once the runtime has it.
 */
import { MemoryError, TokenCounter } from '@agentloop/memory';
import { afterEach, describe, expect, it } from 'vitest';

const getBuiltinModule = process.getBuiltinModule;

afterEach(() => {
  process.getBuiltinModule = getBuiltinModule;
});

// Each test file runs in its own process (pool: forks): no encoder is loaded before these tests.
describe('token counting and the runtime', () => {
  it('on a Node without process.getBuiltinModule, says which Node.js it needs', () => {
    (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
    let error: unknown;
    try {
      new TokenCounter({ model: 'gpt-4o' }).countText('hello');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MemoryError);
    expect(error).toMatchObject({ code: 'unsupported_runtime' });
    expect((error as Error).message).toContain('TokenCounter needs Node.js 20.16 or later');
    expect((error as Error).message).toContain(`is Node.js ${process.versions.node}`);
  });

  it('without tiktoken installed (an optional peer), says to install it', () => {
    const missing = Object.assign(new Error("Cannot find module 'tiktoken'"), {
      code: 'MODULE_NOT_FOUND',
    });
    process.getBuiltinModule = ((id: string) =>
      id === 'node:module'
        ? {
            createRequire: () => (request: string) => {
              if (request === 'tiktoken') throw missing;
              throw new Error(`unexpected require of ${request}`);
            },
          }
        : getBuiltinModule(id)) as typeof process.getBuiltinModule;
    let error: unknown;
    try {
      new TokenCounter({ model: 'gpt-4o' }).countMessages([{ role: 'user', content: 'hi' }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MemoryError);
    expect(error).toMatchObject({ code: 'missing_dependency', cause: missing });
    expect((error as Error).message).toContain('npm install tiktoken');
  });

  it('counts through process.getBuiltinModule', () => {
    const asked: string[] = [];
    process.getBuiltinModule = ((id: string) => {
      asked.push(id);
      return getBuiltinModule(id);
    }) as typeof process.getBuiltinModule;
    expect(new TokenCounter({ model: 'gpt-4o' }).countText('hello world')).toBe(2);
    expect(asked).toEqual(['node:module']);
  });
});
