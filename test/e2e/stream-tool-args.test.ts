/**
 * Issue 5, point 2: tool-call deltas are accumulated by index. Parallel calls whose chunks
 * interleave, with arguments cut at arbitrary points (inside JSON escapes, and with every
 * multi-byte character split across socket writes) reassemble exactly: the tool receives the
 * exact arguments, and the `tool:args` deltas joined per call id equal the final arguments.
 */
import { Agent, type AgentEvent } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';
import { collect, serverModel } from './stream-support.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const ARGS = {
  call_a: { text: 'Zürich said "hi" \\ then\nleft\ttab 😀 done' },
  call_b: { text: 'Tōkyō — 東京 👩‍👩‍👧‍👦 \u0001 end' },
  call_c: { text: '{"nested":"json \\"inside\\""} ünïcödé' },
} as const;
type CallId = keyof typeof ARGS;
const IDS = Object.keys(ARGS) as CallId[];

function recordingAgent() {
  const received = new Map<string, unknown>();
  const note = tool({
    name: 'note',
    description: 'Stores a note',
    parameters: z.object({ text: z.string() }),
    execute: async (args, ctx) => {
      received.set(ctx.toolCallId, args);
      return 'stored';
    },
  });
  const agent = new Agent({ name: 'notes', model: serverModel(server), tools: [note] });
  return { agent, received };
}

function argDeltas(events: readonly AgentEvent[]) {
  return events.flatMap((e) => (e.type === 'tool:args' ? [e] : []));
}

describe('agent.stream(): tool-call deltas', () => {
  it('reassembles interleaved parallel calls split inside UTF-8 characters and JSON escapes', async () => {
    let splitInsideEscape = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      server.reply(
        {
          toolCalls: IDS.map((id) => ({ id, name: 'note', arguments: ARGS[id] })),
          stream: { interleaveToolCalls: true, splitUtf8: true, maxPieceLength: 3, seed },
        },
        { content: 'Stored all three.' },
      );
      const { agent, received } = recordingAgent();
      const stream = agent.stream('Store three notes');
      const { events, error } = await collect(stream);
      expect(error).toBeUndefined();

      // The tool received exactly the arguments the model wrote.
      for (const id of IDS) expect(received.get(id)).toEqual(ARGS[id]);

      const deltas = argDeltas(events);
      for (const id of IDS) {
        const ofCall = deltas.filter((d) => d.toolCallId === id);
        expect(ofCall.length).toBeGreaterThan(3);
        // Joined deltas equal the final arguments, byte for byte.
        const joined = ofCall.map((d) => d.delta).join('');
        expect(joined).toBe(JSON.stringify(ARGS[id]));
        const modelEnd = events.find((e) => e.type === 'model:end');
        const final =
          modelEnd?.type === 'model:end'
            ? modelEnd.response.message.tool_calls?.find((c) => c.id === id)
            : undefined;
        expect(final?.function.arguments).toBe(joined);
        // One index per call, in the order the model made the calls.
        expect(new Set(ofCall.map((d) => d.index))).toEqual(new Set([IDS.indexOf(id)]));
        expect(new Set(ofCall.map((d) => d.name))).toEqual(new Set(['note']));
        splitInsideEscape += ofCall.filter((d) => /(^|[^\\])(\\\\)*\\$/.test(d.delta)).length;
      }

      // The calls really interleaved: the id changes far more often than three times.
      const switches = deltas.filter((d, i) => i > 0 && d.toolCallId !== deltas[i - 1]?.toolCallId);
      expect(switches.length).toBeGreaterThan(6);

      const result = await stream.result;
      expect(result.toolCalls.map((c) => [c.id, c.arguments])).toEqual(
        IDS.map((id) => [id, ARGS[id]]),
      );
    }
    // Across the seeds, some deltas ended in the middle of a JSON escape (a lone backslash).
    expect(splitInsideEscape).toBeGreaterThan(0);
    // The reassembled calls are what the next request echoes back to the model, unchanged.
    const echoed = server.requests[1]?.body.messages.find((m) => m.role === 'assistant');
    const echoedCalls = echoed?.role === 'assistant' ? (echoed.tool_calls ?? []) : [];
    expect(echoedCalls.map((c) => (c.type === 'function' ? c.function.arguments : ''))).toEqual(
      IDS.map((id) => JSON.stringify(ARGS[id])),
    );
  });
});
