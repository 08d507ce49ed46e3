/**
 * The core README's errors table tells the truth about when a `ConfigurationError` comes: a wrong
 * option throws at construction, but a missing API key is only known at the first run (the model
 * reads `OPENAI_API_KEY` then), so the table must not promise it at construction.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, ConfigurationError } from '@agentloop/core';
import { describe, expect, it, vi } from 'vitest';

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
