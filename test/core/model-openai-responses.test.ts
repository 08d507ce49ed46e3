/**
 * openaiResponses() against the local test server's strict /v1/responses: what a request says,
 * what a reply becomes, reasoning items kept and sent back in place, usage and cost.
 */
import { InMemoryStore } from '@agentloop/memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../../packages/core/src/agent/agent.js';
import { ConfigurationError } from '../../packages/core/src/errors/errors.js';
import type { Model, ModelRequest } from '../../packages/core/src/models/model.js';
import { openai } from '../../packages/core/src/models/openai-model.js';
import { openaiResponses } from '../../packages/core/src/models/responses-model.js';
import { usageFromCompletion } from '../../packages/core/src/models/usage.js';
import { startTestServer, type TestServer } from '../support/index.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const model = (name = 'gpt-5-mini', options = {}) =>
  openaiResponses(name, { apiKey: 'test-key', baseURL: server.url, ...options });

const tools: ModelRequest['tools'] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
        additionalProperties: false,
      },
      strict: true,
    },
  },
  {
    type: 'function',
    function: { name: 'loose', parameters: { type: 'object', properties: {} } },
  },
];

describe('openaiResponses(): the request', () => {
  it('maps messages, tools, tool_choice, the output schema and settings to a Responses body', async () => {
    server.reply({ content: '{"a":1}' });
    await model().generate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Dev note.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Rain' },
      ],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'answer',
          strict: true,
          schema: {
            type: 'object',
            properties: { a: { type: 'number' } },
            required: ['a'],
            additionalProperties: false,
          },
        },
      },
      max_completion_tokens: 300,
      reasoning_effort: 'low',
      verbosity: 'low',
      temperature: 0.2,
      metadata: { app: 'test' },
    });
    const body = server.requests[0]?.responsesBody as Record<string, unknown>;
    expect(server.requests[0]?.path).toBe('/v1/responses');
    expect(body).toMatchObject({
      model: 'gpt-5-mini',
      stream: false,
      store: false,
      include: ['reasoning.encrypted_content'],
      max_output_tokens: 300,
      reasoning: { effort: 'low' },
      text: {
        verbosity: 'low',
        format: { type: 'json_schema', name: 'answer', strict: true },
      },
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      temperature: 0.2,
      metadata: { app: 'test' },
    });
    expect(body.input).toEqual([
      { type: 'message', role: 'system', content: 'Be brief.' },
      { type: 'message', role: 'developer', content: 'Dev note.' },
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'Look:' },
          { type: 'input_image', image_url: 'https://x.test/a.png', detail: 'low' },
        ],
      },
      {
        type: 'function_call',
        call_id: 'call_1',
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
      },
      { type: 'function_call_output', call_id: 'call_1', output: 'Rain' },
    ]);
    // The Responses API takes a missing `strict` as true: a non-strict tool must say false.
    expect(body.tools).toEqual([
      expect.objectContaining({ type: 'function', name: 'get_weather', strict: true }),
      expect.objectContaining({ type: 'function', name: 'loose', strict: false }),
    ]);
    for (const key of ['messages', 'max_completion_tokens', 'reasoning_effort', 'verbosity']) {
      expect(body).not.toHaveProperty(key);
    }
  });

  it('asks for encrypted reasoning only from models that reason', async () => {
    server.reply({ content: 'a' }, { content: 'b' }, { content: 'c' }, { content: 'd' });
    const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
    await model('gpt-4o-mini').generate(request);
    await model('gpt-5-chat-latest').generate(request);
    await model('gpt-4.1', { encryptedReasoning: true })
      .generate(request)
      .catch(() => {});
    await model('o4-mini').generate(request);
    await model('gpt-4o-mini')
      .generate({ ...request, reasoning_effort: 'low' })
      .catch(() => {});
    const includes = server.requests.map((r) => r.responsesBody?.include);
    expect(includes[0]).toBeUndefined();
    expect(includes[1]).toBeUndefined();
    // Forced on a model that does not reason: the API's refusal, as the strict server answers it.
    expect(server.requests[2]?.rejected?.message).toBe(
      'Encrypted content is not supported with this model.',
    );
    expect(includes[3]).toEqual(['reasoning.encrypted_content']);
  });

  it('sends Responses-only settings as they are, and a store the request sets', async () => {
    server.reply({ content: 'ok' });
    await model('gpt-5-mini', { reasoning: { summary: 'auto' } }).generate({
      messages: [{ role: 'user', content: 'hi' }],
      store: true,
      ...({ truncation: 'auto' } as object),
    });
    expect(server.requests[0]?.responsesBody).toMatchObject({
      store: true,
      truncation: 'auto',
      reasoning: { summary: 'auto' },
    });
  });

  it('refuses settings the Responses API has no equivalent for, before any request', async () => {
    const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
    for (const setting of [{ seed: 7 }, { stop: ['x'] }, { n: 2 }, { logprobs: true }]) {
      const error = await model()
        .generate({ ...request, ...setting })
        .catch((e: unknown) => e);
      expect(ConfigurationError.isInstance(error), JSON.stringify(setting)).toBe(true);
      expect((error as Error).message).toContain(Object.keys(setting)[0] as string);
    }
    // Values that mean "not used" are harmless.
    server.reply({ content: 'ok' });
    await model().generate({ ...request, n: 1, logprobs: false, frequency_penalty: 0 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('openaiResponses(): the reply', () => {
  it('gives text, tool calls by call_id, finish reason, id, model and usage', async () => {
    server.reply({
      content: 'Checking.',
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } },
        { id: 'call_b', name: 'get_weather', arguments: { city: 'Oslo' } },
      ],
      usage: { promptTokens: 1000, completionTokens: 200, cachedTokens: 400, reasoningTokens: 120 },
    });
    const reply = await model().generate({ messages: [{ role: 'user', content: 'hi' }], tools });
    expect(reply.message).toMatchObject({
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        {
          id: 'call_a',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
        {
          id: 'call_b',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
        },
      ],
    });
    expect(reply.finishReason).toBe('tool_calls');
    expect(reply.id).toMatch(/^resp_/);
    expect(reply.model).toBe('gpt-5-mini');
    expect(reply.usage).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 200,
      total_tokens: 1200,
      prompt_tokens_details: { cached_tokens: 400 },
      completion_tokens_details: { reasoning_tokens: 120 },
    });
    // Priced as today: gpt-5-mini 0.25 / 0.025 cached / 2 per million.
    const usage = usageFromCompletion(reply.usage, reply.model);
    expect(usage).toMatchObject({ promptTokens: 1000, cachedTokens: 400, reasoningTokens: 120 });
    expect(usage.cost).toBeCloseTo((600 * 0.25 + 400 * 0.025 + 200 * 2) / 1e6, 12);
    // Without reasoning items there is nothing to place: the message carries no output entries.
    expect(reply.message).not.toHaveProperty('responses_output');
  });

  it('a refusal is the message refusal; a cut reply finishes with length', async () => {
    server.reply(
      { refusal: "I can't help with that." },
      { content: 'Half', finishReason: 'length' },
    );
    const refused = await model().generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(refused.message.refusal).toBe("I can't help with that.");
    expect(refused.message.content).toBeNull();
    expect(refused.finishReason).toBe('stop');
    const cut = await model().generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(cut.finishReason).toBe('length');
    expect(cut.message.content).toBe('Half');
  });

  it('keeps reasoning items on the message and sends them back in place, encrypted', async () => {
    server.reply(
      {
        reasoningItems: true,
        reasoningContent: 'Need the weather.',
        toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      { content: 'Sunny.' },
    );
    const m = model();
    const first = await m.generate({ messages: [{ role: 'user', content: 'hi' }], tools });
    const entries = first.message.responses_output as Record<string, unknown>[];
    expect(entries.map((e) => e.type)).toEqual(['reasoning', 'function_call']);
    expect(entries[0]).toMatchObject({
      id: expect.stringMatching(/^rs_/),
      encrypted_content: expect.stringMatching(/^gAAAAA/),
      summary: [{ type: 'summary_text', text: 'Need the weather.' }],
    });
    expect(entries[1]).toMatchObject({ id: expect.stringMatching(/^fc_/), call_id: 'call_a' });

    const { role: _r, ...fields } = first.message;
    await m.generate({
      messages: [
        { role: 'user', content: 'hi' },
        { ...fields, role: 'assistant', content: null } as never,
        { role: 'tool', tool_call_id: 'call_a', content: 'Sunny' },
      ],
      tools,
    });
    const second = server.requests[1];
    expect(second?.rejected).toBeUndefined();
    expect(second?.responsesBody?.input).toEqual([
      { type: 'message', role: 'user', content: 'hi' },
      entries[0],
      {
        type: 'function_call',
        id: entries[1]?.id,
        call_id: 'call_a',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      },
      { type: 'function_call_output', call_id: 'call_a', output: 'Sunny' },
    ]);
  });

  it('a reply the provider marks failed is a ModelError, retryable when its code says so', async () => {
    const failed = (code: string) => ({
      raw: JSON.stringify({
        id: 'resp_1',
        object: 'response',
        status: 'failed',
        output: [],
        error: { code, message: `It failed: ${code}.` },
      }),
      contentType: 'application/json',
    });
    server.reply(failed('server_error'), failed('invalid_prompt'));
    const request = { messages: [{ role: 'user' as const, content: 'x' }] };
    const transient = (await model()
      .generate(request)
      .catch((e: unknown) => e)) as {
      retryable: boolean;
      message: string;
    };
    expect(transient).toMatchObject({ name: 'ModelError', retryable: true });
    expect(transient.message).toContain('It failed: server_error.');
    const lasting = await model()
      .generate(request)
      .catch((e: unknown) => e);
    expect(lasting).toMatchObject({ name: 'ModelError', retryable: false });
  });
});

describe('a session that changes API', () => {
  it('goes on over Chat Completions without the Responses entries, and back with them', async () => {
    server.reply(
      { reasoningItems: true, content: 'First, from Responses.' },
      { content: 'Second, from Chat Completions.' },
      { content: 'Third, from Responses again.' },
    );
    const store = new InMemoryStore();
    const options = { apiKey: 'test-key', baseURL: server.url };
    const on = (m: Model) => new Agent({ name: 'switch', model: m, memory: { store } });
    await on(openaiResponses('gpt-5-mini', options)).run('one', { sessionId: 's' });
    await on(openai('gpt-5-mini', options)).run('two', { sessionId: 's' });
    await on(openaiResponses('gpt-5-mini', options)).run('three', { sessionId: 's' });
    expect(server.requests.map((r) => r.rejected)).toEqual([undefined, undefined, undefined]);
    const chatAssistant = server.requests[1]?.body.messages[1] as unknown as Record<
      string,
      unknown
    >;
    expect(chatAssistant).toMatchObject({ role: 'assistant', content: 'First, from Responses.' });
    expect(chatAssistant).not.toHaveProperty('responses_output');
    // Back on Responses, the first reply's reasoning goes back in its place.
    const input = server.requests[2]?.responsesBody?.input as { type?: string; role?: string }[];
    expect(input.map((i) => i.type ?? i.role)).toEqual([
      'message',
      'reasoning',
      'message',
      'message',
      'message',
      'message',
    ]);
  });
});
