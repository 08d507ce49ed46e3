/**
 * Issue 11 points 2 and 5, adapter side: `openai()` keeps the provider fields a reply carries on
 * its message and tool calls (whole, or merged over a stream's deltas), never shows reasoning as
 * text, drops the OpenAI-shaped placeholders some servers fill in, and reads tool-call arguments
 * sent as a JSON value instead of a string.
 */
import { describe, expect, it } from 'vitest';
import type { ModelResponse, ModelStreamEvent } from '../../packages/core/src/models/model.js';
import { openai } from '../../packages/core/src/models/openai-model.js';
import { collect } from './collect-stream.js';
import { chunk, fakeFetch, json, sse } from './fake-fetch.js';

const request = { messages: [{ role: 'user' as const, content: 'Hi' }] };
const KEY = 'sk-test-fields';

function completion(message: Record<string, unknown>, finishReason = 'tool_calls') {
  return {
    id: 'chatcmpl-w',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [
      { index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason },
    ],
  };
}

async function generate(body: unknown): Promise<ModelResponse> {
  const { fetch } = fakeFetch(() => json(body));
  return openai('m', { apiKey: KEY, fetch }).generate(request);
}

async function stream(chunks: unknown[]): Promise<{ events: ModelStreamEvent[] }> {
  const { fetch } = fakeFetch(sse(chunks));
  const { events, error } = await collect(openai('m', { apiKey: KEY, fetch }).stream(request));
  expect(error).toBeUndefined();
  return { events };
}

const last = (events: ModelStreamEvent[]): ModelResponse => {
  const end = events.at(-1);
  if (end?.type !== 'response') throw new Error('no response event');
  return end.response;
};

describe('a whole reply', () => {
  it('keeps reasoning_content, reasoning and extra_content on the message and on each call', async () => {
    const response = await generate(
      completion({
        content: 'Let me check.',
        reasoning_content: 'The user wants Paris.',
        reasoning: 'Same, by another name.',
        extra_content: { google: { thought_signature: 'msg-sig' } },
        tool_calls: [
          {
            id: 'call_1',
            index: 0,
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            extra_content: { google: { thought_signature: 'call-sig' } },
          },
        ],
      }),
    );
    expect(response.message).toEqual({
      role: 'assistant',
      content: 'Let me check.',
      reasoning_content: 'The user wants Paris.',
      reasoning: 'Same, by another name.',
      extra_content: { google: { thought_signature: 'msg-sig' } },
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          extra_content: { google: { thought_signature: 'call-sig' } },
        },
      ],
    });
  });

  it('drops response-only and placeholder fields (annotations, audio, function_call, custom, nulls)', async () => {
    // The shape Snowflake Cortex answers with: every OpenAI field present, most of them empty.
    const response = await generate(
      completion({
        content: '',
        refusal: '',
        annotations: null,
        audio: { data: '', expires_at: 0, id: '', transcript: '' },
        function_call: { arguments: '', name: '' },
        reasoning: null,
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            custom: { input: '', name: '' },
            function: { name: 'get_weather', arguments: '{"city":"Mexico City"}' },
          },
        ],
      }),
    );
    expect(response.message).toEqual({
      role: 'assistant',
      content: '',
      refusal: '',
      tool_calls: [
        {
          id: 'toolu_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Mexico City"}' },
        },
      ],
    });
  });

  it('reads arguments sent as a JSON object as that object', async () => {
    const response = await generate(
      completion({
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'f', arguments: { city: 'Oslo' } } },
          { id: 'call_2', type: 'function', function: { name: 'g' } },
        ],
      }),
    );
    const calls = response.message.tool_calls ?? [];
    expect(calls.map((c) => c.function.arguments)).toEqual(['{"city":"Oslo"}', '']);
  });
});

describe('a streamed reply', () => {
  it('joins reasoning deltas without emitting them as text, and merges extra_content of each call', async () => {
    const { events } = await stream([
      chunk({ role: 'assistant', content: null, reasoning_content: '' }),
      chunk({ content: null, reasoning_content: 'The user ' }),
      chunk({ content: null, reasoning_content: 'wants Paris.' }),
      chunk({ reasoning: 'Thinking', channel: 'analysis' }),
      chunk({ reasoning: ' aloud.', channel: 'analysis' }),
      chunk({ content: 'Checking.' }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
            extra_content: { google: { thought_signature: 'sig-1' } },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_2', type: 'function', function: { name: 'now', arguments: {} } },
        ],
      }),
      chunk({}, 'tool_calls'),
    ]);
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.delta] : []));
    expect(text).toEqual(['Checking.']);
    expect(last(events).message).toEqual({
      role: 'assistant',
      content: 'Checking.',
      reasoning_content: 'The user wants Paris.',
      reasoning: 'Thinking aloud.',
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          extra_content: { google: { thought_signature: 'sig-1' } },
        },
        { id: 'call_2', type: 'function', function: { name: 'now', arguments: '{}' } },
      ],
    });
  });
});
