/**
 * Conformance scenarios: streaming (argument deltas, backpressure, cancellation, a consumer that
 * leaves, broken and stalled streams, errors inside a stream) and retries.
 *
 * @module
 */

import { expect } from 'vitest';
import { type Api, outcomeOf, type Scenario, type ScenarioContext } from './harness.js';
import { call, drainStream, ofType, result } from './scenarios-text-tools.js';

/**
 * Events up to the n-th text delta of a reply without reasoning items: the role chunk for chat;
 * `created`, `in_progress`, the item and its content part for responses.
 */
const before = (api: Api, deltas: number) => (api === 'chat' ? 1 : 4) + deltas;

const longText = 'one two three four five six seven eight nine ten eleven twelve';

function hooksThat(ctx: ScenarioContext, also: (event: { type: string }) => void) {
  return {
    onEvent: (event: Parameters<ScenarioContext['hooks']['onEvent']>[0]) => {
      ctx.hooks.onEvent(event);
      also(event);
    },
  };
}

const chatChunk = (delta: object) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-mini', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
const responsesEvent = (event: object) =>
  `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`;

export const streamAndRetryScenarios: Scenario[] = [
  {
    name: 'streaming: tool argument deltas arrive as tool:args, joined they are the arguments',
    steps: [
      {
        toolCalls: [
          call('call_s1', 'lookup', { key: 'a fairly long key to split' }),
          call('call_s2', 'lookup', { key: 'second' }),
        ],
      },
      { content: 'Both.' },
    ],
    run: (ctx) => outcomeOf(drainStream(ctx.agent().stream('Look', { hooks: ctx.hooks }) as never)),
    check: ({ events }) => {
      const args = ofType(events, 'tool:args');
      const joined = (id: string) =>
        args
          .filter((e) => e.toolCallId === id)
          .map((e) => e.delta)
          .join('');
      expect(args.length).toBeGreaterThan(4);
      expect(JSON.parse(joined('call_s1'))).toEqual({ key: 'a fairly long key to split' });
      expect(JSON.parse(joined('call_s2'))).toEqual({ key: 'second' });
      expect(new Set(args.map((e) => e.index))).toEqual(new Set([0, 1]));
    },
  },
  {
    name: 'streaming: a slow consumer holds the run back (backpressure) and loses nothing',
    steps: [{ content: longText }],
    run: async (ctx) => {
      const stream = ctx.agent().stream('Count', { hooks: ctx.hooks, highWaterMark: 1 } as never);
      let seen = 0;
      let paused = false;
      for await (const event of stream) {
        seen += 1;
        if (event.type === 'text:delta' && !paused) {
          paused = true;
          // The model's stream has far more deltas ready; a pause lets the run read ahead if
          // nothing holds it back.
          await new Promise((resolve) => setTimeout(resolve, 50));
          ctx.notes.bufferedDuringPause = stream.bufferedCount;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      ctx.notes.seen = seen;
      return outcomeOf(stream.result as never);
    },
    check: ({ events, outcome }, ctx) => {
      expect(ctx.notes.bufferedDuringPause).toBe(1);
      expect(ctx.notes.seen).toBe(events.length);
      expect(
        ofType(events, 'text:delta')
          .map((e) => e.delta)
          .join(''),
      ).toBe(longText);
      expect(result(outcome).text).toBe(longText);
    },
  },
  {
    name: 'streaming: cancelling mid-stream rejects with RunAbortedError and closes the request',
    steps: [{ content: longText, chunkDelayMs: 15 }],
    run: async (ctx) => {
      const controller = new AbortController();
      const hooks = hooksThat(ctx, (e) => {
        if (e.type === 'text:delta') controller.abort();
      });
      return outcomeOf(
        drainStream(ctx.agent().stream('Talk', { hooks, signal: controller.signal }) as never),
      );
    },
    check: ({ outcome, events }, ctx) => {
      expect(outcome).toMatchObject({ error: 'RunAbortedError' });
      expect(ofType(events, 'text:delta')).toHaveLength(1);
      expect(ctx.server.aborted).toBe(1);
    },
  },
  {
    name: 'streaming: cancelling during a tool reaches the tool and ends the run',
    steps: [{ toolCalls: [call('call_sl', 'sleepy', { ms: 10_000 })] }],
    run: async (ctx) => {
      const controller = new AbortController();
      const hooks = hooksThat(ctx, (e) => {
        // Once the tool is under way (its first line runs right after tool:start).
        if (e.type === 'tool:start') setTimeout(() => controller.abort(), 20);
      });
      return outcomeOf(
        drainStream(ctx.agent().stream('Sleep', { hooks, signal: controller.signal }) as never),
      );
    },
    check: ({ outcome, ran }) => {
      expect(outcome).toMatchObject({ error: 'RunAbortedError' });
      expect(ran).toEqual(['sleepy:10000', 'sleepy:aborted']);
    },
  },
  {
    name: 'streaming: a consumer that stops reading ends the run, and no request follows',
    steps: [{ content: longText, chunkDelayMs: 5 }, { content: 'never asked' }],
    run: async (ctx) => {
      const stream = ctx.agent().stream('Talk', { hooks: ctx.hooks });
      for await (const event of stream) if (event.type === 'text:delta') break;
      return outcomeOf(stream.result as never);
    },
    check: ({ outcome, requests }) => {
      expect(outcome).toMatchObject({ error: 'RunAbortedError' });
      expect(requests).toHaveLength(1);
    },
  },
  {
    name: 'streaming: a stream cut after two deltas fails mid-stream and is not retried',
    steps: (api) => [
      { content: longText, cutAfterChunks: before(api, 2), reasoningItems: false },
      { content: 'never' },
    ],
    run: (ctx) => outcomeOf(drainStream(ctx.agent().stream('Talk', { hooks: ctx.hooks }) as never)),
    check: ({ outcome, events, requests }) => {
      expect(outcome).toMatchObject({ error: 'ModelError', midStream: true });
      expect(ofType(events, 'text:delta')).toHaveLength(2);
      expect(requests).toHaveLength(1);
    },
  },
  {
    name: 'streaming: an error the provider reports inside the stream',
    steps: (api) => [
      {
        raw:
          api === 'chat'
            ? chatChunk({ role: 'assistant', content: '' }) +
              chatChunk({ content: 'Hi' }) +
              `data: ${JSON.stringify({ error: { message: 'Overloaded.', type: 'server_error', code: 'server_error' } })}\n\n`
            : responsesEvent({ type: 'response.created', response: { id: 'resp_x', output: [] } }) +
              responsesEvent({
                type: 'response.output_text.delta',
                output_index: 0,
                content_index: 0,
                delta: 'Hi',
              }) +
              responsesEvent({
                type: 'response.failed',
                response: {
                  id: 'resp_x',
                  status: 'failed',
                  error: { code: 'server_error', message: 'Overloaded.' },
                },
              }),
      },
    ],
    run: (ctx) => outcomeOf(drainStream(ctx.agent().stream('Hi', { hooks: ctx.hooks }) as never)),
    check: ({ outcome, requests }) => {
      expect(outcome).toMatchObject({ error: 'ModelError', midStream: true });
      expect(requests).toHaveLength(1);
    },
  },
  {
    name: 'streaming: a stream that stalls after text is cut by the idle timeout, not retried',
    steps: (api) => [
      { content: longText, stallAfterChunks: before(api, 2), reasoningItems: false },
      { content: 'never' },
    ],
    run: (ctx) =>
      outcomeOf(
        drainStream(
          ctx.agent({ timeouts: { idleMs: 150 } }).stream('Talk', { hooks: ctx.hooks }) as never,
        ),
      ),
    check: ({ outcome, events }) => {
      expect(outcome).toMatchObject({ error: 'ModelError' });
      expect(ofType(events, 'text:delta')).toHaveLength(2);
      expect(ofType(events, 'model:retry')).toHaveLength(0);
    },
  },
  {
    name: 'retries: a 429 waits the retry-after the provider asked for, then succeeds',
    steps: [{ status: 429, headers: { 'retry-after-ms': '5' } }, { content: 'After the wait.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Hi', { hooks: ctx.hooks })),
    check: ({ events, requests, outcome }) => {
      expect(ofType(events, 'model:retry').map((e) => [e.attempt, e.status])).toEqual([[1, 429]]);
      expect(requests).toHaveLength(2);
      expect(result(outcome).text).toBe('After the wait.');
    },
  },
  {
    name: 'retries: 500 then 503, then success',
    steps: [{ status: 500 }, { status: 503 }, { content: 'Third time.' }],
    run: (ctx) => outcomeOf(ctx.agent().run('Hi', { hooks: ctx.hooks })),
    check: ({ events }) =>
      expect(ofType(events, 'model:retry').map((e) => e.status)).toEqual([500, 503]),
  },
  {
    name: 'retries: a connection reset is retried; a tool never runs twice',
    steps: [
      { toolCalls: [call('call_once', 'lookup', { key: 'once' })] },
      { reset: true },
      { content: 'Done.' },
    ],
    run: (ctx) => outcomeOf(ctx.agent().run('Once', { hooks: ctx.hooks })),
    check: ({ ran, events }) => {
      expect(ran).toEqual(['lookup:once']);
      expect(ofType(events, 'model:retry')).toHaveLength(1);
    },
  },
  {
    name: 'retries: a 400 fails at once with the provider message',
    steps: [
      {
        status: 400,
        body: {
          error: {
            message: 'Bad request body.',
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        },
      },
    ],
    run: (ctx) => outcomeOf(ctx.agent().run('Hi', { hooks: ctx.hooks })),
    check: ({ outcome, requests, events }) => {
      expect(outcome).toMatchObject({ error: 'ModelError', status: 400 });
      expect(requests).toHaveLength(1);
      expect(ofType(events, 'model:retry')).toHaveLength(0);
    },
  },
  {
    name: 'retries: no first byte within firstByteMs is retried',
    steps: [{ hang: true }, { content: 'Second try.' }],
    run: (ctx) =>
      outcomeOf(ctx.agent({ timeouts: { firstByteMs: 100 } }).run('Hi', { hooks: ctx.hooks })),
    check: ({ outcome, events }) => {
      expect(result(outcome).text).toBe('Second try.');
      expect(ofType(events, 'model:retry')).toHaveLength(1);
    },
  },
  {
    name: 'retries: usage and cost add up over turns and attempts the same way',
    steps: [
      { toolCalls: [call('call_u1', 'lookup', { key: 'u' })] },
      { status: 502 },
      {
        content: 'Costed.',
        usage: {
          promptTokens: 2000,
          completionTokens: 100,
          cachedTokens: 1000,
          reasoningTokens: 50,
        },
      },
    ],
    run: (ctx) => outcomeOf(ctx.agent().run('Cost', { hooks: ctx.hooks })),
    check: ({ outcome }) => {
      const usage = result(outcome).usage as Record<string, number>;
      expect(usage).toMatchObject({
        promptTokens: 2120,
        completionTokens: 130,
        cachedTokens: 1020,
        reasoningTokens: 58,
      });
      // gpt-5-mini: 0.25 / 0.025 cached / 2 per million tokens.
      expect(usage.cost).toBeCloseTo((1100 * 0.25 + 1020 * 0.025 + 130 * 2) / 1e6, 12);
    },
  },
];
