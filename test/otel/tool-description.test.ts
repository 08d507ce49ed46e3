/**
 * `gen_ai.tool.description` on `execute_tool` spans: the description of the tool as the model is
 * shown it, which `wrapToolCall` middleware get on `ctx.description`: an MCP server's for its
 * tools, none for a tool described by an empty string.
 */
import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { connectMcpServer } from '@agentloop/mcp';
import { ATTRIBUTES, otelMiddleware } from '@agentloop/otel';
import { jsonSchemaTool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { fixtureStdio } from '../mcp/servers.js';
import { one, tracing, useContextManager } from './trace-support.js';

useContextManager();

describe('gen_ai.tool.description', () => {
  it('an MCP tool’s span carries the description its server gives', async () => {
    const server = await connectMcpServer(fixtureStdio());
    try {
      const t = tracing();
      const agent = new Agent({
        name: 'mcp',
        model: new ScriptedModel([
          { toolCalls: [{ name: 'echo', arguments: { text: 'hi' } }] },
          'Echoed.',
        ]),
        tools: await server.tools({ include: ['echo'] }),
        middleware: [otelMiddleware({ tracer: t.tracer })],
      });
      const result = await agent.run('Echo hi.');
      expect(result.toolCalls[0]?.outcome.ok).toBe(true);
      expect(one(t.spans(), 'execute_tool echo').attributes[ATTRIBUTES.toolDescription]).toBe(
        'Echoes the text back',
      );
    } finally {
      await server.close();
    }
  }, 20_000);

  it('a tool described by an empty string has no gen_ai.tool.description', async () => {
    const t = tracing();
    const bare = jsonSchemaTool({
      name: 'bare',
      description: '',
      inputSchema: { type: 'object', properties: {} },
      execute: () => 'ok',
    });
    const agent = new Agent({
      name: 'bare',
      model: new ScriptedModel([{ toolCalls: [{ name: 'bare', arguments: {} }] }, 'Done.']),
      tools: [bare],
      middleware: [otelMiddleware({ tracer: t.tracer })],
    });
    await agent.run('Go.');
    const call = one(t.spans(), 'execute_tool bare');
    expect(call.attributes[ATTRIBUTES.toolName]).toBe('bare');
    expect(call.attributes).not.toHaveProperty(ATTRIBUTES.toolDescription);
  });
});
