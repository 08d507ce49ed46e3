/**
 * `n > 1`: the provider answers several choices. A whole reply carries them side by side; a stream
 * interleaves their chunks (one choice per chunk, as the API sends them). Only choice 0 is the
 * answer: its text, its tool calls, its finish reason.
 */
import { Agent } from '@agentloop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/index.js';
import {
  chunkOf,
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

const answers = ['{"city":"Paris","t":64}', '{"city":"Paris","t":65}', '{"city":"Paris","t":63}'];

/** Three choices streamed round-robin, each in pieces, the API's way; choice 2 finishes first. */
function interleaved(): object[] {
  const pieces = answers.map((a) => [a.slice(0, 1), a.slice(1, 7), a.slice(7)]);
  const chunks: object[] = [];
  for (const index of [0, 1, 2])
    chunks.push(deltaChunk({ role: 'assistant', content: '' }, null, index));
  for (const step of [0, 1, 2]) {
    for (const index of [0, 1, 2]) {
      chunks.push(deltaChunk({ content: pieces[index]?.[step] }, null, index));
    }
  }
  chunks.push(deltaChunk({}, 'length', 2));
  // Choice 1 calls a tool nobody asked choice 0 for.
  chunks.push(
    deltaChunk(
      {
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'x', arguments: '{}' } },
        ],
      },
      null,
      1,
    ),
  );
  chunks.push(deltaChunk({}, 'stop', 1));
  chunks.push(deltaChunk({}, 'stop', 0));
  chunks.push(
    chunkOf([], { usage: { prompt_tokens: 9, completion_tokens: 30, total_tokens: 39 } }),
  );
  return chunks;
}

describe('n > 1', () => {
  it('a stream: text, tool calls and finish reason are those of choice 0 only', async () => {
    server.reply(sseStep(interleaved()));
    const { error, events, response, text } = await drain(modelOn(server).stream(request));
    expect(error).toBeUndefined();
    expect(text).toBe(answers[0]);
    expect(events.some((e) => e.type === 'tool-call-delta')).toBe(false);
    expect(response?.message.content).toBe(answers[0]);
    expect(response?.message.tool_calls).toBeUndefined();
    expect(response?.finishReason).toBe('stop');
    expect(response?.usage?.total_tokens).toBe(39);
  });

  it('a stream whose other choices finish first is not over until choice 0 finishes', async () => {
    const chunks = interleaved();
    // Drop choice 0's finish chunk: the stream then ends unfinished, which is an error.
    chunks.splice(chunks.length - 2, 1);
    server.reply(sseStep(chunks));
    const { error } = await drain(modelOn(server).stream(request));
    expect(error).toMatchObject({ code: 'model_error', midStream: true });
    expect((error as Error).message).toMatch(/no finish_reason/);
  });

  it('a whole reply: choice 0, wherever it is in the array', async () => {
    server.reply(
      jsonStep(
        completionOf(
          [1, 0, 2].map((index) => ({
            index,
            finish_reason: 'stop',
            message: { role: 'assistant', content: answers[index] },
          })),
        ),
      ),
    );
    expect((await modelOn(server).generate(request)).message.content).toBe(answers[0]);
  });

  it('a run with n: 3 in modelSettings answers with choice 0, streamed and not', async () => {
    const agent = new Agent({ name: 'n3', model: modelOn(server), modelSettings: { n: 3 } });
    server.reply(
      jsonStep(
        completionOf(
          answers.map((content, index) => ({
            index,
            finish_reason: 'stop',
            message: { role: 'assistant', content },
          })),
        ),
      ),
      sseStep(interleaved()),
    );
    expect((await agent.run('Weather?')).text).toBe(answers[0]);
    const stream = agent.stream('Weather?');
    let deltas = '';
    for await (const event of stream) if (event.type === 'text:delta') deltas += event.delta;
    expect(deltas).toBe(answers[0]);
    expect((await stream.result).text).toBe(answers[0]);
    expect(server.requests.map((r) => r.body.n)).toEqual([3, 3]);
  });
});
