/**
 * The core README's errors table tells the truth about when a `ConfigurationError` comes: a wrong
 * option throws at construction, but a missing API key is only known at the first run (the model
 * reads `OPENAI_API_KEY` then), so the table must not promise it at construction. And it says
 * what is true of every package since issue 12: a misconfiguration has one code, `invalid_config`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, ConfigurationError } from '@agentloop/core';
import { TokenCounter } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { calculatorTool } from '@agentloop/tools/builtin';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const readme = readFileSync(join(import.meta.dirname, '../../packages/core/README.md'), 'utf8');
const row = readme.split('\n').find((line) => line.startsWith('| `ConfigurationError` |')) ?? '';

describe('the errors table, ConfigurationError', () => {
  it('says a missing API key is reported by the first run, as it is', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_BASE_URL', '');
    try {
      const agent = new Agent({ name: 'a', model: 'gpt-4o-mini' }); // does not throw
      await expect(agent.run('hi')).rejects.toSatisfy(
        (error) => ConfigurationError.isInstance(error) && error.message.includes('OPENAI_API_KEY'),
      );
    } finally {
      vi.unstubAllEnvs();
    }
    expect(row).toMatch(/missing API key is reported by the first run/);
    expect(row).toMatch(/thrown by `new Agent\(\.\.\.\)`/);
  });
});

/** Runs `fn` and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, nothing was thrown');
}

describe('the errors table, one code for a misconfiguration', () => {
  it("names tools' and memory's misconfiguration errors, which are invalid_config as it says", () => {
    const errors = {
      ToolDefinitionError: thrown(() =>
        tool({
          name: 'x',
          description: 'x',
          parameters: z.object({}),
          execute: () => 1,
          timeoutMs: 0,
        }),
      ),
      BuiltinToolError: thrown(() => calculatorTool({ maxLength: 0 })),
      InvalidOptionError: thrown(() => new TokenCounter({ model: '' })),
    };
    for (const [name, error] of Object.entries(errors)) {
      expect(row, name).toContain(`\`${name}\``);
      expect((error as Error).name, name).toBe(name);
      expect(error, name).toMatchObject({ code: 'invalid_config' });
      expect(ConfigurationError.isInstance(error), name).toBe(true);
    }
    expect(row).toMatch(/`ConfigurationError\.isInstance\(e\)` is true for all of them/);
  });

  it('no document names a code that was merged into invalid_config', () => {
    const documents = [
      'README.md',
      'ARCHITECTURE.md',
      'packages/core/README.md',
      'packages/tools/README.md',
      'packages/memory/README.md',
      'packages/protocol/README.md',
    ];
    for (const document of documents) {
      const text = readFileSync(join(import.meta.dirname, '../..', document), 'utf8');
      expect(text, document).not.toMatch(/\binvalid_options?\b|\binvalid_tool_definition\b/);
    }
  });
});
