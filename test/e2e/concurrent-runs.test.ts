/**
 * Issue 4 point 11 end to end: one `Agent` serves 200 concurrent runs against the test server;
 * each run gets its own answer and its own `runId` on every event, and no run's data leaks into
 * another's events.
 */
import { Agent, type AgentEvent, openai } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred, settleEventLoop } from '../support/deferred.js';
import {
  type RecordedRequest,
  type Step,
  startTestServer,
  type TestServer,
} from '../support/index.js';

const API_KEY = 'sk-test-SECRET-123';
const RUNS = 200;
let server: TestServer;
let maxInFlight = 0;

/** Turn 1: call `square` with the run's own number; turn 2: answer with the tool's result. */
/**
 * First-turn replies are held until this many requests are in flight at once, so the runs must
 * overlap; then the barrier stays open for every later request. (Runs that could not overlap
 * would never open it, and the test would time out.)
 */
const BARRIER = 20;
let barrier = deferred();

async function respond(request: RecordedRequest): Promise<Step> {
  maxInFlight = Math.max(maxInFlight, server.active);
  if (!(request.body.messages as ChatCompletionMessageParam[]).some((m) => m.role === 'tool')) {
    if (server.active >= BARRIER) barrier.resolve();
    await barrier.promise;
  }
  const messages = request.body.messages as ChatCompletionMessageParam[];
  const user = messages.find((m) => m.role === 'user');
  const n = Number(/#(\d+)/.exec(String(user?.content))?.[1]);
  const last = messages.at(-1);
  // A small, varying delay so that the runs' turns interleave. A real one: the server answers
  // over a real socket, which a fake clock cannot reach.
  const delayMs = (n * 7) % 13;
  if (last?.role === 'tool') return { content: `Run ${n}: ${String(last.content)}`, delayMs };
  return {
    toolCalls: [{ id: `call_${n}`, name: 'square', arguments: { n } }],
    delayMs,
  };
}

beforeEach(async () => {
  maxInFlight = 0;
  barrier = deferred();
  server = await startTestServer({ apiKey: API_KEY, responder: respond });
});
afterEach(() => server.close());

describe('one Agent, 200 concurrent runs over HTTP', () => {
  it('gives each run its own answer and its own runId on every event', async () => {
    const square = tool({
      name: 'square',
      description: 'Squares a number',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }, { context }) => {
        // The run's own context reaches its own tool.
        expect(context).toEqual({ n });
        // A varying number of event-loop turns, so the runs' tools finish out of order.
        await settleEventLoop(n % 5);
        return `${n}^2 = ${n * n}`;
      },
    });
    const agent = new Agent<{ n: number }>({
      name: 'squares',
      instructions: ({ context }) => `You square ${context.n}.`,
      model: openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url }),
      tools: [square],
    });
    const events: AgentEvent[] = [];
    agent.on('*', (event) => {
      events.push(event);
    });

    const results = await Promise.all(
      Array.from({ length: RUNS }, (_, n) => agent.run(`Square #${n}`, { context: { n } })),
    );

    results.forEach((result, n) => {
      expect(result.text).toBe(`Run ${n}: ${n}^2 = ${n * n}`);
      expect(result.toolCalls.map((c) => c.arguments)).toEqual([{ n }]);
    });
    expect(new Set(results.map((r) => r.runId)).size).toBe(RUNS);
    expect(server.requests).toHaveLength(RUNS * 2);
    expect(server.requests.every((r) => r.rejected === undefined && r.status === 200)).toBe(true);
    // The runs really overlapped on the wire.
    expect(maxInFlight).toBeGreaterThanOrEqual(BARRIER);

    const groups = new Map<string, AgentEvent[]>();
    for (const event of events) {
      const group = groups.get(event.runId) ?? [];
      group.push(event);
      groups.set(event.runId, group);
    }
    expect(groups.size).toBe(RUNS);
    for (const [runId, group] of groups) {
      expect(group.filter((e) => e.type === 'run:start')).toHaveLength(1);
      expect(group.filter((e) => e.type === 'run:end')).toHaveLength(1);
      expect(group.filter((e) => e.type === 'run:error')).toHaveLength(0);
      expect(group[0]?.type).toBe('run:start');
      expect(group.at(-1)?.type).toBe('run:end');

      const start = group[0];
      const n = Number(/#(\d+)/.exec(start?.type === 'run:start' ? String(start.input) : '')?.[1]);
      const result = results[n];
      expect(result?.runId).toBe(runId);
      for (const event of group) {
        switch (event.type) {
          case 'model:start':
            expect(event.request.messages[0]).toEqual({
              role: 'system',
              content: `You square ${n}.`,
            });
            expect(event.request.messages[1]).toEqual({ role: 'user', content: `Square #${n}` });
            break;
          case 'model:end':
            expect(JSON.stringify(event.response.message)).toContain(
              event.turn === 1 ? `"call_${n}"` : `Run ${n}:`,
            );
            break;
          case 'tool:start':
            expect([event.toolCallId, event.args]).toEqual([`call_${n}`, { n }]);
            break;
          case 'tool:end':
            expect(event.outcome.output).toBe(`${n}^2 = ${n * n}`);
            break;
          case 'run:end':
            expect(event.result.text).toBe(`Run ${n}: ${n}^2 = ${n * n}`);
            break;
          default:
            break;
        }
      }
      expect(group.map((e) => e.type)).toEqual([
        'run:start',
        'turn:start',
        'model:start',
        'model:end',
        'tool:start',
        'tool:end',
        'turn:end',
        'turn:start',
        'model:start',
        'model:end',
        'turn:end',
        'run:end',
      ]);
    }
  });
});
