/**
 * The MCP agent run as a user runs it, offline: the scripted model drives the reference
 * filesystem server (installed from the npm registry) over stdio on the example's own docs/
 * folder, lists it, reads each file in parallel, and answers from what the files say.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ExampleRun, spawnExample } from './spawn-example.js';

let run: ExampleRun;

beforeAll(async () => {
  run = await spawnExample('examples/mcp-agent/src/main.ts', ['How do I install agentloop?']);
}, 60_000);

describe('mcp-agent, offline', () => {
  it('exits 0 with an empty stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it("names the server's tools it was given, prefixed with the server's name", () => {
    expect(run.stdout).toContain(
      'MCP server "fs" over stdio: fs_read_text_file, fs_write_file, fs_list_directory, fs_search_files',
    );
  });

  it('lists the folder, then reads every file in one turn', () => {
    expect(run.stdout).toMatch(/→ fs_list_directory \{"path":".*examples\/mcp-agent\/docs"\}/);
    for (const file of ['faq.md', 'install.md', 'mcp.md']) {
      expect(run.stdout).toMatch(new RegExp(`→ fs_read_text_file \\{"path":".*docs/${file}"\\}`));
    }
    expect(run.stdout).toMatch(/⇉ 3 tool calls ran in parallel/);
  });

  it('answers from the lines of the files, naming each', () => {
    expect(run.stdout).toContain(
      '• Install the packages with `npm install @agentloop/core @agentloop/tools zod`. (install.md)',
    );
  });
});
