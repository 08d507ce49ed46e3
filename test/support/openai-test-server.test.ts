import OpenAI, { AuthenticationError, BadRequestError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/index.js';

let server: TestServer;
let client: OpenAI;

beforeEach(async () => {
  server = await startTestServer();
  client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
});
afterEach(async () => {
  await server.close();
});

const user = { role: 'user', content: 'Weather in Paris?' } as const;
const tool = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: {} }, ...extra },
});
const objectSchema = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

/** Sends a body as is (bad on purpose) and returns the error the client throws. */
async function rejectionOf(body: Record<string, unknown>): Promise<unknown> {
  return client.chat.completions
    .create(body as unknown as ChatCompletionCreateParamsNonStreaming)
    .then(
      () => 'resolved',
      (error: unknown) => error,
    );
}

describe('the server rejects what the real API rejects, with its wording', () => {
  const cases: Array<[string, Record<string, unknown>, string, string | null, string | null]> = [
    ['a missing model', { messages: [user] }, 'you must provide a model parameter', null, null],
    [
      'missing messages',
      { model: 'gpt-4o-mini' },
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    ],
    [
      'empty messages',
      { model: 'm', messages: [] },
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    ],
    [
      'an unknown role',
      { model: 'm', messages: [{ role: 'bot', content: 'x' }] },
      "Invalid value: 'bot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
      'messages[0].role',
      'invalid_value',
    ],
    [
      'a tool message without a call',
      { model: 'm', messages: [user, { role: 'tool', tool_call_id: 'call_1', content: 'x' }] },
      "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      'messages.[1].role',
      null,
    ],
    [
      'a tool message answering an unknown id',
      {
        model: 'm',
        messages: [
          user,
          {
            role: 'assistant',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_2', content: 'x' },
        ],
      },
      "Invalid parameter: 'tool_call_id' of 'call_2' not found in 'tool_calls' of previous message.",
      'messages.[2].tool_call_id',
      null,
    ],
    [
      'a call without its result',
      {
        model: 'm',
        messages: [
          user,
          {
            role: 'assistant',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
            ],
          },
          user,
        ],
      },
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_1",
      'messages.[2].role',
      null,
    ],
    [
      'a tool name with a space',
      { model: 'm', messages: [user], tools: [tool('get weather')] },
      "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
      'tools[0].function.name',
      'invalid_value',
    ],
    [
      'a 65-character tool name',
      { model: 'm', messages: [user], tools: [tool('a'.repeat(65))] },
      "Invalid 'tools[0].function.name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead.",
      'tools[0].function.name',
      'string_above_max_length',
    ],
    [
      'duplicate tool names',
      { model: 'm', messages: [user], tools: [tool('f'), tool('f')] },
      "Invalid 'tools[1].function.name': duplicate function name 'f' (also used by 'tools[0]'). Function names must be unique within 'tools'.",
      'tools[1].function.name',
      'invalid_value',
    ],
    [
      'an empty tools array',
      { model: 'm', messages: [user], tools: [] },
      "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'tools',
      'empty_array',
    ],
    [
      'tool_choice without tools',
      { model: 'm', messages: [user], tool_choice: 'auto' },
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'tool_choice',
      null,
    ],
    [
      'parallel_tool_calls without tools',
      { model: 'm', messages: [user], parallel_tool_calls: false },
      "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.",
      'parallel_tool_calls',
      null,
    ],
    [
      'non-object parameters',
      { model: 'm', messages: [user], tools: [tool('f', { parameters: { type: 'string' } })] },
      `Invalid schema for function 'f': schema must be a JSON Schema of 'type: "object"', got 'type: "string"'.`,
      'tools[0].function.parameters',
      'invalid_function_parameters',
    ],
    [
      'a strict tool with a loose nested object',
      {
        model: 'm',
        messages: [user],
        tools: [
          tool('f', {
            strict: true,
            parameters: objectSchema({ address: { type: 'object', properties: {} } }),
          }),
        ],
      },
      "Invalid schema for function 'f': In context=('properties', 'address'), 'additionalProperties' is required to be supplied and to be false.",
      'tools[0].function.parameters',
      'invalid_function_parameters',
    ],
    [
      'a strict response_format with an optional property',
      {
        model: 'm',
        messages: [user],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'Out',
            strict: true,
            schema: { ...objectSchema({ a: { type: 'string' } }), required: [] },
          },
        },
      },
      "Invalid schema for response_format 'Out': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'a'.",
      'response_format',
      'invalid_json_schema',
    ],
    [
      'a strict response_format with a root anyOf',
      {
        model: 'm',
        messages: [user],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'Out', strict: true, schema: { anyOf: [objectSchema({})] } },
        },
      },
      `Invalid schema for response_format 'Out': schema must be a JSON Schema of 'type: "object"', got 'type: "None"'.`,
      'response_format',
      'invalid_json_schema',
    ],
  ];

  it.each(cases)('rejects %s with 400', async (_name, body, message, param, code) => {
    server.reply({ content: 'must not be used' });
    const error = await rejectionOf(body);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toEqual({
      message,
      type: 'invalid_request_error',
      param,
      code,
    });
    expect(server.pendingSteps).toBe(1);
    expect(server.requests[0]?.rejected?.status).toBe(400);
  });

  it('lets a strict tool with a compliant schema through', async () => {
    server.reply({ content: 'ok' });
    const strict = tool('f', {
      strict: true,
      parameters: objectSchema({ city: { type: 'string' } }),
    });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [user],
      tools: [strict],
    } as unknown as ChatCompletionCreateParamsNonStreaming);
    expect(completion.choices[0]?.message.content).toBe('ok');
  });
});

describe('authentication and routing', () => {
  it('answers 401 with the API wording when no Bearer key is sent', async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [user] }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^You didn't provide an API key\./);
  });

  it('requires the exact apiKey when configured, and never echoes the key in full', async () => {
    const keyed = await startTestServer({
      apiKey: 'sk-right-key-123456',
      steps: [{ content: 'hi' }],
    });
    try {
      const wrong = new OpenAI({
        apiKey: 'sk-wrong-key-987654',
        baseURL: keyed.url,
        maxRetries: 0,
      });
      const error = await wrong.chat.completions
        .create({ model: 'm', messages: [user] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).code).toBe('invalid_api_key');
      expect((error as AuthenticationError).message).not.toContain('sk-wrong-key-987654');
      const right = new OpenAI({
        apiKey: 'sk-right-key-123456',
        baseURL: keyed.url,
        maxRetries: 0,
      });
      const ok = await right.chat.completions.create({ model: 'm', messages: [user] });
      expect(ok.choices[0]?.message.content).toBe('hi');
    } finally {
      await keyed.close();
    }
  });

  it('answers 400 for a body that is not JSON and 404 for other routes', async () => {
    const headers = { authorization: 'Bearer k', 'content-type': 'application/json' };
    const bad = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers,
      body: '{nope',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /could not parse the JSON body/,
    );
    const other = await fetch(`${server.url}/embeddings`, { method: 'POST', headers, body: '{}' });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { message: string } }).error.message).toBe(
      'Invalid URL (POST /v1/embeddings)',
    );
  });
});
