/**
 * Issue 5, point 4: a slow consumer does not make the producer buffer without bound. While the
 * server streams a long reply, the events the run has emitted but the consumer has not yet
 * taken stay under the high-water mark (plus the few non-chunk events of a turn).
 */
import { Agent, type AgentEvent, STREAM_HIGH_WATER_MARK } from '@agentloop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settleEventLoop } from '../support/deferred.js';
import { startTestServer, type TestServer } from '../support/index.js';
import { collect, joinedText, serverModel } from './stream-support.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

/** About 1,500 content chunks of one or two characters. */
const LONG_REPLY = Array.from({ length: 300 }, (_, i) => `w${i % 10}é `).join('');

/** Runs a stream with a consumer that yields to the event loop (and so to the socket) often. */
async function slowConsumer(highWaterMark: number | undefined) {
  server.reply({ content: LONG_REPLY, stream: { maxPieceLength: 2 } });
  const agent = new Agent({ name: 'long', model: serverModel(server) });
  let emitted = 0;
  agent.on('*', () => {
    emitted += 1;
  });
  const stream = agent.stream('Write a lot', highWaterMark === undefined ? {} : { highWaterMark });
  let maxAhead = 0;
  let maxBuffered = 0;
  const { events, error } = await collect(stream, async (_event: AgentEvent, index) => {
    // Sampled right after taking an event: what the run produced that nobody has read yet.
    maxAhead = Math.max(maxAhead, emitted - (index + 1));
    maxBuffered = Math.max(maxBuffered, stream.bufferedCount);
    // A turn of the event loop lets the socket deliver data; every 100th event is a longer
    // pause, in turns rather than milliseconds.
    await settleEventLoop(index % 100 === 0 ? 20 : 1);
  });
  return { events, error, maxAhead, maxBuffered, result: await stream.result };
}

describe('agent.stream(): backpressure', () => {
  it('keeps what the run buffers bounded by highWaterMark while a long reply streams', async () => {
    const highWaterMark = 8;
    const { events, error, maxAhead, maxBuffered, result } = await slowConsumer(highWaterMark);

    expect(error).toBeUndefined();
    const deltas = events.filter((e) => e.type === 'text:delta');
    // The reply is far longer than the buffer could hold...
    expect(deltas.length).toBeGreaterThan(50 * highWaterMark);
    // ...yet the run never got more than the mark (+ model:end, turn:end, run:end) ahead.
    expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + 3);
    expect(maxAhead).toBeLessThanOrEqual(highWaterMark + 3);
    // Nothing was lost or reordered by pausing.
    expect(joinedText(events)).toBe(LONG_REPLY);
    expect(result.text).toBe(LONG_REPLY);
  });

  it('uses STREAM_HIGH_WATER_MARK by default', async () => {
    const { maxAhead, maxBuffered, result } = await slowConsumer(undefined);
    expect(maxAhead).toBeLessThanOrEqual(STREAM_HIGH_WATER_MARK + 3);
    // The buffer really filled towards the default mark, so it is the default that held it.
    expect(maxBuffered).toBeGreaterThan(STREAM_HIGH_WATER_MARK / 2);
    // The bound is tight enough to matter: the reply has many times more chunks.
    expect(result.text).toBe(LONG_REPLY);
  });

  it('with highWaterMark 1 the run advances one event at a time and still completes', async () => {
    const { maxAhead, events, result } = await slowConsumer(1);
    expect(maxAhead).toBeLessThanOrEqual(1 + 3);
    expect(joinedText(events)).toBe(result.text);
  });
});
