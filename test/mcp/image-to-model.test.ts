/**
 * Issue 15 point 3 (images) end to end: an image returned by an MCP tool of
 * `@modelcontextprotocol/server-everything` reaches the model as an image, in the user message
 * that follows the tool messages, and the strict test server (the real API's rules) accepts it.
 */
import { Agent, openai } from '@agentloop/core';
import { connectMcpServer, type McpServer } from '@agentloop/mcp';
import { imageDimensionsOf, TokenCounter, toolImagesCallIds } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/index.js';
import { everythingStdio } from './servers.js';

let mcp: McpServer;
let api: TestServer;
beforeAll(async () => {
  [mcp, api] = await Promise.all([
    connectMcpServer(everythingStdio()),
    startTestServer({ apiKey: 'sk-mcp' }),
  ]);
}, 30_000);
afterAll(async () => {
  await Promise.all([mcp?.close(), api?.close()]);
});

it("an MCP tool's image is shown to the model, priced as an image, in a valid request", async () => {
  api.reply(
    { toolCalls: [{ id: 'call_img', name: 'get-tiny-image', arguments: {} }] },
    { content: 'It is the MCP logo.' },
  );
  const agent = new Agent({
    name: 'mcp-images',
    model: openai('gpt-4o', { apiKey: 'sk-mcp', baseURL: api.url }),
    tools: await mcp.tools({ include: ['get-tiny-image'] }),
  });
  const result = await agent.run('What does the tiny image show?');
  expect(result.text).toBe('It is the MCP logo.');
  expect(api.requests.map((r) => r.rejected)).toEqual([undefined, undefined]);

  const sent = api.requests[1]?.body.messages as ChatCompletionMessageParam[];
  expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  // The tool message is the summary (no base64); the image follows it as an image part.
  const toolText = String(sent[2]?.content);
  expect(toolText).toContain('"type":"image"');
  expect(toolText).not.toContain('iVBOR');
  const images = sent[3] as ChatCompletionMessageParam;
  expect(toolImagesCallIds(images)).toEqual(['call_img']);
  const parts = images.content as Array<{ type: string; image_url?: { url: string } }>;
  expect(parts.map((p) => p.type)).toEqual(['text', 'image_url']);
  const url = parts[1]?.image_url?.url ?? '';
  expect(url).toMatch(/^data:image\/png;base64,iVBOR/);
  // Counted from the PNG's header: far below its base64 read as text.
  const counter = new TokenCounter({ model: 'gpt-4o' });
  expect(imageDimensionsOf(url)).toBeDefined();
  expect(counter.countMessage(images)).toBeLessThan(counter.countText(url) / 2);
}, 30_000);
