/**
 * Issue 11, point 11: every wire event is bounded (depth and size), and the SSE helpers end a
 * stream with exactly one terminal event even when encoding an event throws anyway.
 */
import {
  Agent,
  AgentError,
  type AgentEvent,
  formatSSE,
  ModelError,
  pipeSSEToResponse,
  RunAbortedError,
  type RunState,
  type SSEServerResponse,
  toSSEResponse,
  toWireError,
  toWireEvent,
  WIRE_LIMITS,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseSSE } from '../e2e/stream-support.js';

const base = { runId: 'run_1', turn: 1, agent: 'a', path: ['a'] } as const;

function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

function depthOf(value: unknown): number {
  let depth = 0;
  let current = value;
  while (Array.isArray(current)) {
    depth += 1;
    current = current[0];
  }
  return depth;
}

describe('toWireEvent bounds every event', () => {
  it('sends arguments nested too deep as a bounded preview string', () => {
    const event: AgentEvent = {
      type: 'tool:start',
      ...base,
      toolCallId: 'c1',
      name: 'inspect',
      args: { value: nested(6_000) },
    };
    const wire = toWireEvent(event);
    expect(wire).toMatchObject({ type: 'tool:start', toolCallId: 'c1', name: 'inspect' });
    const args = (wire as { args: unknown }).args;
    expect(typeof args).toBe('string');
    expect(args).toMatch(/^\{"value":\[\[\[/);
    expect(args).toMatch(/…\[truncated: nested deeper than 64 levels\]$/);
    expect(() => JSON.stringify(wire)).not.toThrow();
  });

  it('keeps arguments that fit as they are, the same object', () => {
    const event: AgentEvent = {
      type: 'tool:start',
      ...base,
      toolCallId: 'c1',
      name: 'inspect',
      args: { value: nested(WIRE_LIMITS.maxDepth - 1), big: 10n },
    };
    expect(toWireEvent(event)).toBe(event);
  });

  it('cuts a value longer than maxChars, and never builds the whole copy', () => {
    const huge = 'x'.repeat(WIRE_LIMITS.maxChars * 4);
    const wire = toWireEvent({
      type: 'tool:start',
      ...base,
      toolCallId: 'c1',
      name: 'inspect',
      args: { parts: Array.from({ length: 1_000 }, () => huge) },
    }) as { args: unknown };
    expect(typeof wire.args).toBe('string');
    expect((wire.args as string).length).toBeLessThanOrEqual(WIRE_LIMITS.maxChars);
    expect(wire.args).toMatch(/…\[truncated: longer than \d+ characters\]$/);
  });

  it('cuts tool outputs, run results and error fields; marks cycles and throwing getters', () => {
    const long = 'y'.repeat(WIRE_LIMITS.maxChars + 10);
    const toolEnd = toWireEvent({
      type: 'tool:end',
      ...base,
      toolCallId: 'c1',
      name: 'inspect',
      outcome: {
        toolCallId: 'c1',
        name: 'inspect',
        ok: false,
        output: long,
        value: undefined,
        error: { code: 'tool_error', message: long },
        durationMs: 1,
      },
    }) as { outcome: { output: string; error: { message: string } } };
    expect(toolEnd.outcome.output.length).toBeLessThanOrEqual(WIRE_LIMITS.maxChars);
    expect(toolEnd.outcome.output).toMatch(/…\[truncated: \d+ characters in all\]$/);
    expect(toolEnd.outcome.error.message.length).toBeLessThanOrEqual(WIRE_LIMITS.maxChars);

    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const end = toWireEvent({
      type: 'run:end',
      ...base,
      status: 'completed',
      result: {
        runId: 'run_1',
        agent: 'bounded',
        status: 'completed',
        interruptions: [],
        // toWireEvent never sends the state.
        state: undefined as unknown as RunState,
        output: { deep: nested(500), cyclic },
        text: long,
        messages: [],
        newMessages: [],
        turns: 1,
        usageByAgent: {},
        usage: {
          promptTokens: 0,
          completionTokens: 0,
          totalTokens: 0,
          cachedTokens: 0,
          reasoningTokens: 0,
        },
        toolCalls: [],
        finishReason: 'stop',
      },
    }) as { result: { output: unknown; text: string } };
    expect(end.result.output).toMatch(/truncated: nested deeper than 64 levels/);
    expect(end.result.text.length).toBeLessThanOrEqual(WIRE_LIMITS.maxChars);

    const broken = new ModelError({
      message: 'stream broke',
      retryable: false,
      midStream: true,
      partialText: long,
    });
    const wireError = toWireError(broken);
    expect(wireError).toMatchObject({ code: 'model_error', midStream: true });
    expect((wireError.partialText as string).length).toBeLessThanOrEqual(WIRE_LIMITS.maxChars);

    const getter = {};
    Object.defineProperty(getter, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter exploded');
      },
    });
    const start = toWireEvent({
      type: 'tool:start',
      ...base,
      toolCallId: 'c1',
      name: 'x',
      args: getter,
    }) as { args: unknown };
    expect(start.args).toBe('[Unserializable: getter exploded]');
  });
});

describe('formatSSE', () => {
  it('writes data nested too deep for JSON.stringify instead of throwing', () => {
    const frame = formatSSE('x', { value: nested(20_000) });
    const data = JSON.parse(frame.split('data: ')[1] ?? '') as { value: unknown };
    expect(depthOf(data.value)).toBeLessThan(1_001);
    expect(frame).toContain('"[Too deep]"');
  });
});

/** A response that takes every write. */
class SinkResponse implements SSEServerResponse {
  statusCode = 0;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  readonly writes: string[] = [];
  readonly #decoder = new TextDecoder();
  setHeader() {}
  flushHeaders() {
    this.headersSent = true;
  }
  write(chunk: Uint8Array) {
    this.writes.push(this.#decoder.decode(chunk));
    return true;
  }
  end() {
    this.writableEnded = true;
    this.writableFinished = true;
  }
  once() {}
  off() {}
}

function toolAgent() {
  let ran = 0;
  const slow = tool({
    name: 'work',
    description: 'Works',
    parameters: z.object({ n: z.number() }),
    execute: async ({ n }) => {
      ran += 1;
      return n;
    },
  });
  const agent = new Agent({
    name: 'enc',
    model: new ScriptedModel([
      { toolCalls: [{ id: 'c1', name: 'work', arguments: { n: 1 } }] },
      'the answer',
    ]),
    tools: [slow],
  });
  const heard: AgentEvent[] = [];
  agent.on('*', (e) => {
    heard.push(e);
  });
  return { agent, heard, ran: () => ran };
}

const throwOn = (type: AgentEvent['type']) => (event: AgentEvent) => {
  if (event.type === type) throw new RangeError('Maximum call stack size exceeded');
  return toWireEvent(event);
};

describe('an event that cannot be encoded', () => {
  it('toSSEResponse: the run stops and the stream ends with exactly one run:error, last', async () => {
    const { agent, heard, ran } = toolAgent();
    const stream = agent.stream('go');
    const body = await toSSEResponse(stream, {
      serialize: throwOn('tool:start'),
      heartbeatMs: 0,
    }).text();
    const { events } = parseSSE(body);
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'run:end' || n === 'run:error')).toEqual(['run:error']);
    expect(names.at(-1)).toBe('run:error');
    expect(names).not.toContain('tool:start');
    expect(events.at(-1)?.data).toMatchObject({
      type: 'run:error',
      runId: heard[0]?.runId,
      error: { code: 'event_encoding_failed', message: expect.stringContaining('"tool:start"') },
    });
    // The cause's message never goes out: it may hold internals.
    expect(body).not.toContain('Maximum call stack');

    const error = await stream.result.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    const reason = (error as RunAbortedError).reason;
    expect(AgentError.isInstance(reason) && reason.code).toBe('event_encoding_failed');
    expect((reason as Error).cause).toBeInstanceOf(RangeError);
    expect(heard.filter((e) => e.type === 'run:end' || e.type === 'run:error')).toHaveLength(1);
    expect(ran()).toBeLessThanOrEqual(1);
  });

  it('pipeSSEToResponse: the same, then the response ends', async () => {
    const { agent } = toolAgent();
    const stream = agent.stream('go');
    const res = new SinkResponse();
    await pipeSSEToResponse(stream, res, { serialize: throwOn('tool:end'), heartbeatMs: 0 });
    expect(res.writableEnded).toBe(true);
    const { events } = parseSSE(res.writes.join(''));
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'run:end' || n === 'run:error')).toEqual(['run:error']);
    expect(names.at(-1)).toBe('run:error');
    expect(names).toContain('tool:start');
    await expect(stream.result).rejects.toSatisfy(RunAbortedError.isInstance);
  });

  it('a run:end that cannot be encoded is replaced by one run:error; the run itself answered', async () => {
    const { agent } = toolAgent();
    const stream = agent.stream('go');
    const body = await toSSEResponse(stream, {
      serialize: throwOn('run:end'),
      heartbeatMs: 0,
    }).text();
    const names = parseSSE(body).events.map((e) => e.event);
    expect(names.filter((n) => n === 'run:end' || n === 'run:error')).toEqual(['run:error']);
    expect(names.at(-1)).toBe('run:error');
    await expect(stream.result).resolves.toMatchObject({ text: 'the answer' });
  });
});
