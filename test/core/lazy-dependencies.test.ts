/**
 * A run needs none of ajv (JSON-Schema tools), zod-to-json-schema (zod v3 schemas) and tiktoken
 * (token counting): a program that imports the packages and runs an agent with a zod 4 tool
 * loads none of them, and each loads on the first use that needs it. Nor does a run on another
 * model than OpenAI's need the openai package, which `openai()` imports on its first call.
 * Checked in fresh processes, since this test's own process has loaded them all.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function runChild(child: string, preload: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', ...preload, child],
      { encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

describe('optional dependencies load on first use', () => {
  it('loads none for a run with a zod 4 tool, and each when its feature is used', async () => {
    const report = JSON.parse(
      (await runChild(fixture('lazy-dependencies-child.ts'))).trim().split('\n').at(-1) ?? '{}',
    );
    expect(report).toEqual({
      text: 'It is 5.',
      tokens: 2,
      afterRun: [],
      afterZod3: ['zod-to-json-schema'],
      afterJsonSchema: ['ajv', 'zod-to-json-schema'],
      afterCount: ['ajv', 'zod-to-json-schema', 'tiktoken'],
    });
  }, 60_000);

  it('runs an agent without the openai package; an openai() model says to install it', async () => {
    const output = await runChild(fixture('without-openai-child.ts'), [
      '--import',
      fixture('without-openai.mjs'),
    ]);
    const report = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    expect(report).toMatchObject({ text: 'Hello.', configurationError: true });
    expect(report.message).toContain('npm install openai');
  }, 60_000);
});
