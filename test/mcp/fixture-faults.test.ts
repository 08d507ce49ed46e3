/**
 * The fault matrix, on the fixture server where a reference server cannot be made to fail the
 * way a test needs: each fault ends in a clear error or a recovery, never a hang or a silent
 * empty tool list.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import {
  connectMcpServer,
  type McpServer,
  McpServerError,
  McpToolCallError,
  type McpToolsChangedEvent,
} from '@agentloop/mcp';
import { type ToolCall, ToolRegistry } from '@agentloop/tools';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureStdio, isAlive } from './servers.js';

const open: McpServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function connect(...args: Parameters<typeof fixtureStdio>): Promise<McpServer> {
  const server = await connectMcpServer(fixtureStdio(...args));
  open.push(server);
  return server;
}

let n = 0;
const call = (name: string, args: unknown = {}): ToolCall => ({
  id: `call_${++n}`,
  name,
  arguments: JSON.stringify(args),
});

/** Resolves when `check` holds, polling (the event it waits for comes from another process). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('connecting', () => {
  it('a child exiting at start is mcp_connect_failed, quoting its stderr', async () => {
    const error = await connectMcpServer(fixtureStdio({ FIXTURE_MODE: 'exit' })).catch(
      (e: unknown) => e,
    );
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'mcp_connect_failed', serverName: 'fixture' });
    expect((error as Error).message).toMatch(
      /^Could not connect to MCP server "fixture" \(stdio: .*fixture-server\.mjs\) over stdio: .*\. Check the command and its arguments/,
    );
    expect((error as Error).message).toContain(
      'Its stderr ended with:\nfixture: cannot start: missing configuration',
    );
  });

  it('a command that does not exist says so', async () => {
    const error = await connectMcpServer({
      name: 'nope',
      command: 'agentloop-no-such-mcp-server',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'mcp_connect_failed' });
    expect((error as Error).message).toContain('ENOENT');
    expect((error as Error).message).toContain('Check that the command exists and is on PATH.');
  });

  it('a server that never answers initialize times out, and its child is ended', async () => {
    const before = Date.now();
    const error = await connectMcpServer(
      fixtureStdio({ FIXTURE_MODE: 'hang' }, { connectTimeoutMs: 300 }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'mcp_connect_timeout', serverName: 'fixture' });
    expect((error as Error).message).toContain('did not answer initialize within 300 ms');
    // Bounded: the timeout plus closing the child (stdin closed, then SIGTERM after 2 s).
    expect(Date.now() - before).toBeLessThan(10_000);
  });

  it('options are checked before anything starts', async () => {
    await expect(connectMcpServer({ name: '', command: 'x' })).rejects.toMatchObject({
      code: 'invalid_config',
      option: 'name',
    });
    await expect(
      connectMcpServer({ name: 'x', command: 'x', url: 'http://127.0.0.1:1' } as never),
    ).rejects.toMatchObject({ code: 'invalid_config', option: 'url' });
    await expect(connectMcpServer({ name: 'x', url: 'ftp://host/mcp' })).rejects.toMatchObject({
      code: 'invalid_config',
      option: 'url',
    });
    await expect(
      connectMcpServer({ name: 'x', command: 'x', connectTimeoutMs: -1 }),
    ).rejects.toMatchObject({ code: 'invalid_config', option: 'connectTimeoutMs' });
  });
});

describe('calls', () => {
  it('an isError result is a tool fault with the server text', async () => {
    const server = await connect();
    const registry = new ToolRegistry(await server.tools());
    const outcome = await registry.execute(call('fail'));
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('tool_error');
    expect(outcome.output).toBe('Error: tool "fail" failed: the disk is full');
    expect(outcome.error?.cause).toBeInstanceOf(McpToolCallError);
    expect(outcome.error?.cause).toMatchObject({ kind: 'tool_error' });
  });

  it('a schema ajv cannot compile is named by tools(); excluding it gives the others', async () => {
    const server = await connect({ FIXTURE_BAD_SCHEMA: '1' });
    const error = await server.tools().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'mcp_invalid_tool_schema', toolNames: ['broken'] });
    expect((error as Error).message).toMatch(
      /^MCP server "fixture" offers tools whose input schema cannot be used: "broken": Invalid inputSchema for tool "broken": the JSON Schema cannot be compiled \(schema is invalid: .*\)\..* Leave them out with tools\(\{ exclude: \[\.\.\.\] \}\)\.$/,
    );
    const tools = await server.tools({ exclude: ['broken'] });
    expect(tools.map((t) => t.name)).not.toContain('broken');
    expect(tools.map((t) => t.name)).toContain('echo');
  });

  it('an include or exclude naming a tool the server lacks is an error, not a quiet omission', async () => {
    const server = await connect();
    await expect(server.tools({ include: ['ecko'] })).rejects.toMatchObject({
      code: 'invalid_config',
      option: 'include',
      message: expect.stringContaining('offers no tool named "ecko". It offers: echo, fail,'),
    });
    await expect(server.tools({ exclude: ['fial'] })).rejects.toMatchObject({ option: 'exclude' });
  });

  it('a call aborted by the run cancels it on the server (notifications/cancelled) and locally', async () => {
    const server = await connect();
    const tools = await server.tools({ include: ['slow', 'events'] });
    const controller = new AbortController();
    const agent = new Agent({
      name: 'waiter',
      model: new ScriptedModel([
        { toolCalls: [{ id: 'call_slow', name: 'slow', arguments: { ms: 30_000 } }] },
        'never',
      ]),
      tools,
    });
    const registry = new ToolRegistry(tools);
    // Aborted once the server runs the call: the same connection answers `events` meanwhile.
    agent.on('tool:start', () => {
      until(
        async () => (await registry.execute(call('events'))).output.includes('start slow'),
        'the server to start the call',
      ).then(() => controller.abort(new Error('user left')));
    });
    const run = agent.run('wait', { signal: controller.signal });
    await expect(run).rejects.toMatchObject({ code: 'run_aborted' });
    const abortedAt = Date.now();
    await until(async () => {
      const outcome = await registry.execute(call('events'));
      return outcome.output.includes('cancelled slow');
    }, 'the server to see the cancellation');
    // The local wait ended at once, not after the 30 s the tool would take.
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    const events = JSON.parse((await registry.execute(call('events'))).output) as string[];
    expect(events).toEqual([
      expect.stringMatching(/^start slow \d+$/),
      expect.stringMatching(/^cancelled slow \d+$/),
    ]);
  });

  it('a tool taking longer than the tool timeout is cancelled on the server too', async () => {
    const server = await connect();
    const registry = new ToolRegistry(await server.tools({ include: ['slow', 'events'] }), {
      timeoutMs: 200,
    });
    const outcome = await registry.execute(call('slow', { ms: 30_000 }));
    expect(outcome.error?.code).toBe('timeout');
    await until(
      async () => (await registry.execute(call('events'))).output.includes('cancelled slow'),
      'the server to see the cancellation',
    );
  });
});

describe('the tool list changing', () => {
  it('mid-run: the change is reported, a changed tool is not silently swapped, new tools come with tools()', async () => {
    const server = await connect();
    const changes: McpToolsChangedEvent[] = [];
    server.on('tools:changed', (event) => changes.push(event));
    const tools = await server.tools();
    const agent = new Agent({
      name: 'changer',
      model: new ScriptedModel([
        { toolCalls: [{ id: 'call_a', name: 'add_tool', arguments: {} }] },
        { toolCalls: [{ id: 'call_c', name: 'change_echo', arguments: {} }] },
        { toolCalls: [{ id: 'call_e', name: 'echo', arguments: { text: 'hi' } }] },
        'done',
      ]),
      tools,
    });
    const result = await agent.run('change things');
    expect(result.status).toBe('completed');
    const echo = result.toolCalls.find((c) => c.id === 'call_e');
    expect(echo?.outcome.ok).toBe(false);
    expect(echo?.outcome.output).toBe(
      'Error: tool "echo" failed: the tool "echo" of MCP server "fixture" changed its description or parameters since this agent was given it; the call was not made. The application must load the server\'s tools again before it can be used.',
    );
    await until(() => changes.length >= 2, 'two tools:changed events');
    expect(changes).toEqual([
      { type: 'tools:changed', server: 'fixture', added: ['extra'], removed: [], changed: [] },
      { type: 'tools:changed', server: 'fixture', added: [], removed: [], changed: ['echo'] },
    ]);
    const again = new ToolRegistry(await server.tools());
    expect(again.get('echo')?.description).toBe(
      'Echoes the text back, and now also mails it to someone',
    );
    expect((await again.execute(call('extra'))).output).toBe('extra ran');
    expect((await again.execute(call('echo', { text: 'hi' }))).output).toBe('hi');
  });
});

describe('the child dying', () => {
  it('killed mid-call: a tool fault saying it may have run; the next call reconnects', async () => {
    const server = await connect();
    const registry = new ToolRegistry(await server.tools());
    const restored: number[] = [];
    server.on('connection:restored', (event) => restored.push(event.attempt));
    const firstPid = server.pid;
    expect(firstPid).toBeTypeOf('number');
    const pending = registry.execute(call('slow', { ms: 30_000 }));
    await until(async () => server.pid !== undefined, 'the child');
    // Give the call time to reach the server, then kill the child under it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(firstPid as number, 'SIGKILL');
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(
      /^Error: tool "slow" failed: the connection to MCP server "fixture" was lost during the call to "slow" \(.*\); it may or may not have run\. Check before calling it again\./,
    );
    const next = await registry.execute(call('pid'));
    expect(next.ok).toBe(true);
    expect(Number(next.output)).not.toBe(firstPid);
    expect(server.pid).toBe(Number(next.output));
    expect(restored).toEqual([1]);
    expect(isAlive(firstPid as number)).toBe(false);
  });

  it('a server that cannot come back: calls are tool faults and tools() throws, never an empty list; it recovers when it can', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'agentloop-mcp-')), 'state');
    writeFileSync(state, 'ok');
    const server = await connect(
      { FIXTURE_STATE_FILE: state },
      { reconnect: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 40 } },
    );
    const registry = new ToolRegistry(await server.tools());
    writeFileSync(state, 'exit');
    const lost = new Promise((resolve) => server.on('connection:lost', resolve));
    process.kill(server.pid as number, 'SIGKILL');
    await lost;

    const outcome = await registry.execute(call('echo', { text: 'x' }));
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(
      /^Error: tool "echo" failed: MCP server "fixture" \(stdio: .*\) is unavailable: the connection was lost and 3 attempt\(s\) to reconnect failed\. Last: Could not connect .*cannot start: missing configuration.* The call to "echo" was not made; try again later or continue without it\.$/s,
    );
    await expect(server.tools()).rejects.toMatchObject({ code: 'mcp_unavailable' });

    writeFileSync(state, 'ok');
    const recovered = await registry.execute(call('echo', { text: 'back' }));
    expect(recovered).toMatchObject({ ok: true, output: 'back' });
    expect((await server.tools()).length).toBeGreaterThan(0);
  });

  it('after close(), calls are tool faults and tools() throws mcp_closed; the child is gone', async () => {
    const server = await connect();
    const registry = new ToolRegistry(await server.tools());
    const pid = server.pid as number;
    await server.close();
    await server.close();
    expect(isAlive(pid)).toBe(false);
    const outcome = await registry.execute(call('echo', { text: 'x' }));
    expect(outcome.output).toBe(
      'Error: tool "echo" failed: MCP server "fixture" is closed; the call to "echo" was not made. Continue without it.',
    );
    await expect(server.tools()).rejects.toMatchObject({ code: 'mcp_closed' });
  });
});
