import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/index.js';
import { encodeEvent, splitForWrite } from '../support/sse.js';

let server: TestServer;
let client: OpenAI;

beforeEach(async () => {
  server = await startTestServer({ now: () => 1_700_000_000_123 });
  client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
});
afterEach(async () => {
  await server.close();
});

const messages: ChatCompletionMessageParam[] = [
  { role: 'user', content: 'Weather in Paris and Oslo?' },
];
const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
];

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('JSON replies', () => {
  it('answers tool calls shaped like the API, with defaults for ids, finish_reason and usage', async () => {
    server.reply({
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { id: 'call_fixed', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      ],
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      tools,
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      created: 1_700_000_000,
    });
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]+$/);
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message).toMatchObject({ role: 'assistant', content: null, refusal: null });
    expect(choice.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[A-Za-z0-9]{24}$/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
      {
        id: 'call_fixed',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
    ]);
    const usage = completion.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(usage.completion_tokens_details?.reasoning_tokens).toBe(0);
  });

  it('counts reasoning outside completion_tokens as xAI and Gemini do, when asked', async () => {
    server.reply(
      {
        content: 'a',
        usage: {
          promptTokens: 20,
          completionTokens: 3,
          reasoningTokens: 150,
          reasoningIn: 'beside',
        },
      },
      {
        content: 'b',
        usage: {
          promptTokens: 20,
          completionTokens: 3,
          reasoningTokens: 150,
          reasoningIn: 'total',
        },
      },
    );
    const beside = await client.chat.completions.create({ model: 'grok-3-mini', messages });
    expect(beside.usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 3,
      total_tokens: 173,
      completion_tokens_details: { reasoning_tokens: 150 },
    });
    const total = await client.chat.completions.create({ model: 'gemini-2.5-pro', messages });
    expect(total.usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 3,
      total_tokens: 173,
    });
    expect(total.usage?.completion_tokens_details).toBeUndefined();
  });

  it('answers text with finish_reason stop, honours scripted usage, and records the request', async () => {
    server.reply({
      content: 'Sunny.',
      usage: { promptTokens: 100, completionTokens: 30, cachedTokens: 64, reasoningTokens: 12 },
    });
    const completion = await client.chat.completions.create({ model: 'o4-mini', messages });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { content: 'Sunny.' },
    });
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(completion.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 30,
      total_tokens: 130,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
    const [request] = server.requests;
    expect(request).toMatchObject({
      index: 0,
      method: 'POST',
      path: '/v1/chat/completions',
      status: 200,
      receivedAt: 1_700_000_000_123,
    });
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body.messages).toEqual(messages);
  });

  it('answers refusals in message.refusal', async () => {
    server.reply({ refusal: 'I cannot help with that.' });
    const completion = await client.chat.completions.create({ model: 'm', messages });
    expect(completion.choices[0]?.message).toMatchObject({
      content: null,
      refusal: 'I cannot help with that.',
    });
  });

  it('gives 200 concurrent requests each their own answer through a responder', async () => {
    const dynamic = await startTestServer({
      responder: (request) => ({
        content: `echo:${String(request.body.messages.at(-1)?.content)}`,
      }),
    });
    try {
      const dynamicClient = new OpenAI({ apiKey: 'k', baseURL: dynamic.url, maxRetries: 0 });
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          dynamicClient.chat.completions.create({
            model: 'm',
            messages: [{ role: 'user', content: `run-${i}` }],
          }),
        ),
      );
      expect(answers.map((a) => a.choices[0]?.message.content)).toEqual(
        Array.from({ length: 200 }, (_, i) => `echo:run-${i}`),
      );
      expect(dynamic.requests).toHaveLength(200);
      await dynamic.idle();
      expect(dynamic.active).toBe(0);
    } finally {
      await dynamic.close();
    }
  });

  it('fails loudly with 500 when the script is exhausted', async () => {
    const error = await client.chat.completions
      .create({ model: 'm', messages })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500, code: 'test_script_exhausted' });
    expect(String((error as Error).message)).toContain('test server: script exhausted');
  });
});

describe('streamed replies', () => {
  it('streams text in several deltas, then finish_reason, the usage chunk and [DONE]', async () => {
    const text = 'Héllo wörld, ça va? 👋🏽 Fine, thanks.';
    server.reply({ content: text });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    expect(
      chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]?.id),
    ).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const contentDeltas = chunks.flatMap((c) =>
      c.choices[0]?.delta.content ? [c.choices[0].delta.content] : [],
    );
    expect(contentDeltas.length).toBeGreaterThan(3);
    expect(contentDeltas.join('')).toBe(text);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.total_tokens).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('omits the usage chunk unless stream_options.include_usage is set', async () => {
    server.reply({ content: 'Hi there' });
    const chunks = await collect(
      await client.chat.completions.create({ model: 'm', messages, stream: true }),
    );
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('streams interleaved parallel tool calls with arguments split at arbitrary points and bytes split inside characters', async () => {
    const paris = { city: 'Paris', note: 'crème brûlée 🍮 and more text to split' };
    const oslo = { city: 'Oslo', note: 'blåbærsyltetøy på brød' };
    server.reply({
      toolCalls: [
        { id: 'call_paris', name: 'get_weather', arguments: paris },
        { id: 'call_oslo', name: 'get_weather', arguments: oslo },
      ],
      stream: { interleaveToolCalls: true, splitUtf8: true, seed: 7 },
    });
    const chunks = await collect(
      await client.chat.completions.create({
        model: 'm',
        messages,
        tools,
        stream: true,
      }),
    );
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const byIndex = new Map<number, { id?: string; name?: string; args: string; pieces: number }>();
    for (const delta of deltas) {
      const entry = byIndex.get(delta.index) ?? { args: '', pieces: 0 };
      if (delta.id) {
        expect(entry.pieces).toBe(0);
        expect(delta.type).toBe('function');
        entry.id = delta.id;
        entry.name = delta.function?.name ?? '';
      }
      entry.args += delta.function?.arguments ?? '';
      entry.pieces += 1;
      byIndex.set(delta.index, entry);
    }
    expect(byIndex.get(0)).toMatchObject({ id: 'call_paris', name: 'get_weather' });
    expect(byIndex.get(1)).toMatchObject({ id: 'call_oslo', name: 'get_weather' });
    expect(JSON.parse(byIndex.get(0)!.args)).toEqual(paris);
    expect(JSON.parse(byIndex.get(1)!.args)).toEqual(oslo);
    expect(byIndex.get(0)!.pieces).toBeGreaterThan(3);
    // Interleaved: call 1 starts before call 0 has finished.
    const order = deltas.map((d) => d.index);
    expect(order.indexOf(1)).toBeLessThan(order.lastIndexOf(0));
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it("streams chunks the openai SDK's own accumulator assembles into the same message", async () => {
    server.reply({
      content: 'Checking.',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
    });
    const runner = client.chat.completions.stream({ model: 'm', messages, tools });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message).toMatchObject({
      content: 'Checking.',
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ],
    });
  });

  it('splits an event inside a multi-byte character so neither half decodes alone', () => {
    const event = encodeEvent({
      id: 'x',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'm',
      choices: [{ index: 0, delta: { content: 'é' }, finish_reason: null }],
    });
    const parts = splitForWrite(event, true);
    expect(parts).toHaveLength(2);
    expect(Buffer.concat(parts).equals(event)).toBe(true);
    const strict = new TextDecoder('utf-8', { fatal: true });
    expect(() => strict.decode(parts[0])).toThrow();
    expect(() => strict.decode(parts[1])).toThrow();
    expect(splitForWrite(event, false)).toEqual([event]);
  });
});
