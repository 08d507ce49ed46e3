import { ToolDefinitionError, ToolRegistry, tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';

const parameters = z.object({ q: z.string() });

/** Runs `fn` and returns what it threw (failing the test when it does not throw). */
function thrown(fn: () => unknown): ToolDefinitionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolDefinitionError);
    return error as ToolDefinitionError;
  }
  throw new Error('expected a ToolDefinitionError, nothing was thrown');
}

const define = (overrides: Record<string, unknown>) => () =>
  tool({
    name: 'search',
    description: 'Search',
    parameters,
    execute: () => 'ok',
    ...overrides,
  } as never);

describe('definition-time errors are AgentErrors with a code', () => {
  it('carries the agentloop marker, a code, the tool name and a message saying what to do', () => {
    const error = thrown(define({ name: 'get weather' }));
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('agentloop.error')]).toBe(true);
    expect(error.code).toBe('invalid_tool_name');
    expect(error.toolName).toBe('get weather');
    expect(error.name).toBe('ToolDefinitionError');
    expect(error.message).toContain('" "');
    expect(error.message).toContain('Rename it, e.g. "get_weather"');
  });

  it.each([
    ['a space', 'get weather', /contains " "/],
    ['empty', '', /empty name/],
    ['over 64 characters', 'a'.repeat(65), /65 characters/],
    ['a dot', 'web.search', /contains "\."/],
    ['not a string', 42, /received number/],
  ])('invalid_tool_name: %s', (_label, name, message) => {
    const error = thrown(define({ name }));
    expect(error.code).toBe('invalid_tool_name');
    expect(error.message).toMatch(message);
  });

  it('a name of exactly 64 valid characters is accepted', () => {
    expect(define({ name: `a-_${'b'.repeat(61)}` })().name).toHaveLength(64);
  });

  it('duplicate_tool: in the constructor and in register()', () => {
    const a = define({})();
    const b = define({ description: 'another' })();
    const fromConstructor = thrown(() => new ToolRegistry([a, b]));
    expect(fromConstructor.code).toBe('duplicate_tool');
    expect(fromConstructor.message).toContain('"search"');
    const registry = new ToolRegistry([a]);
    expect(thrown(() => registry.register(b)).code).toBe('duplicate_tool');
    expect(registry.list()).toEqual([a]);
  });

  it('a registry re-checks tools not made by tool(): the name and the schema', () => {
    const renamed = { ...define({})(), name: 'bad name' };
    expect(thrown(() => new ToolRegistry([renamed])).code).toBe('invalid_tool_name');
    const handMade = { ...define({})(), parameters: { '~standard': {} } as never };
    expect(thrown(() => new ToolRegistry([handMade])).code).toBe('invalid_parameters');
    expect(thrown(() => new ToolRegistry([{ name: 'x' } as never])).code).toBe('invalid_config');
  });

  it.each([
    ['a zod v4 string', z.string(), /received a zod v4 string schema/],
    ['a zod v3 array', z3.array(z3.string()), /received a zod v3 ZodArray schema/],
    ['a zod v4 array', z.array(z.string()), /received a zod v4 array schema/],
    ['a JSON Schema object', { type: 'object', properties: {} }, /not a zod schema/],
    ['undefined', undefined, /received undefined\./],
  ])('invalid_parameters: %s', (_label, value, message) => {
    const error = thrown(define({ parameters: value }));
    expect(error.code).toBe('invalid_parameters');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('z.object');
  });

  it('invalid_parameters: types a model cannot send as JSON', () => {
    const error = thrown(define({ parameters: z.object({ when: z.date(), n: z.bigint() }) }));
    expect(error.code).toBe('invalid_parameters');
    expect(error.message).toMatch(/date at properties\.when/);
    expect(error.message).toMatch(/bigint at properties\.n/);
  });

  it('strict_incompatible: strict: true on a schema that cannot be strict', () => {
    const error = thrown(
      define({ parameters: z.object({ m: z.record(z.string(), z.number()) }), strict: true }),
    );
    expect(error.code).toBe('strict_incompatible');
    expect(error.message).toMatch(/m accepts arbitrary keys/);
    expect(error.message).toMatch(/strict: false/);
  });

  it.each([
    ['execute missing', { execute: undefined }, 'execute', /execute/],
    ['description not a string', { description: 3 }, 'description', /description/],
    [
      'timeoutMs negative',
      { timeoutMs: -1 },
      'timeoutMs',
      /timeoutMs.*positive number of milliseconds, received -1/,
    ],
    ['maxOutputChars zero', { maxOutputChars: 0 }, 'maxOutputChars', /maxOutputChars/],
    ['strict not a boolean', { strict: 'yes' }, 'strict', /strict/],
    [
      'needsApproval not a boolean or function',
      { needsApproval: 'yes' },
      'needsApproval',
      /needsApproval.*expected true, false or a function/,
    ],
    [
      'idempotent not a boolean',
      { idempotent: 1 },
      'idempotent',
      /idempotent.*expected true or false/,
    ],
  ])('invalid_config, the option named: %s', (_label, overrides, option, message) => {
    const error = thrown(define(overrides));
    expect(error.code).toBe('invalid_config');
    expect(error.option).toBe(option);
    expect(error.toolName).toBe('search');
    expect(error.message).toMatch(message);
    expect(error.toJSON()).toMatchObject({ code: 'invalid_config', option, toolName: 'search' });
  });

  it('registry options are checked too', () => {
    const chars = thrown(() => new ToolRegistry([], { maxOutputChars: -5 }));
    expect([chars.code, chars.option]).toEqual(['invalid_config', 'maxOutputChars']);
    const timeout = thrown(() => new ToolRegistry([], { timeoutMs: Number.NaN }));
    expect([timeout.code, timeout.option]).toEqual(['invalid_config', 'timeoutMs']);
  });
});
