/**
 * `@modelcontextprotocol/server-everything` (the protocol's reference server, from the npm
 * registry) over stdio: tools listed and adapted, results mapped, approvals, and one connection
 * for many agents and concurrent runs.
 */
import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { connectMcpServer, type McpServer, McpToolContent } from '@agentloop/mcp';
import { imageDimensionsOf, imageTokens, TokenCounter } from '@agentloop/memory';
import { TOOL_NAME_PATTERN, type ToolCall, ToolRegistry } from '@agentloop/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateTools } from '../support/validate-tools.js';
import { childPids, everythingStdio } from './servers.js';

let server: McpServer;
beforeAll(async () => {
  server = await connectMcpServer(everythingStdio());
}, 30_000);
afterAll(async () => {
  await server?.close();
});

let n = 0;
const call = (name: string, args: unknown = {}): ToolCall => ({
  id: `call_${++n}`,
  name,
  arguments: JSON.stringify(args),
});

describe('server-everything over stdio', () => {
  it('lists its tools as agentloop tools: valid names, strict where possible, accepted by the API', async () => {
    expect(server.transport).toBe('stdio');
    const tools = await server.tools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-tiny-image']));
    for (const name of names) expect(name).toMatch(TOOL_NAME_PATTERN);
    expect(validateTools(new ToolRegistry(tools).toOpenAITools())).toBeNull();
    const echo = tools.find((t) => t.name === 'echo');
    expect(echo).toMatchObject({ description: 'Echoes back the input string', strict: true });
    // readOnlyHint / idempotentHint make a tool safe to run again after a crash.
    expect(echo?.idempotent).toBe(true);
    expect(tools.find((t) => t.name === 'toggle-simulated-logging')?.idempotent).toBe(false);
  });

  it('prefixes names with the server name on request, and filters by include / exclude', async () => {
    const prefixed = await server.tools({ prefix: true, include: ['echo', 'get-sum'] });
    expect(prefixed.map((t) => t.name)).toEqual(['everything_echo', 'everything_get-sum']);
    const own = await server.tools({ prefix: 'ev', include: ['echo'] });
    expect(own.map((t) => t.name)).toEqual(['ev_echo']);
    const rest = await server.tools({ exclude: ['echo'] });
    expect(rest.map((t) => t.name)).not.toContain('echo');
    expect(rest.length).toBeGreaterThan(3);
    const registry = new ToolRegistry(prefixed);
    expect((await registry.execute(call('everything_echo', { message: 'hi' }))).output).toBe(
      'Echo: hi',
    );
  });

  it('text comes back as text, and invalid arguments are caught before the server', async () => {
    const registry = new ToolRegistry(await server.tools());
    expect((await registry.execute(call('get-sum', { a: 2, b: 3 }))).output).toBe(
      'The sum of 2 and 3 is 5.',
    );
    const bad = await registry.execute(call('get-sum', { a: 'two' }));
    expect(bad.error?.code).toBe('invalid_arguments');
    expect(bad.output).toBe(
      'Error: invalid arguments for tool "get-sum": b: expected number, received undefined; a: expected number, received string. Fix the arguments and call the tool again.',
    );
  });

  it('structured content comes back as JSON', async () => {
    const registry = new ToolRegistry(await server.tools());
    const outcome = await registry.execute(call('get-structured-content', { location: 'Chicago' }));
    expect(outcome.ok).toBe(true);
    expect(outcome.value).toEqual({
      temperature: expect.any(Number),
      conditions: expect.any(String),
      humidity: expect.any(Number),
    });
    expect(JSON.parse(outcome.output)).toEqual(outcome.value);
  });

  it('an image comes back as an image part, summarised for the model, counted as an image', async () => {
    const registry = new ToolRegistry(await server.tools());
    const outcome = await registry.execute(call('get-tiny-image'));
    expect(outcome.value).toBeInstanceOf(McpToolContent);
    const content = outcome.value as McpToolContent;
    expect(content.parts.map((p) => p.type)).toEqual(['text', 'image_url', 'text']);
    const image = content.parts[1];
    expect(image?.type === 'image_url' && image.image_url.url).toMatch(
      /^data:image\/png;base64,iVBOR/,
    );
    // The model reads the image's type and size, not thousands of base64 characters.
    expect(JSON.parse(outcome.output)).toEqual([
      { type: 'text', text: "Here's the image you requested:" },
      { type: 'image', mimeType: 'image/png', bytes: expect.any(Number) },
      { type: 'text', text: 'The image above is the MCP logo.' },
    ]);
    expect(outcome.output.length).toBeLessThan(300);
    // Priced by the image rule from the PNG's own header, not as its base64 text; the tool
    // result carries it as an image the loop shows the model.
    expect(content.images).toEqual([image]);
    const base64 = (image?.type === 'image_url' && image.image_url.url) || '';
    const size = imageDimensionsOf(base64);
    expect(size?.width).toBeGreaterThan(0);
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1-mini']) {
      const counter = new TokenCounter({ model });
      const imageOnly = counter.countMessage({ role: 'user', content: [image] as never });
      const expected = imageTokens({ model, width: size?.width ?? 0, height: size?.height ?? 0 });
      expect(imageOnly).toBe(3 + counter.countText('user') + expected);
      if (model === 'gpt-4o') expect(imageOnly).toBeLessThan(counter.countText(base64));
    }
  });

  it('one connection serves many agents and concurrent runs', async () => {
    const pid = server.pid;
    const tools = await server.tools({ include: ['echo', 'get-sum'] });
    const agents = ['a', 'b', 'c'].map(
      (name) =>
        new Agent({
          name,
          model: new ScriptedModel(
            Array.from({ length: 4 }, (_, i) => [
              {
                toolCalls: [
                  { id: `call_e${i}`, name: 'echo', arguments: { message: `${name}${i}` } },
                  { id: `call_s${i}`, name: 'get-sum', arguments: { a: i, b: 1 } },
                ],
              },
              `${name} done`,
            ]).flat(),
          ),
          tools,
        }),
    );
    const children = childPids().length;
    const results = await Promise.all(
      agents.flatMap((agent) => Array.from({ length: 4 }, () => agent.run('go'))),
    );
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    const outputs = results.flatMap((r) => r.toolCalls.map((c) => c.outcome.output));
    expect(outputs.filter((o) => o.startsWith('Echo: '))).toHaveLength(12);
    expect(outputs.every((o) => !o.startsWith('Error'))).toBe(true);
    // The same child answered them all; no other was started.
    expect(server.pid).toBe(pid);
    expect(childPids().length).toBe(children);
  });

  it('a tool that needs approval pauses the run; approved, it runs on the server', async () => {
    const tools = await server.tools({
      include: ['echo', 'get-sum'],
      needsApproval: (args, _ctx, tool) => tool.name === 'get-sum' && Number(args.a) > 100,
    });
    const agent = new Agent({
      name: 'approver',
      model: new ScriptedModel([
        {
          toolCalls: [
            { id: 'call_small', name: 'get-sum', arguments: { a: 1, b: 1 } },
            { id: 'call_big', name: 'get-sum', arguments: { a: 1000, b: 1 } },
          ],
        },
        'both summed',
      ]),
      tools,
    });
    const paused = await agent.run('sum');
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions.map((i) => [i.name, i.args])).toEqual([
      ['get-sum', { a: 1000, b: 1 }],
    ]);
    for (const i of paused.state.interruptions) paused.state.approve(i);
    const done = await agent.run(paused.state);
    expect(done.status).toBe('completed');
    const big = done.toolCalls.find((c) => c.id === 'call_big');
    expect(big?.outcome.output).toBe('The sum of 1000 and 1 is 1001.');
  });
});
