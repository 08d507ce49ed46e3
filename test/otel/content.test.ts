/**
 * Content on spans: none unless `captureContent` is true; then messages, tool definitions,
 * arguments and results in the conventions' form, every string cut to its bound and scrubbed of
 * keys. The API key never reaches a span, with or without content.
 */
import { Agent, openai } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { otelMiddleware } from '@agentloop/otel';
import { tool } from '@agentloop/tools';
import { INVALID_SPAN_CONTEXT, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ATTRIBUTES } from '../../packages/otel/src/attributes.js';
import { startTestServer, type TestServer } from '../support/index.js';
import { one, tracing, useContextManager } from './trace-support.js';

useContextManager();

const CONTENT_ATTRIBUTES = [
  ATTRIBUTES.inputMessages,
  ATTRIBUTES.outputMessages,
  ATTRIBUTES.toolDefinitions,
  ATTRIBUTES.toolCallArguments,
  ATTRIBUTES.toolCallResult,
];
const USAGE = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };

const lookup = tool({
  name: 'lookup',
  description: 'Looks a customer up',
  parameters: z.object({ email: z.string() }),
  execute: ({ email }) => ({ email, plan: 'gold', notes: 'x'.repeat(5000) }),
});

function agentWith(options: Parameters<typeof otelMiddleware>[0]) {
  return new Agent({
    name: 'support',
    instructions: 'You help customers.',
    model: new ScriptedModel([
      {
        toolCalls: [{ id: 'c1', name: 'lookup', arguments: { email: 'ada@example.com' } }],
        usage: USAGE,
      },
      { content: 'Ada is on the gold plan.', usage: USAGE },
    ]),
    tools: [lookup],
    middleware: [otelMiddleware(options)],
  });
}

/** A span that does not record, as a sampler that drops a trace gives: it notes what is set on it. */
function silentSpan(written: string[]): Span {
  const span: Span = {
    spanContext: () => INVALID_SPAN_CONTEXT,
    setAttribute: (key) => {
      written.push(key);
      return span;
    },
    setAttributes: (attributes) => {
      written.push(...Object.keys(attributes));
      return span;
    },
    addEvent: () => span,
    addLink: () => span,
    addLinks: () => span,
    setStatus: () => span,
    updateName: () => span,
    end: () => {},
    isRecording: () => false,
    recordException: () => {},
  };
  return span;
}

/** Every attribute value of every span, events and links included, as one text. */
function everything(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((s) => ({
      name: s.name,
      attributes: s.attributes,
      events: s.events,
      links: s.links.map((l) => l.attributes),
      status: s.status,
    })),
  );
}

describe('content on spans', () => {
  it('is absent unless asked for: no content attribute, and no word of the conversation anywhere', async () => {
    const t = tracing();
    await agentWith({ tracer: t.tracer }).run('What plan is ada@example.com on?');
    const spans = t.spans();
    expect(spans).toHaveLength(4);
    for (const span of spans) {
      for (const name of CONTENT_ATTRIBUTES)
        expect(span.attributes[name], span.name).toBeUndefined();
    }
    const text = everything(spans);
    for (const secret of ['ada@example.com', 'gold', 'You help customers', 'What plan']) {
      expect(text).not.toContain(secret);
    }
  });

  it('with captureContent: messages, tools, arguments and results in the conventions’ form', async () => {
    const t = tracing();
    await agentWith({ tracer: t.tracer, captureContent: true, maxContentChars: 100 }).run(
      'What plan is ada@example.com on?',
    );
    const spans = t.spans();
    const run = one(spans, 'invoke_agent support');
    expect(JSON.parse(run.attributes[ATTRIBUTES.inputMessages] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'What plan is ada@example.com on?' }] },
    ]);
    expect(JSON.parse(run.attributes[ATTRIBUTES.outputMessages] as string)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Ada is on the gold plan.' }],
        finish_reason: 'stop',
      },
    ]);

    const [first, second] = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(JSON.parse(first?.attributes[ATTRIBUTES.inputMessages] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You help customers.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What plan is ada@example.com on?' }] },
    ]);
    expect(JSON.parse(first?.attributes[ATTRIBUTES.outputMessages] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'c1', name: 'lookup', arguments: { email: 'ada@example.com' } },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
    expect(JSON.parse(first?.attributes[ATTRIBUTES.toolDefinitions] as string)).toMatchObject([
      { type: 'function', name: 'lookup', description: 'Looks a customer up' },
    ]);
    const sent = JSON.parse(second?.attributes[ATTRIBUTES.inputMessages] as string);
    expect(sent.at(-1)).toMatchObject({
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: 'c1' }],
    });

    const call = one(spans, 'execute_tool lookup');
    expect(JSON.parse(call.attributes[ATTRIBUTES.toolCallArguments] as string)).toEqual({
      email: 'ada@example.com',
    });
    // The 5,000 characters of notes are cut to the bound, with a note of how much went.
    const result = JSON.parse(call.attributes[ATTRIBUTES.toolCallResult] as string);
    expect(result).toMatchObject({ email: 'ada@example.com', plan: 'gold' });
    expect(result.notes).toMatch(/^x{100}…\[4900 more characters cut\]$/);
  });

  it('is not built for a span that does not record (sampled out): only the attributes a sampler may use', async () => {
    const written: string[] = [];
    const silent = silentSpan(written);
    const tracer = {
      startSpan: (_name: string, options?: SpanOptions) => {
        written.push(...Object.keys(options?.attributes ?? {}));
        return silent;
      },
    } as Tracer;
    const result = await agentWith({ tracer, captureContent: true }).run(
      'What plan is ada@example.com on?',
    );
    expect(result.text).toBe('Ada is on the gold plan.');
    expect(written).toContain(ATTRIBUTES.operationName);
    expect(written).toContain(ATTRIBUTES.toolName);
    for (const name of CONTENT_ATTRIBUTES) expect(written).not.toContain(name);
  });

  it('scrubs key-shaped strings and the given secrets from content', async () => {
    const t = tracing();
    const key = `sk-proj-${'A1b2C3d4'.repeat(4)}`;
    await agentWith({
      tracer: t.tracer,
      captureContent: true,
      secrets: ['ada@example.com'],
    }).run(`My key is ${key}, what plan is ada@example.com on?`);
    const text = everything(t.spans());
    expect(text).not.toContain(key);
    expect(text).not.toContain('ada@example.com');
    expect(text).toContain('[redacted]');
  });
});

describe('the API key', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('never reaches a span, with content captured and a request that fails', async () => {
    const apiKey = 'test-key-that-must-stay-secret-123456';
    server.reply(
      { status: 400 },
      { toolCalls: [{ name: 'lookup', arguments: { email: 'ada@example.com' } }] },
      { content: 'Gold.' },
    );
    const t = tracing();
    const agent = new Agent({
      name: 'support',
      model: openai('gpt-4o-mini', { apiKey, baseURL: server.url }),
      tools: [lookup],
      middleware: [otelMiddleware({ tracer: t.tracer, captureContent: true })],
    });
    await expect(agent.run('Fail first.')).rejects.toThrow();
    await agent.run('Plan of ada@example.com?');
    const text = everything(t.spans());
    expect(text).not.toContain(apiKey);
    // The real adapter's replies fill the response attributes.
    const chat = t
      .spans()
      .filter((s) => s.name === 'chat gpt-4o-mini')
      .at(-1);
    expect(chat?.attributes[ATTRIBUTES.responseId]).toEqual(expect.any(String));
    expect(chat?.attributes[ATTRIBUTES.responseModel]).toEqual(expect.any(String));
  });
});
