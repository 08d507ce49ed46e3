/**
 * The spans of a run as the in-memory exporter receives them: their tree for parallel tools,
 * retries, failures, a stream, a structured output and a child agent, and their attributes.
 */
import { Agent, ModelError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { otelMiddleware } from '@agentloop/otel';
import { tool } from '@agentloop/tools';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ATTRIBUTES, SPAN_EVENTS } from '../../packages/otel/src/attributes.js';
import {
  expectNoOrphans,
  named,
  one,
  parentId,
  tracing,
  tree,
  useContextManager,
} from './trace-support.js';

useContextManager();

const USAGE = {
  prompt_tokens: 100,
  completion_tokens: 20,
  total_tokens: 120,
  prompt_tokens_details: { cached_tokens: 40 },
  completion_tokens_details: { reasoning_tokens: 5 },
};
const busy = () => new ModelError({ message: 'busy', retryable: true, status: 503 });
const idOf = (span: { spanContext: () => { spanId: string } }) => span.spanContext().spanId;

/** `count` calls that each wait until all have started, so they can only finish if run at once. */
function barrier(count: number) {
  let arrived = 0;
  let open: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived === count) open();
    await all;
  };
}

describe('the span tree of a run', () => {
  it('parallel tools are sibling execute_tool spans under invoke_agent, and a tool’s own span nests under its call', async () => {
    const t = tracing();
    const wait = barrier(3);
    const weather = tool({
      name: 'weather',
      description: 'Weather of a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        await wait();
        // A span the tool's HTTP client would make: it must nest under this call.
        return t.tracer.startActiveSpan(`GET /weather/${city}`, (span) => {
          span.end();
          return `${city}: sunny`;
        });
      },
    });
    const model = new ScriptedModel([
      {
        toolCalls: ['Oslo', 'Rome', 'Lima'].map((city, i) => ({
          id: `call_${i}`,
          name: 'weather',
          arguments: { city },
        })),
        usage: USAGE,
      },
      { content: 'Sunny everywhere.', usage: USAGE },
    ]);
    const agent = new Agent({
      name: 'forecaster',
      model,
      tools: [weather],
      middleware: [otelMiddleware({ tracer: t.tracer })],
    });
    await agent.run('Weather in Oslo, Rome and Lima?');

    const spans = t.spans();
    expectNoOrphans(spans);
    expect(tree(spans).filter((line) => !line.includes('GET'))).toEqual([
      'invoke_agent forecaster',
      '  chat gpt-4o-mini',
      '  execute_tool weather',
      '  execute_tool weather',
      '  execute_tool weather',
      '  chat gpt-4o-mini',
    ]);
    const run = one(spans, 'invoke_agent forecaster');
    const calls = named(spans, 'execute_tool weather');
    expect(calls.map((s) => parentId(s))).toEqual([idOf(run), idOf(run), idOf(run)]);
    expect(calls.map((s) => s.attributes[ATTRIBUTES.toolCallId]).sort()).toEqual([
      'call_0',
      'call_1',
      'call_2',
    ]);
    for (const call of calls) {
      expect(call.attributes[ATTRIBUTES.toolDescription]).toBe('Weather of a city');
    }
    // Each HTTP span is the child of the call that made it.
    for (const city of ['Oslo', 'Rome', 'Lima']) {
      const http = one(spans, `GET /weather/${city}`);
      const call = calls.find((s) => idOf(s) === parentId(http));
      expect(call, city).toBeDefined();
    }
    // The run's tokens are the sum of its two model calls.
    expect(run.attributes[ATTRIBUTES.usageInputTokens]).toBe(200);
    expect(run.attributes[ATTRIBUTES.usageOutputTokens]).toBe(40);
    expect(run.attributes[ATTRIBUTES.usageCacheReadInputTokens]).toBe(80);
    expect(run.attributes[ATTRIBUTES.usageReasoningOutputTokens]).toBe(10);
    expect(run.attributes[ATTRIBUTES.requestModel]).toBe('gpt-4o-mini');
    expect(run.attributes[ATTRIBUTES.runStatus]).toBe('completed');
    expect(run.attributes[ATTRIBUTES.responseFinishReasons]).toEqual(['stop']);
  });

  it('a run started inside a span of yours nests under it', async () => {
    const t = tracing();
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel([{ content: 'Hi.', usage: USAGE }]),
      middleware: [otelMiddleware({ tracer: t.tracer })],
    });
    let outer = '';
    await t.tracer.startActiveSpan('POST /chat', async (span) => {
      outer = span.spanContext().spanId;
      await agent.run('hello');
      span.end();
    });
    const spans = t.spans();
    expect(tree(spans)).toEqual(['POST /chat', '  invoke_agent a', '    chat gpt-4o-mini']);
    expect(parentId(one(spans, 'invoke_agent a'))).toBe(outer);
  });

  it('retries are events of the one chat span, which covers them all', async () => {
    const t = tracing();
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel([busy(), busy(), { content: 'Hi.', usage: USAGE }]),
      retry: { baseDelayMs: 0, maxDelayMs: 0 },
      middleware: [otelMiddleware({ tracer: t.tracer })],
    });
    await agent.run('hello');
    const spans = t.spans();
    expectNoOrphans(spans);
    const chat = one(spans, 'chat gpt-4o-mini');
    const retries = chat.events.filter((e) => e.name === SPAN_EVENTS.modelRetry);
    expect(retries.map((e) => e.attributes)).toEqual([
      {
        [ATTRIBUTES.retryAttempt]: 1,
        [ATTRIBUTES.retryDelayMs]: 0,
        [ATTRIBUTES.errorType]: 'model_error',
        [ATTRIBUTES.errorStatus]: 503,
      },
      {
        [ATTRIBUTES.retryAttempt]: 2,
        [ATTRIBUTES.retryDelayMs]: 0,
        [ATTRIBUTES.errorType]: 'model_error',
        [ATTRIBUTES.errorStatus]: 503,
      },
    ]);
    expect(chat.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a failed model call fails its chat span and the run’s, with error.type and the exception', async () => {
    const t = tracing();
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel([
        new ModelError({ message: 'bad request', retryable: false, status: 400 }),
      ]),
      middleware: [otelMiddleware({ tracer: t.tracer })],
    });
    await expect(agent.run('hello')).rejects.toThrow(/bad request/);
    const spans = t.spans();
    expectNoOrphans(spans);
    for (const span of [one(spans, 'chat gpt-4o-mini'), one(spans, 'invoke_agent a')]) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad request' });
      expect(span.attributes[ATTRIBUTES.errorType]).toBe('model_error');
      expect(span.events.find((e) => e.name === 'exception')?.attributes).toMatchObject({
        'exception.message': 'bad request',
      });
    }
  });

  it('a tool that throws fails its execute_tool span; the run goes on and succeeds', async () => {
    const t = tracing();
    const broken = tool({
      name: 'broken',
      description: 'Always fails',
      parameters: z.object({}),
      execute: () => {
        throw new Error('disk on fire');
      },
    });
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel([
        { toolCalls: [{ name: 'broken', arguments: {} }], usage: USAGE },
        { content: 'Sorry.', usage: USAGE },
      ]),
      tools: [broken],
      middleware: [otelMiddleware({ tracer: t.tracer })],
    });
    await agent.run('go');
    const spans = t.spans();
    const call = one(spans, 'execute_tool broken');
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.status.message).toContain('disk on fire');
    expect(call.attributes[ATTRIBUTES.errorType]).toBe('tool_error');
    expect(one(spans, 'invoke_agent a').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a stream’s chat span has the time to its first chunk; a generated reply has none', async () => {
    const t = tracing();
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel(
        [
          { content: 'A streamed answer, in pieces.', usage: USAGE },
          { content: 'A whole answer.', usage: USAGE },
        ],
        { delayMs: 5 },
      ),
      middleware: [otelMiddleware({ tracer: t.tracer })],
    });
    const stream = agent.stream('hello');
    for await (const _ of stream) {
      // Read it all.
    }
    await agent.run('again');
    const [streamed, generated] = named(t.spans(), 'chat gpt-4o-mini');
    const ttfc = streamed?.attributes[ATTRIBUTES.responseTimeToFirstChunk];
    expect(typeof ttfc).toBe('number');
    // In seconds: at least the model's 5 ms wait, far less than a second.
    expect(ttfc as number).toBeGreaterThanOrEqual(0.004);
    expect(ttfc as number).toBeLessThan(1);
    expect(generated?.attributes[ATTRIBUTES.responseTimeToFirstChunk]).toBeUndefined();
  });

  it('a structured output is gen_ai.output.type json on the chat span', async () => {
    const t = tracing();
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel([{ content: '{"city":"Oslo"}', usage: USAGE }]),
      output: z.object({ city: z.string() }),
      middleware: [otelMiddleware({ tracer: t.tracer })],
    });
    const result = await agent.run('Which city?');
    expect(result.output).toEqual({ city: 'Oslo' });
    const chat = one(t.spans(), 'chat gpt-4o-mini');
    expect(chat.attributes[ATTRIBUTES.outputType]).toBe('json');
  });

  it('a child agent run from a tool nests under the parent’s execute_tool span', async () => {
    const t = tracing();
    const otel = otelMiddleware({ tracer: t.tracer });
    const child = new Agent({
      name: 'weather',
      model: new ScriptedModel([{ content: 'Sunny in Oslo.', usage: USAGE }]),
      middleware: [otel],
    });
    const ask = tool({
      name: 'ask_weather',
      description: 'Asks the weather agent',
      parameters: z.object({ question: z.string() }),
      execute: async ({ question }, ctx) =>
        (await child.run(question, { signal: ctx.signal })).text,
    });
    const parent = new Agent({
      name: 'triage',
      model: new ScriptedModel([
        { toolCalls: [{ name: 'ask_weather', arguments: { question: 'Oslo?' } }], usage: USAGE },
        { content: 'It is sunny in Oslo.', usage: USAGE },
      ]),
      tools: [ask],
      middleware: [otel],
    });
    await parent.run('Weather in Oslo?');
    const spans = t.spans();
    expectNoOrphans(spans);
    expect(tree(spans)).toEqual([
      'invoke_agent triage',
      '  chat gpt-4o-mini',
      '  execute_tool ask_weather',
      '    invoke_agent weather',
      '      chat gpt-4o-mini',
      '  chat gpt-4o-mini',
    ]);
    // Each run counts its own tokens only.
    expect(one(spans, 'invoke_agent weather').attributes[ATTRIBUTES.usageInputTokens]).toBe(100);
    expect(one(spans, 'invoke_agent triage').attributes[ATTRIBUTES.usageInputTokens]).toBe(200);
  });

  it('an agent called through asTool nests its invoke_agent span under the parent’s execute_tool span', async () => {
    const t = tracing();
    const otel = otelMiddleware({ tracer: t.tracer });
    const child = new Agent({
      name: 'weather',
      model: new ScriptedModel([{ content: 'Sunny in Oslo.', usage: USAGE }]),
      middleware: [otel],
    });
    const parent = new Agent({
      name: 'triage',
      model: new ScriptedModel([
        { toolCalls: [{ name: 'weather', arguments: { input: 'Oslo?' } }], usage: USAGE },
        { content: 'It is sunny in Oslo.', usage: USAGE },
      ]),
      tools: [child.asTool({ description: 'Asks the weather agent' })],
      middleware: [otel],
    });
    const result = await parent.run('Weather in Oslo?');
    const spans = t.spans();
    expectNoOrphans(spans);
    expect(tree(spans)).toEqual([
      'invoke_agent triage',
      '  chat gpt-4o-mini',
      '  execute_tool weather',
      '    invoke_agent weather',
      '      chat gpt-4o-mini',
      '  chat gpt-4o-mini',
    ]);
    // The child agent's tool is described as asTool was told.
    expect(one(spans, 'execute_tool weather').attributes[ATTRIBUTES.toolDescription]).toBe(
      'Asks the weather agent',
    );
    // Each span counts its own agent's tokens (result.usageByAgent); result.usage is the tree's.
    expect(one(spans, 'invoke_agent weather').attributes[ATTRIBUTES.usageInputTokens]).toBe(100);
    expect(one(spans, 'invoke_agent triage').attributes[ATTRIBUTES.usageInputTokens]).toBe(
      result.usageByAgent.triage?.promptTokens,
    );
    expect(result.usageByAgent.triage?.promptTokens).toBe(200);
    expect(result.usage.promptTokens).toBe(300);
  });

  it('spans nest under their run even without a context manager, and kinds follow the conventions', async () => {
    context.disable();
    try {
      const t = tracing();
      const lookup = tool({
        name: 'lookup',
        description: 'Looks up',
        parameters: z.object({}),
        execute: () => 'found',
      });
      const agent = new Agent({
        name: 'a',
        model: new ScriptedModel([
          { toolCalls: [{ name: 'lookup', arguments: {} }], usage: USAGE },
          { content: 'Done.', usage: USAGE },
        ]),
        tools: [lookup],
        middleware: [otelMiddleware({ tracer: t.tracer })],
      });
      expect(trace.getActiveSpan()).toBeUndefined();
      await agent.run('go');
      const spans = t.spans();
      expectNoOrphans(spans);
      expect(tree(spans)).toEqual([
        'invoke_agent a',
        '  chat gpt-4o-mini',
        '  execute_tool lookup',
        '  chat gpt-4o-mini',
      ]);
      expect(one(spans, 'invoke_agent a').kind).toBe(SpanKind.INTERNAL);
      expect(named(spans, 'chat gpt-4o-mini')[0]?.kind).toBe(SpanKind.CLIENT);
      expect(one(spans, 'execute_tool lookup').kind).toBe(SpanKind.INTERNAL);
    } finally {
      // Back to the file's context manager for the tests after this one.
      const { AsyncLocalStorageContextManager } = await import(
        '@opentelemetry/context-async-hooks'
      );
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    }
  });
});
