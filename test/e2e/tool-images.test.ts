/**
 * Issue 19 point 4 end to end: a tool returns an image; the loop sends it after the tool
 * messages in a user message (a tool message takes text only), which the strict test server
 * accepts; a session mixing user images, tool images and tool calls, trimmed to a small budget,
 * yields only valid requests within the budget, each image with its message and its call.
 */
import { Agent, openai, openaiResponses } from '@agentloop/core';
import { InMemoryStore, TokenCounter, toolImagesCallIds } from '@agentloop/memory';
import { tool, withImages } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { imageDataUrl } from '../support/image-bytes.js';
import { type RecordedRequest, startTestServer, type TestServer } from '../support/index.js';

const API_KEY = 'sk-test-images';
let server: TestServer;
afterEach(() => server.close());

const messagesOf = (request: RecordedRequest | undefined) =>
  (request?.body.messages ?? []) as ChatCompletionMessageParam[];

const chartPng = imageDataUrl({ format: 'png', width: 1024, height: 1024, filler: 20_000 });

const renderChart = tool({
  name: 'render_chart',
  description: 'Renders a chart of a metric as an image',
  parameters: z.object({ metric: z.string() }),
  execute: async ({ metric }) => withImages(`Chart of ${metric}`, [chartPng]),
});
const lookup = tool({
  name: 'lookup',
  description: 'Looks a metric up',
  parameters: z.object({ metric: z.string() }),
  execute: async ({ metric }) => ({ metric, value: 42 }),
});

describe('a tool that returns an image', () => {
  it('reaches the model in a user message after the tool messages, and the API shape is valid', async () => {
    server = await startTestServer({ apiKey: API_KEY });
    server.reply(
      {
        toolCalls: [
          { id: 'call_chart', name: 'render_chart', arguments: { metric: 'sales' } },
          { id: 'call_look', name: 'lookup', arguments: { metric: 'sales' } },
        ],
      },
      { content: 'Sales grow.' },
    );
    const agent = new Agent({
      name: 'charts',
      model: openai('gpt-4o', { apiKey: API_KEY, baseURL: server.url }),
      tools: [renderChart, lookup],
    });
    const result = await agent.run('How are sales?');
    expect(result.text).toBe('Sales grow.');
    expect(server.requests.map((r) => r.rejected)).toEqual([undefined, undefined]);

    const sent = messagesOf(server.requests[1]);
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'user']);
    expect(sent[2]).toEqual({
      role: 'tool',
      tool_call_id: 'call_chart',
      content: 'Chart of sales',
    });
    expect(sent[4]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: '[Images returned by tool call call_chart (render_chart)]' },
        { type: 'image_url', image_url: { url: chartPng } },
      ],
    });
    const chart = result.toolCalls.find((c) => c.name === 'render_chart');
    expect(chart?.outcome.ok && chart.outcome.images).toEqual([
      { type: 'image_url', image_url: { url: chartPng } },
    ]);
    // The image message is part of the run's messages (kept in a session like any other).
    expect(result.messages.at(-2)).toEqual(sent[4]);
  });

  it('through the Responses API: the images become input_image parts of the user item after the outputs', async () => {
    server = await startTestServer({ apiKey: API_KEY });
    server.reply(
      { toolCalls: [{ id: 'call_chart', name: 'render_chart', arguments: { metric: 'sales' } }] },
      { content: 'Sales grow.' },
    );
    const agent = new Agent({
      name: 'charts',
      model: openaiResponses('gpt-4.1-mini', { apiKey: API_KEY, baseURL: server.url }),
      tools: [renderChart],
    });
    expect((await agent.run('How are sales?')).text).toBe('Sales grow.');
    expect(server.requests.map((r) => [r.path, r.rejected])).toEqual([
      ['/v1/responses', undefined],
      ['/v1/responses', undefined],
    ]);
    const body = server.requests[1]?.body as unknown as { input: Array<Record<string, unknown>> };
    const { input } = body;
    expect(input.map((item) => item.type ?? item.role)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
    ]);
    expect(input[3]).toMatchObject({
      role: 'user',
      content: [
        { type: 'input_text', text: '[Images returned by tool call call_chart (render_chart)]' },
        { type: 'input_image', image_url: chartPng, detail: 'auto' },
      ],
    });
  });

  it('an image that is no image is a tool fault the model sees, and nothing invalid is sent', async () => {
    server = await startTestServer({ apiKey: API_KEY });
    server.reply(
      { toolCalls: [{ id: 'call_bad', name: 'bad_image', arguments: {} }] },
      { content: 'Sorry.' },
    );
    const badImage = tool({
      name: 'bad_image',
      description: 'Returns a file that is not an image',
      parameters: z.object({}),
      execute: async () => withImages('a file', ['data:text/plain;base64,aGk=']),
    });
    const agent = new Agent({
      name: 'bad',
      model: openai('gpt-4o', { apiKey: API_KEY, baseURL: server.url }),
      tools: [badImage],
    });
    const result = await agent.run('Show me');
    expect(result.toolCalls[0]?.outcome.error?.code).toBe('tool_error');
    expect(result.toolCalls[0]?.outcome.output).toMatch(/Image 0 of a tool result is not an image/);
    expect(messagesOf(server.requests[1]).map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
    ]);
    expect(server.requests.map((r) => r.rejected)).toEqual([undefined, undefined]);
  });
});

describe('a session mixing images and tool calls, trimmed to a budget', () => {
  it('sends only valid requests within the budget, each image with its message and call', async () => {
    const maxTokens = 4_000;
    const reserveOutputTokens = 200;
    let calls = 0;
    server = await startTestServer({
      apiKey: API_KEY,
      // Every question gets a chart call, then an answer.
      responder: (request) => {
        const last = messagesOf(request).at(-1);
        calls += 1;
        return last?.role === 'user' && !toolImagesCallIds(last)
          ? {
              toolCalls: [
                { id: `call_c${calls}`, name: 'render_chart', arguments: { metric: `m${calls}` } },
                { id: `call_l${calls}`, name: 'lookup', arguments: { metric: `m${calls}` } },
              ],
            }
          : { content: `Answer ${calls}: the chart rises.` };
      },
    });
    const agent = new Agent({
      name: 'charts',
      model: openai('gpt-4o', { apiKey: API_KEY, baseURL: server.url }),
      tools: [renderChart, lookup],
      memory: { store: new InMemoryStore(), maxTokens, reserveOutputTokens },
    });
    const photo = imageDataUrl({ format: 'jpeg', width: 2048, height: 4096, exifBytes: 6_000 });
    for (let i = 1; i <= 6; i++) {
      await agent.run(
        [
          {
            role: 'user',
            content: [
              { type: 'text', text: `Compare photo ${i} with the chart.` },
              { type: 'image_url', image_url: { url: photo, detail: i % 2 ? 'high' : 'low' } },
            ],
          },
        ],
        { sessionId: 'mixed' },
      );
    }

    const counter = new TokenCounter({ model: 'gpt-4o' });
    expect(server.requests).toHaveLength(12);
    let trimmed = 0;
    for (const request of server.requests) {
      expect(request.rejected).toBeUndefined();
      const sent = messagesOf(request);
      const size = counter.countMessages(sent) + counter.countTools(request.body.tools as never);
      expect(size + reserveOutputTokens).toBeLessThanOrEqual(maxTokens);
      // Each user photo is in its own message with its text; each tool image after its result.
      for (const [i, message] of sent.entries()) {
        const ids = toolImagesCallIds(message);
        if (ids) {
          const results = sent.slice(0, i).filter((m) => m.role === 'tool');
          expect(
            ids.every((id) => results.some((m) => m.role === 'tool' && m.tool_call_id === id)),
          ).toBe(true);
          expect(sent[i - 1]?.role).toBe('tool');
        } else if (message.role === 'user' && Array.isArray(message.content)) {
          expect(message.content.map((p) => p.type)).toEqual(['text', 'image_url']);
        }
      }
      if (!JSON.stringify(sent).includes('photo 1.')) trimmed += 1;
    }
    // The budget held only the newest turns: the oldest were dropped from later requests.
    expect(trimmed).toBeGreaterThan(4);
  });
});
