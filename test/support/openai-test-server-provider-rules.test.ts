/**
 * The test server's opt-in provider rules (`emulate`) and the reply shapes they need: reasoning
 * fields, `extra_content` on tool calls, calls without `arguments` or with object arguments.
 */
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProviderRules, startTestServer, type TestServer } from '../support/index.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
});

async function start(emulate: ProviderRules = {}) {
  server = await startTestServer({ emulate });
  const client = new OpenAI({ apiKey: 'sk-test-rules', baseURL: server.url, maxRetries: 0 });
  return { server, client };
}

const user: ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };
const call = (extra: Record<string, unknown> = {}, args = '{"city":"Paris"}') => ({
  id: 'call_1',
  type: 'function' as const,
  function: { name: 'get_weather', arguments: args },
  ...extra,
});
const answered = (
  assistant: Record<string, unknown>,
  ...rest: ChatCompletionMessageParam[]
): ChatCompletionMessageParam[] => [
  user,
  { role: 'assistant', content: null, ...assistant } as ChatCompletionMessageParam,
  { role: 'tool', tool_call_id: 'call_1', content: '21C' },
  ...rest,
];

async function refusal(promise: Promise<unknown>): Promise<{ status?: number; error?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { status?: number; error?: unknown };
  }
  throw new Error('expected the request to be refused');
}

/** Posts a body as is and reads the raw answer (Gemini's error body is an array the client drops). */
async function post(url: string, body: object): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-test-rules', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('reply shapes', () => {
  it('sends reasoning_content and reasoning on the message, and streams them before the content', async () => {
    const { server, client } = await start();
    const step = { reasoningContent: 'Think first.', reasoning: 'Also this.', content: 'Done.' };
    server.reply(step, step);
    const whole = await client.chat.completions.create({ model: 'm', messages: [user] });
    expect(whole.choices[0]?.message).toMatchObject({
      content: 'Done.',
      reasoning_content: 'Think first.',
      reasoning: 'Also this.',
    });
    const chunks = await collect(
      await client.chat.completions.create({ model: 'm', messages: [user], stream: true }),
    );
    const deltas = chunks.map((c) => c.choices[0]?.delta as Record<string, unknown> | undefined);
    const join = (key: string) =>
      deltas.map((d) => (d?.[key] as string | undefined) ?? '').join('');
    expect(join('reasoning_content')).toBe('Think first.');
    expect(join('reasoning')).toBe('Also this.');
    expect(join('content')).toBe('Done.');
    const firstContent = deltas.findIndex(
      (d) => typeof d?.content === 'string' && d.content !== '',
    );
    const lastReasoning = deltas.findLastIndex((d) => d?.reasoning_content !== undefined);
    expect(lastReasoning).toBeLessThan(firstContent);
  });

  it('sends a call without an arguments key, object arguments, and extra_content, whole and streamed', async () => {
    const { server, client } = await start();
    const step = {
      toolCalls: [
        { id: 'call_a', name: 'now' },
        {
          id: 'call_b',
          name: 'get_weather',
          arguments: { city: 'Paris' },
          argumentsAsObject: true,
          extraContent: { google: { thought_signature: 'sig' } },
        },
      ],
    };
    server.reply(step, step);
    const whole = await client.chat.completions.create({ model: 'm', messages: [user] });
    const calls = whole.choices[0]?.message.tool_calls as unknown as Record<string, unknown>[];
    expect(calls[0]).toEqual({ id: 'call_a', type: 'function', function: { name: 'now' } });
    expect(calls[1]).toMatchObject({
      function: { name: 'get_weather', arguments: { city: 'Paris' } },
      extra_content: { google: { thought_signature: 'sig' } },
    });

    const chunks = await collect(
      await client.chat.completions.create({ model: 'm', messages: [user], stream: true }),
    );
    const toolDeltas = chunks.flatMap(
      (c) => (c.choices[0]?.delta.tool_calls ?? []) as unknown as Record<string, unknown>[],
    );
    expect(toolDeltas.filter((d) => d.index === 0)).toEqual([
      { index: 0, id: 'call_a', type: 'function', function: { name: 'now' } },
    ]);
    expect(toolDeltas.filter((d) => d.index === 1)).toEqual([
      {
        index: 1,
        id: 'call_b',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
        extra_content: { google: { thought_signature: 'sig' } },
      },
      { index: 1, function: { arguments: { city: 'Paris' } } },
    ]);
  });
});

describe('deepseekThinking', () => {
  it("refuses an assistant message with tool_calls but no reasoning_content, in DeepSeek's words", async () => {
    const { server, client } = await start({ deepseekThinking: true });
    const error = await refusal(
      client.chat.completions.create({
        model: 'm',
        messages: answered({ tool_calls: [call()] }),
      }),
    );
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      message: 'The reasoning_content in the thinking mode must be passed back to the API.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_request_error',
    });
    expect(server.requests[0]?.rejected?.status).toBe(400);
    expect(server.pendingSteps).toBe(0);
  });

  it('accepts the message with its reasoning_content, and messages without calls without it', async () => {
    const { server, client } = await start({ deepseekThinking: true });
    server.reply({ content: 'Sunny.' });
    const messages = answered(
      { tool_calls: [call()], reasoning_content: 'Look it up.' },
      { role: 'assistant', content: 'Sunny.' },
      user,
    );
    const reply = await client.chat.completions.create({ model: 'm', messages });
    expect(reply.choices[0]?.message.content).toBe('Sunny.');
    expect(server.requests[0]?.rejected).toBeUndefined();
  });
});

describe('geminiThoughtSignatures', () => {
  it('puts a signature on the first call of a reply only, and accepts it back', async () => {
    const { server, client } = await start({ geminiThoughtSignatures: true });
    server.reply(
      {
        toolCalls: [
          { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
          { id: 'call_2', name: 'get_weather', arguments: { city: 'Oslo' } },
        ],
      },
      { content: 'Sunny.' },
    );
    const first = await client.chat.completions.create({ model: 'm', messages: [user] });
    const calls = first.choices[0]?.message.tool_calls as unknown as Record<string, unknown>[];
    const extra = calls[0]?.extra_content as { google?: { thought_signature?: string } };
    const signature = extra?.google?.thought_signature;
    expect(signature).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(calls[1]?.extra_content).toBeUndefined();
    const reply = await client.chat.completions.create({
      model: 'm',
      messages: [
        user,
        first.choices[0]?.message as ChatCompletionMessageParam,
        { role: 'tool', tool_call_id: 'call_1', content: '21C' },
        { role: 'tool', tool_call_id: 'call_2', content: '9C' },
      ],
    });
    expect(reply.choices[0]?.message.content).toBe('Sunny.');
  });

  it("refuses a first call without its signature in the current turn, in Gemini's words", async () => {
    const { server } = await start({ geminiThoughtSignatures: true });
    const error = await post(server.url, {
      model: 'm',
      messages: [{ role: 'system', content: 'Be brief.' }, ...answered({ tool_calls: [call()] })],
    });
    expect(error.status).toBe(400);
    expect(error.body).toEqual([
      {
        error: {
          code: 400,
          message:
            'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:get_weather` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
          status: 'INVALID_ARGUMENT',
        },
      },
    ]);
  });

  it('refuses a signature it never issued, and ignores calls of earlier turns', async () => {
    const { server, client } = await start({ geminiThoughtSignatures: true });
    const forged = { extra_content: { google: { thought_signature: 'forged' } } };
    const error = await post(server.url, {
      model: 'm',
      messages: answered({ tool_calls: [call(forged)] }),
    });
    expect(error).toEqual({
      status: 400,
      body: [
        {
          error: { code: 400, message: 'Corrupted thought signature.', status: 'INVALID_ARGUMENT' },
        },
      ],
    });
    expect(server.requests[0]?.rejected?.message).toBe('Corrupted thought signature.');
    server.reply({ content: 'Fine.' });
    const later = await client.chat.completions.create({
      model: 'm',
      messages: answered({ tool_calls: [call()] }, { role: 'assistant', content: 'Sunny.' }, user),
    });
    expect(later.choices[0]?.message.content).toBe('Fine.');
  });
});

describe('parseHistoryArguments', () => {
  it.each([
    ['malformed JSON', '{"city": "Par'],
    ['an empty string', ''],
  ])("refuses history arguments that are %s, in DashScope's words", async (_label, args) => {
    const { client } = await start({ parseHistoryArguments: true });
    const error = await refusal(
      client.chat.completions.create({
        model: 'm',
        messages: answered({ tool_calls: [call({}, args)] }),
      }),
    );
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      message:
        '<400> InternalError.Algo.InvalidParameter: The "function.arguments" parameter of the code model must be in JSON format.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_parameter_error',
    });
  });

  it('accepts history arguments that parse', async () => {
    const { server, client } = await start({ parseHistoryArguments: true });
    server.reply({ content: 'Sunny.' });
    const reply = await client.chat.completions.create({
      model: 'm',
      messages: answered({ tool_calls: [call({}, '{}')] }),
    });
    expect(reply.choices[0]?.message.content).toBe('Sunny.');
  });
});
