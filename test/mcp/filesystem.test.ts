/**
 * `@modelcontextprotocol/server-filesystem` (from the npm registry) over stdio, on a folder of
 * this test's own: an agent lists and reads files, a write waits for approval, and a path
 * outside the folder is the server's `isError` answer, which the model reads as a tool fault.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { connectMcpServer, type McpServer } from '@agentloop/mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILESYSTEM } from './servers.js';

let folder: string;
let server: McpServer;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'agentloop-fs-'));
  writeFileSync(join(folder, 'notes.md'), '# Notes\nBuy milk.\n');
  writeFileSync(join(folder, 'todo.txt'), 'ship the MCP package\n');
  server = await connectMcpServer({
    name: 'fs',
    command: process.execPath,
    args: [FILESYSTEM, folder],
    stderr: 'ignore',
  });
}, 30_000);
afterAll(async () => {
  await server?.close();
});

describe('server-filesystem', () => {
  it('an agent lists and reads files; a path outside the folder is a fault the model reads', async () => {
    const tools = await server.tools({
      prefix: true,
      include: ['list_directory', 'read_text_file', 'write_file'],
      needsApproval: ['write_file'],
    });
    expect(tools.map((t) => [t.name, t.needsApproval])).toEqual([
      ['fs_read_text_file', false],
      ['fs_write_file', true],
      ['fs_list_directory', false],
    ]);
    const model = new ScriptedModel([
      {
        toolCalls: [
          { id: 'call_ls', name: 'fs_list_directory', arguments: { path: folder } },
          {
            id: 'call_cat',
            name: 'fs_read_text_file',
            arguments: { path: join(folder, 'notes.md') },
          },
          { id: 'call_etc', name: 'fs_read_text_file', arguments: { path: '/etc/passwd' } },
        ],
      },
      'You have notes and a todo list.',
    ]);
    const agent = new Agent({ name: 'librarian', model, tools });
    const result = await agent.run('What is in my folder?');
    expect(result.status).toBe('completed');
    const out = Object.fromEntries(result.toolCalls.map((c) => [c.id, c.outcome]));
    expect(out.call_ls?.output).toContain('[FILE] notes.md');
    expect(out.call_ls?.output).toContain('[FILE] todo.txt');
    expect(out.call_cat?.ok).toBe(true);
    expect(out.call_cat?.value).toEqual({ content: '# Notes\nBuy milk.\n' });
    expect(out.call_etc?.ok).toBe(false);
    expect(out.call_etc?.output).toMatch(
      /^Error: tool "fs_read_text_file" failed: .*Access denied - path outside allowed directories/,
    );
    // What the model was sent next holds those tool messages.
    const sent = model.requests[1]?.messages ?? [];
    expect(sent.filter((m) => m.role === 'tool')).toHaveLength(3);
  });

  it('a write waits for approval; approved, the file is written by the server', async () => {
    const tools = await server.tools({
      include: ['write_file'],
      needsApproval: true,
    });
    const target = join(folder, 'answer.txt');
    const agent = new Agent({
      name: 'writer',
      model: new ScriptedModel([
        {
          toolCalls: [
            { id: 'call_w', name: 'write_file', arguments: { path: target, content: '42\n' } },
          ],
        },
        'Written.',
      ]),
      tools,
    });
    const paused = await agent.run('Write the answer');
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions[0]).toMatchObject({
      kind: 'approval',
      name: 'write_file',
      args: { path: target, content: '42\n' },
    });
    expect(() => readFileSync(target)).toThrow();
    for (const i of paused.state.interruptions) paused.state.approve(i);
    const done = await agent.run(paused.state);
    expect(done.status).toBe('completed');
    expect(readFileSync(target, 'utf8')).toBe('42\n');
  });
});
