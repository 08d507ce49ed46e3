/**
 * Every example's command line: `--help` prints a usage text and exits 0, and an unknown option
 * says what was wrong on stderr and exits 2; neither ever shows a stack trace.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ExampleRun, spawnExample } from './spawn-example.js';

const EXAMPLES = [
  'demo',
  'weather-bot',
  'search-bot',
  'custom-agent',
  'http-service',
  'mcp-agent',
] as const;
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$|node:internal/m;

const runs = new Map<string, { help: ExampleRun; unknown: ExampleRun }>();

beforeAll(async () => {
  // Two children at a time: ten at once on a two-core machine can each take longer than the
  // children's own time limit.
  for (const name of EXAMPLES) {
    const file = `examples/${name}/src/main.ts`;
    const [help, unknown] = await Promise.all([
      spawnExample(file, ['--help']),
      spawnExample(file, ['--no-such-option', 'x']),
    ]);
    runs.set(name, { help, unknown });
  }
}, 300_000);

describe.each(EXAMPLES)('%s', (name) => {
  it('prints its usage for --help and exits 0 without running', () => {
    const { help } = runs.get(name) ?? expect.fail('not run');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage: npx -y pnpm@10 /);
    expect(help.stdout).toContain('OPENAI_API_KEY');
    // It did not start a run (no offline notice, no question echoed).
    expect(help.stdout).not.toMatch(/^offline:|^\? /m);
  });

  it('names an unknown option on stderr and exits 2, with no stack trace', () => {
    const { unknown } = runs.get(name) ?? expect.fail('not run');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Unknown option '--no-such-option'/);
    expect(unknown.stderr).toContain('Usage: ');
    expect(unknown.stderr).not.toMatch(STACK_TRACE);
    expect(unknown.stdout).toBe('');
  });
});
