import type { ServerResponse } from 'node:http';
import {
  Agent,
  type AgentEvent,
  type AgentStream,
  pipeSSEToResponse,
  type RunResult,
  toSSEResponse,
  toSSEStream,
  toWireEvent,
  type WireEvent,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';

const model = new ScriptedModel([]);
const typed = new Agent({ name: 't', model, output: z.object({ city: z.string() }) });

test('a stream yields AgentEvents and its result is typed from the output schema', async () => {
  const stream = typed.stream('x');
  expectTypeOf(stream).toEqualTypeOf<AgentStream<{ city: string }>>();
  expectTypeOf(stream.result).resolves.toEqualTypeOf<RunResult<{ city: string }>>();
  for await (const event of stream) {
    expectTypeOf(event).toEqualTypeOf<AgentEvent>();
    if (event.type === 'tool:args') expectTypeOf(event.toolCallId).toBeString();
  }
  expectTypeOf(stream.bufferedCount).toBeNumber();
});

test('a stream of an agent with tools yields its typed tool events and tool calls', async () => {
  const getWeather = tool({
    name: 'get_weather',
    description: '',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => ({ city, tempC: 21 }),
  });
  const agent = new Agent({ name: 'w', model, tools: [getWeather] });
  const stream = agent.stream('x');
  for await (const event of stream) {
    if (event.type === 'tool:end' && event.name === 'get_weather' && event.outcome.ok) {
      expectTypeOf(event.outcome.value.tempC).toEqualTypeOf<number>();
      expectTypeOf(event.outcome.args.city).toEqualTypeOf<string>();
    }
  }
  for (const call of (await stream.result).toolCalls) {
    if (call.name === 'get_weather' && call.outcome.ok) {
      expectTypeOf(call.outcome.value.tempC).toEqualTypeOf<number>();
    }
  }
  // The HTTP helpers take it as they take any stream.
  expectTypeOf(toSSEResponse(stream)).toEqualTypeOf<Response>();
  expectTypeOf(stream).toExtend<AgentStream<unknown>>();
});

test('streams and agents of any output stay assignable to their unknown-output forms', () => {
  expectTypeOf(typed.stream('x')).toExtend<AgentStream<unknown>>();
  expectTypeOf(typed).toExtend<Agent<unknown, unknown>>();
});

test('stream options are the run options plus highWaterMark', () => {
  typed.stream('x', { highWaterMark: 16, sessionId: 's', signal: new AbortController().signal });
  // @ts-expect-error: a number of events
  typed.stream('x', { highWaterMark: '16' });
});

test('the HTTP helpers take any stream and a real ServerResponse', () => {
  expectTypeOf(toSSEResponse(typed.stream('x'))).toEqualTypeOf<Response>();
  expectTypeOf(toSSEStream(typed.stream('x'))).toEqualTypeOf<ReadableStream<Uint8Array>>();
  const res = {} as ServerResponse;
  expectTypeOf(pipeSSEToResponse(typed.stream('x'), res)).toEqualTypeOf<Promise<void>>();
  expectTypeOf(toWireEvent).returns.toEqualTypeOf<WireEvent>();
});
