/**
 * Conformance with the pinned OpenTelemetry semantic conventions (v1.41.0): the tables below are
 * written from that release's GenAI attribute registry and its invoke-agent, inference and
 * execute-tool span definitions (docs/gen-ai/gen-ai-agent-spans.md, gen-ai-spans.md,
 * docs/registry/attributes/gen-ai.md), not from the package's own table, which they check.
 */
import { Agent, ModelError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore } from '@agentloop/memory';
import { ATTRIBUTES, GEN_AI_SEMCONV_VERSION, otelMiddleware } from '@agentloop/otel';
import { tool } from '@agentloop/tools';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tracing, useContextManager } from './trace-support.js';

useContextManager();

/** The release the tables are written from. */
const SPEC_VERSION = '1.41.0';

type AttributeType = 'string' | 'int' | 'double' | 'boolean' | 'string[]' | 'any';

/** The GenAI registry of v1.41.0 (the attributes this package could use), with their types. */
const REGISTRY: Record<string, AttributeType> = {
  'gen_ai.agent.description': 'string',
  'gen_ai.agent.id': 'string',
  'gen_ai.agent.name': 'string',
  'gen_ai.agent.version': 'string',
  'gen_ai.conversation.id': 'string',
  'gen_ai.data_source.id': 'string',
  'gen_ai.input.messages': 'any',
  'gen_ai.operation.name': 'string',
  'gen_ai.output.messages': 'any',
  'gen_ai.output.type': 'string',
  'gen_ai.provider.name': 'string',
  'gen_ai.request.choice.count': 'int',
  'gen_ai.request.frequency_penalty': 'double',
  'gen_ai.request.max_tokens': 'int',
  'gen_ai.request.model': 'string',
  'gen_ai.request.presence_penalty': 'double',
  'gen_ai.request.seed': 'int',
  'gen_ai.request.stop_sequences': 'string[]',
  'gen_ai.request.stream': 'boolean',
  'gen_ai.request.temperature': 'double',
  'gen_ai.request.top_k': 'double',
  'gen_ai.request.top_p': 'double',
  'gen_ai.response.finish_reasons': 'string[]',
  'gen_ai.response.id': 'string',
  'gen_ai.response.model': 'string',
  'gen_ai.response.time_to_first_chunk': 'double',
  'gen_ai.system_instructions': 'any',
  'gen_ai.tool.call.arguments': 'any',
  'gen_ai.tool.call.id': 'string',
  'gen_ai.tool.call.result': 'any',
  'gen_ai.tool.definitions': 'any',
  'gen_ai.tool.description': 'string',
  'gen_ai.tool.name': 'string',
  'gen_ai.tool.type': 'string',
  'gen_ai.usage.cache_creation.input_tokens': 'int',
  'gen_ai.usage.cache_read.input_tokens': 'int',
  'gen_ai.usage.input_tokens': 'int',
  'gen_ai.usage.output_tokens': 'int',
  'gen_ai.usage.reasoning.output_tokens': 'int',
  'error.type': 'string',
};

/** Names the conventions deprecated by v1.41.0: never to be written. */
const DEPRECATED = [
  'gen_ai.system',
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.openai.request.seed',
  'gen_ai.openai.request.response_format',
];

/** One span definition: its operation, name, kind and the attributes by requirement level. */
interface SpanDefinition {
  operation: string;
  /** The attribute whose value follows the operation in the span name. */
  nameFrom: string;
  /** The kinds the definition allows (SHOULD, or MAY for in-process work). */
  kinds: SpanKind[];
  required: string[];
  /** Conditionally required, recommended and opt-in: allowed, not demanded. */
  allowed: string[];
}

const REQUEST_SETTINGS = [
  'gen_ai.request.frequency_penalty',
  'gen_ai.request.max_tokens',
  'gen_ai.request.presence_penalty',
  'gen_ai.request.stop_sequences',
  'gen_ai.request.temperature',
  'gen_ai.request.top_p',
];
const RESPONSE_AND_USAGE = [
  'gen_ai.response.finish_reasons',
  'gen_ai.response.id',
  'gen_ai.response.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
];

const SPANS: Record<string, SpanDefinition> = {
  // Invoke agent internal span: an agent running in the same process.
  invoke_agent: {
    operation: 'invoke_agent',
    nameFrom: 'gen_ai.agent.name',
    kinds: [SpanKind.INTERNAL],
    required: ['gen_ai.operation.name', 'gen_ai.provider.name'],
    allowed: [
      'error.type',
      'gen_ai.agent.description',
      'gen_ai.agent.id',
      'gen_ai.agent.name',
      'gen_ai.agent.version',
      'gen_ai.conversation.id',
      'gen_ai.data_source.id',
      'gen_ai.output.type',
      'gen_ai.request.choice.count',
      'gen_ai.request.model',
      'gen_ai.request.seed',
      ...REQUEST_SETTINGS,
      ...RESPONSE_AND_USAGE,
      'gen_ai.input.messages',
      'gen_ai.output.messages',
      'gen_ai.system_instructions',
      'gen_ai.tool.definitions',
    ],
  },
  // Inference span (operation chat): CLIENT, or INTERNAL for a model in the same process.
  chat: {
    operation: 'chat',
    nameFrom: 'gen_ai.request.model',
    kinds: [SpanKind.CLIENT, SpanKind.INTERNAL],
    required: ['gen_ai.operation.name', 'gen_ai.provider.name'],
    allowed: [
      'error.type',
      'gen_ai.conversation.id',
      'gen_ai.output.type',
      'gen_ai.request.choice.count',
      'gen_ai.request.model',
      'gen_ai.request.seed',
      'gen_ai.request.stream',
      'gen_ai.request.top_k',
      ...REQUEST_SETTINGS,
      ...RESPONSE_AND_USAGE,
      'gen_ai.response.time_to_first_chunk',
      'gen_ai.input.messages',
      'gen_ai.output.messages',
      'gen_ai.system_instructions',
      'gen_ai.tool.definitions',
    ],
  },
  // Execute tool span.
  execute_tool: {
    operation: 'execute_tool',
    nameFrom: 'gen_ai.tool.name',
    kinds: [SpanKind.INTERNAL],
    required: ['gen_ai.operation.name'],
    allowed: [
      'error.type',
      'gen_ai.tool.call.id',
      'gen_ai.tool.description',
      'gen_ai.tool.name',
      'gen_ai.tool.type',
      'gen_ai.tool.call.arguments',
      'gen_ai.tool.call.result',
    ],
  },
};

/** Whether `value` is of the registry type `type` (structured `any` values as JSON text). */
function hasType(value: unknown, type: AttributeType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
    case 'double':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'any':
      if (typeof value !== 'string') return false;
      try {
        JSON.parse(value);
        return true;
      } catch {
        return false;
      }
  }
}

/** Everything wrong with one span against its definition; empty when it conforms. */
function faultsOf(span: ReadableSpan): string[] {
  const faults: string[] = [];
  const operation = span.attributes['gen_ai.operation.name'];
  const definition = typeof operation === 'string' ? SPANS[operation] : undefined;
  if (!definition) return [`${span.name}: unknown operation ${String(operation)}`];
  const expectedName = `${definition.operation} ${String(span.attributes[definition.nameFrom])}`;
  if (span.name !== expectedName) faults.push(`${span.name}: name should be "${expectedName}"`);
  if (!definition.kinds.includes(span.kind)) faults.push(`${span.name}: kind ${span.kind}`);
  for (const name of definition.required) {
    if (span.attributes[name] === undefined) faults.push(`${span.name}: required ${name} missing`);
  }
  if (span.status.code === SpanStatusCode.ERROR && span.attributes['error.type'] === undefined) {
    faults.push(`${span.name}: failed without error.type`);
  }
  for (const [name, value] of Object.entries(span.attributes)) {
    if (name.startsWith('agentloop.')) continue;
    const type = REGISTRY[name];
    if (type === undefined) faults.push(`${span.name}: ${name} is not in the registry`);
    else if (!definition.allowed.includes(name) && !definition.required.includes(name)) {
      faults.push(`${span.name}: ${name} is not an attribute of ${definition.operation} spans`);
    } else if (!hasType(value, type)) {
      faults.push(`${span.name}: ${name} should be ${type}, is ${JSON.stringify(value)}`);
    }
  }
  return faults;
}

const USAGE = {
  prompt_tokens: 100,
  completion_tokens: 20,
  total_tokens: 120,
  prompt_tokens_details: { cached_tokens: 40 },
  completion_tokens_details: { reasoning_tokens: 5 },
};

/** Runs that produce every kind of span and attribute: tools, a failure, retries, a stream, JSON. */
async function richSpans(): Promise<ReadableSpan[]> {
  const t = tracing();
  const weather = tool({
    name: 'weather',
    description: 'Weather of a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      if (city === 'Atlantis') throw new Error('no such city');
      return `${city}: sunny`;
    },
  });
  const otel = otelMiddleware({ tracer: t.tracer, captureContent: true });
  const agent = new Agent({
    name: 'forecaster',
    instructions: 'Answer briefly.',
    model: new ScriptedModel([
      new ModelError({ message: 'busy', retryable: true, status: 503 }),
      {
        toolCalls: [
          { name: 'weather', arguments: { city: 'Oslo' } },
          { name: 'weather', arguments: { city: 'Atlantis' } },
        ],
        usage: USAGE,
      },
      { content: 'Sunny in Oslo.', usage: USAGE },
      { content: '{"city":"Oslo"}', usage: USAGE },
    ]),
    tools: [weather],
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
    memory: { store: new InMemoryStore() },
    modelSettings: { temperature: 0.2, top_p: 0.9, max_tokens: 300, seed: 7, stop: ['END'] },
    middleware: [otel],
  });
  await agent.run('Weather in Oslo and Atlantis?', { sessionId: 'conv-1' });
  const stream = agent.stream('And as JSON?', { sessionId: 'conv-1' });
  for await (const _ of stream) {
    // Read it all.
  }
  const failing = new Agent({
    name: 'failing',
    model: new ScriptedModel([new ModelError({ message: 'nope', retryable: false, status: 400 })], {
      name: 'gpt-4o',
    }),
    middleware: [otel],
  });
  await failing.run('x').catch(() => {});
  return t.spans();
}

describe(`conformance with the GenAI semantic conventions v${SPEC_VERSION}`, () => {
  it('pins the version the tables are written from', () => {
    expect(GEN_AI_SEMCONV_VERSION).toBe(SPEC_VERSION);
  });

  it('names only attributes of the registry, or of its own agentloop.* namespace, and none deprecated', () => {
    for (const name of Object.values(ATTRIBUTES)) {
      if (name.startsWith('agentloop.')) continue;
      expect(REGISTRY[name], name).toBeDefined();
      expect(DEPRECATED).not.toContain(name);
    }
  });

  it('every span has its name, kind, required attributes, and only allowed attributes of the right type', async () => {
    const spans = await richSpans();
    const operations = new Set(spans.map((s) => s.attributes['gen_ai.operation.name']));
    expect([...operations].sort()).toEqual(['chat', 'execute_tool', 'invoke_agent']);
    expect(spans.flatMap(faultsOf)).toEqual([]);
  });

  it('sets the conditionally required and recommended attributes it can know', async () => {
    const spans = await richSpans();
    const runs = spans.filter((s) => s.name === 'invoke_agent forecaster');
    const chats = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    const tools = spans.filter((s) => s.name === 'execute_tool weather');
    expect(runs).toHaveLength(2);
    expect(chats.length).toBeGreaterThanOrEqual(3);
    expect(tools).toHaveLength(2);
    for (const run of runs) {
      expect(run.attributes).toMatchObject({
        'gen_ai.agent.name': 'forecaster',
        'gen_ai.conversation.id': 'conv-1',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.provider.name': 'openai',
      });
    }
    for (const chat of chats) {
      expect(chat.attributes).toMatchObject({
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.conversation.id': 'conv-1',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.top_p': 0.9,
        'gen_ai.request.max_tokens': 300,
        'gen_ai.request.seed': 7,
        'gen_ai.request.stop_sequences': ['END'],
        'gen_ai.response.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
        'gen_ai.usage.cache_read.input_tokens': 40,
        'gen_ai.usage.reasoning.output_tokens': 5,
      });
      expect(chat.attributes['gen_ai.response.finish_reasons']).toEqual([expect.any(String)]);
    }
    expect(
      chats.some((c) => c.attributes['gen_ai.response.time_to_first_chunk'] !== undefined),
    ).toBe(true);
    for (const call of tools) {
      expect(call.attributes).toMatchObject({
        'gen_ai.tool.name': 'weather',
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.call.id': expect.any(String),
        'gen_ai.tool.description': 'Weather of a city',
      });
    }
    const failedTool = tools.find((s) => s.status.code === SpanStatusCode.ERROR);
    expect(failedTool?.attributes['error.type']).toBe('tool_error');
    const failedRun = spans.find((s) => s.name === 'invoke_agent failing');
    expect(failedRun?.attributes['error.type']).toBe('model_error');
  });
});
