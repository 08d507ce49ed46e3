/**
 * Content sent as an array of parts (Mistral's magistral and mistral-small with thinking): the
 * answer is the text parts joined; thinking parts are reasoning, never answer text. Whole replies
 * and stream deltas, including a part array in one chunk and a plain string in the next.
 */
import { Agent } from '@agentloop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/index.js';
import {
  completionOf,
  deltaChunk,
  drain,
  jsonStep,
  modelOn,
  request,
  sseStep,
} from './raw-wire.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const thinking = (text: string, extra: object = {}) => ({
  type: 'thinking',
  thinking: [{ type: 'text', text }],
  ...extra,
});
const text = (value: string) => ({ type: 'text', text: value });

const wholeReply = completionOf([
  {
    index: 0,
    finish_reason: 'stop',
    message: {
      role: 'assistant',
      tool_calls: null,
      content: [
        thinking('The user asks for 17 x 23. 17 x 20 = 340, 17 x 3 = 51.', { closed: true }),
        text('391'),
      ],
    },
  },
]);

// The thinking arrives in part arrays; the answer starts inside a mixed array and ends as a string.
const streamedReply = [
  deltaChunk({ role: 'assistant', content: '' }),
  deltaChunk({ content: [thinking('The user asks', { closed: true })] }),
  deltaChunk({ content: [thinking(' for 17 x 23.')] }),
  deltaChunk({ content: [thinking(' = 391.', { closed: true }), text('3')] }),
  deltaChunk({ content: '91' }, 'stop'),
];

describe('content as an array of parts', () => {
  it('a whole reply: the text parts are the answer, the thinking is not', async () => {
    server.reply(jsonStep(wholeReply));
    const response = await modelOn(server).generate(request);
    expect(response.message.content).toBe('391');
    expect(response.finishReason).toBe('stop');
  });

  it('a whole reply with several text parts joins them in order', async () => {
    server.reply(
      jsonStep(
        completionOf([
          {
            index: 0,
            finish_reason: 'stop',
            message: {
              role: 'assistant',
              content: [thinking('plan'), text('2 + 2'), text(' = 4')],
            },
          },
        ]),
      ),
    );
    expect((await modelOn(server).generate(request)).message.content).toBe('2 + 2 = 4');
  });

  it('a whole reply with only thinking parts has no answer text', async () => {
    server.reply(
      jsonStep(
        completionOf([
          {
            index: 0,
            finish_reason: 'length',
            message: { role: 'assistant', content: [thinking('hmm')] },
          },
        ]),
      ),
    );
    const response = await modelOn(server).generate(request);
    expect(response.message.content).toBeNull();
    expect(response.finishReason).toBe('length');
  });

  it('a stream: text deltas carry only the text parts, and mixed chunks keep the first part', async () => {
    server.reply(sseStep(streamedReply));
    const { error, response, text: deltas, events } = await drain(modelOn(server).stream(request));
    expect(error).toBeUndefined();
    expect(deltas).toBe('391');
    expect(
      events.filter((e) => e.type === 'text-delta').map((e) => e.type === 'text-delta' && e.delta),
    ).toEqual(['3', '91']);
    expect(response?.message.content).toBe('391');
    expect(JSON.stringify(response)).not.toContain('17 x 23');
  });

  it('a stream that ignores stream: true and answers one whole reply with parts', async () => {
    server.reply(jsonStep(wholeReply));
    const { response, text: deltas } = await drain(modelOn(server).stream(request));
    expect(deltas).toBe('391');
    expect(response?.message.content).toBe('391');
  });

  it('result.text of a run is the answer, streamed and not', async () => {
    const agent = new Agent({ name: 'mistral', model: modelOn(server) });
    server.reply(jsonStep(wholeReply), sseStep(streamedReply));
    const whole = await agent.run('17 x 23?');
    expect(whole.text).toBe('391');
    const stream = agent.stream('17 x 23?');
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'text:delta') deltas.push(event.delta);
    expect((await stream.result).text).toBe('391');
    expect(deltas.join('')).toBe('391');
    // The thinking never goes back to the provider as answer text either.
    expect(JSON.stringify(server.requests.map((r) => r.body))).not.toContain('17 x 20');
  });
});
