/**
 * A run needs none of ajv (JSON-Schema tools), zod-to-json-schema (zod v3 schemas) and tiktoken
 * (token counting): a program that imports the packages and runs an agent with a zod 4 tool
 * loads none of them, and each loads on the first use that needs it. Checked in a fresh process,
 * since this test's own process has loaded them all.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./fixtures/lazy-dependencies-child.ts', import.meta.url));

function runChild(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', child],
      { encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

describe('optional dependencies load on first use', () => {
  it('loads none for a run with a zod 4 tool, and each when its feature is used', async () => {
    const report = JSON.parse((await runChild()).trim().split('\n').at(-1) ?? '{}');
    expect(report).toEqual({
      text: 'It is 5.',
      tokens: 2,
      afterRun: [],
      afterZod3: ['zod-to-json-schema'],
      afterJsonSchema: ['ajv', 'zod-to-json-schema'],
      afterCount: ['ajv', 'zod-to-json-schema', 'tiktoken'],
    });
  }, 60_000);
});
