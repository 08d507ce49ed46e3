/**
 * What real OpenAI-compatible servers send that the API does not: `finish_reason: "stop"` with
 * tool calls (Ollama), SSE framing variants, an error body wrapped in an array (Gemini's
 * compatible endpoint), and a choice without a message.
 */
import { Agent, ModelError } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';
import {
  caught,
  chunkOf,
  completionOf,
  deltaChunk,
  drain,
  jsonStep,
  modelOn,
  request,
  type SseBodyOptions,
  sseBody,
  sseStep,
} from './raw-wire.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

function weatherAgent(seen: unknown[]) {
  const weather = tool({
    name: 'get_weather',
    description: 'Weather in a city.',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      seen.push(city);
      return `Sunny in ${city}.`;
    },
  });
  return new Agent({ name: 'weather', model: modelOn(server), tools: [weather] });
}

const callMessage = {
  role: 'assistant',
  content: '',
  tool_calls: [
    {
      id: 'call_w',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
    },
  ],
};

describe('finish_reason "stop" with tool calls (Ollama)', () => {
  it('a whole reply: the tools still run', async () => {
    const seen: unknown[] = [];
    server.reply(
      jsonStep(completionOf([{ index: 0, finish_reason: 'stop', message: callMessage }])),
      { content: 'Sunny.' },
    );
    const result = await weatherAgent(seen).run('Weather in Oslo?');
    expect(seen).toEqual(['Oslo']);
    expect(result.text).toBe('Sunny.');
    expect(result.turns).toBe(2);
  });

  it('a stream: the tools still run', async () => {
    const seen: unknown[] = [];
    server.reply(
      sseStep([
        deltaChunk({
          role: 'assistant',
          content: '',
          tool_calls: [{ index: 0, ...callMessage.tool_calls[0] }],
        }),
        deltaChunk({ content: '' }, 'stop'),
      ]),
      { content: 'Sunny.' },
    );
    const stream = weatherAgent(seen).stream('Weather in Oslo?');
    for await (const _ of stream);
    expect(seen).toEqual(['Oslo']);
    expect((await stream.result).text).toBe('Sunny.');
  });
});

describe('SSE framing', () => {
  const payloads = [
    deltaChunk({ role: 'assistant', content: 'Hel' }),
    deltaChunk({ content: 'lo' }),
    deltaChunk({}, 'stop'),
    chunkOf([], { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
  ];
  const variants: Record<string, SseBodyOptions> = {
    'CRLF line ends': { lineEnd: '\r\n' },
    'CR line ends': { lineEnd: '\r' },
    '": ping" comments': { before: [': ping', ': OPENROUTER PROCESSING'] },
    '"event:" lines': { before: ['event: message'] },
    '"data:" without a space': { prefix: 'data:' },
    'all of them, with CRLF': {
      lineEnd: '\r\n',
      prefix: 'data:',
      before: [': ping', 'event: chunk', 'id: 7'],
    },
  };
  for (const [name, options] of Object.entries(variants)) {
    it(`parses ${name}, in one piece and cut at every byte`, async () => {
      const body = sseBody(payloads, options);
      // Cut at every byte where line ends are the point (a CR and its LF in separate reads).
      const size = options.lineEnd ? 1 : 5;
      const pieces = Array.from({ length: Math.ceil(body.length / size) }, (_, i) =>
        body.slice(i * size, (i + 1) * size),
      );
      server.reply({ raw: body }, { raw: pieces });
      for (let i = 0; i < 2; i++) {
        const { error, text, response } = await drain(modelOn(server).stream(request));
        expect(error).toBeUndefined();
        expect(text).toBe('Hello');
        expect(response?.finishReason).toBe('stop');
        expect(response?.usage?.total_tokens).toBe(3);
      }
    });
  }

  it('comment-only keep-alives before the first chunk are not chunks', async () => {
    server.reply({ raw: ': ping\n\n: ping\n\n' });
    const { error } = await drain(modelOn(server).stream(request));
    expect(error).toMatchObject({ code: 'model_error', midStream: false, retryable: true });
    expect((error as Error).message).toMatch(/ended before any chunk arrived/);
  });
});

describe('an error body wrapped in an array (Gemini)', () => {
  const geminiError = [
    {
      error: {
        code: 400,
        message: 'Invalid JSON payload received. Unknown name "foo": Cannot find field.',
        status: 'INVALID_ARGUMENT',
      },
    },
  ];

  for (const mode of ['generate', 'stream'] as const) {
    it(`${mode}: the ModelError shows the provider's message and status`, async () => {
      server.reply(jsonStep(geminiError, 400));
      const model = modelOn(server);
      const error =
        mode === 'generate'
          ? await caught(model.generate(request))
          : (await drain(model.stream(request))).error;
      expect(ModelError.isInstance(error)).toBe(true);
      const modelError = error as ModelError;
      expect(modelError.status).toBe(400);
      expect(modelError.retryable).toBe(false);
      expect(modelError.providerMessage).toBe(geminiError[0]?.error.message);
      expect(modelError.providerCode).toBe('INVALID_ARGUMENT');
      expect(modelError.message).toContain('Unknown name "foo"');
      expect(modelError.message).not.toContain('no body');
    });
  }

  it('a 503 in an array is still retryable, and an array without an error is shown as it came', async () => {
    server.reply(
      jsonStep(
        [{ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }],
        503,
      ),
      jsonStep(['odd', 1], 400),
    );
    const overloaded = (await caught(modelOn(server).generate(request))) as ModelError;
    expect(overloaded).toMatchObject({ status: 503, retryable: true });
    expect(overloaded.providerMessage).toBe('The model is overloaded.');
    const odd = (await caught(modelOn(server).generate(request))) as ModelError;
    expect(odd.status).toBe(400);
    expect(odd.message).toContain('["odd",1]');
  });

  it('error bodies without an error object show their message too (vLLM, Ollama, FastAPI)', async () => {
    server.reply(
      jsonStep(
        { object: 'error', message: 'max_tokens is too large', type: 'BadRequestError', code: 400 },
        400,
      ),
      jsonStep({ error: "model 'llama9' not found" }, 404),
      jsonStep({ detail: 'Not Found' }, 404),
    );
    const messages: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const error = (await caught(modelOn(server).generate(request))) as ModelError;
      expect(error.message).not.toContain('no body');
      messages.push(error.providerMessage);
    }
    expect(messages).toEqual(['max_tokens is too large', "model 'llama9' not found", 'Not Found']);
  });
});

describe('a choice without a message', () => {
  const noMessage = completionOf([{ index: 0, finish_reason: 'stop' }]);

  it('generate: reported as a choice without a message, not as "no choices"', async () => {
    server.reply(jsonStep(noMessage), jsonStep(completionOf([])));
    const error = (await caught(modelOn(server).generate(request))) as ModelError;
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/choice 0 has no message/);
    expect(error.message).not.toMatch(/no choices/);
    const empty = (await caught(modelOn(server).generate(request))) as ModelError;
    expect(empty.message).toMatch(/has no choices/);
  });

  it('stream (a server that answers one whole reply): the same report', async () => {
    server.reply(jsonStep(noMessage));
    const { error } = await drain(modelOn(server).stream(request));
    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/choice 0 has no message/);
  });
});
