/**
 * The SSE wire format: framing (`formatSSE`), what each event sends (`toWireEvent`), and how
 * errors are serialised (`toWireError`).
 */
import {
  Agent,
  type AgentEvent,
  formatSSE,
  MaxTurnsExceededError,
  ModelError,
  SSE_HEADERS,
  toWireError,
  toWireEvent,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

async function eventsOf(agent: Agent): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  agent.on('*', (e) => events.push(e));
  await agent.run('go').catch(() => {});
  return events;
}

describe('formatSSE', () => {
  it('frames `event:` and one `data:` line, whatever the payload holds', () => {
    expect(formatSSE('text:delta', { delta: 'a\nb\r\n"c"' })).toBe(
      'event: text:delta\ndata: {"delta":"a\\nb\\r\\n\\"c\\""}\n\n',
    );
  });

  it('writes bigint as a string and marks only real cycles', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { big: 10n, a: shared, b: shared };
    cyclic.self = cyclic;
    const data = JSON.parse(formatSSE('x', cyclic).split('data: ')[1] ?? '');
    expect(data).toEqual({ big: '10', a: { n: 1 }, b: { n: 1 }, self: '[Circular]' });
  });

  it('refuses an event name with a line break (it would forge fields)', () => {
    expect(() => formatSSE('a\ndata: x', {})).toThrow(TypeError);
  });

  it('declares the event-stream headers', () => {
    expect(SSE_HEADERS['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(SSE_HEADERS['cache-control']).toContain('no-cache');
  });
});

describe('toWireEvent', () => {
  const secretTool = tool({
    name: 'lookup',
    description: 'Looks up',
    parameters: z.object({ q: z.string() }),
    execute: async () => ({ big: 'raw value', token: 'internal' }),
  });

  it('slims the events that carry the conversation or live objects', async () => {
    const agent = new Agent({
      name: 'w',
      instructions: 'TOP SECRET PROMPT',
      model: new ScriptedModel([
        { toolCalls: [{ id: 'c1', name: 'lookup', arguments: { q: 'x' } }] },
        'answer',
      ]),
      tools: [secretTool],
    });
    const events = await eventsOf(agent);
    const wire = events.map(toWireEvent);
    const byType = (type: string) => wire.filter((e) => e.type === type);

    expect(JSON.stringify(wire)).not.toContain('TOP SECRET PROMPT');
    expect(byType('run:start')[0]).toEqual({
      type: 'run:start',
      runId: events[0]?.runId,
      turn: 0,
      agent: 'w',
      path: ['w'],
    });
    expect(byType('model:start')[0]).toMatchObject({ messages: 2, tools: 1, model: 'gpt-4o-mini' });
    expect(byType('model:end')[0]).toMatchObject({ finishReason: 'tool_calls' });
    expect(byType('model:end')[0]).not.toHaveProperty('response');
    const toolEnd = byType('tool:end')[0];
    expect(toolEnd).toMatchObject({ toolCallId: 'c1', outcome: { ok: true } });
    expect(toolEnd).not.toHaveProperty('outcome.value');
    expect(byType('run:end')[0]).toMatchObject({
      result: { text: 'answer', output: 'answer', turns: 2 },
    });
    expect(byType('run:end')[0]).not.toHaveProperty('result.messages');
    // Events that are already small pass through as the same object.
    const toolStart = events.find((e) => e.type === 'tool:start');
    expect(toolStart && toWireEvent(toolStart)).toBe(toolStart);
  });
});

describe('toWireError', () => {
  it('sends an agentloop error through toJSON: code, fields, partial text of a broken stream', () => {
    const error = new ModelError({
      message: 'stream broke',
      retryable: false,
      midStream: true,
      partialText: 'Hel',
    });
    expect(toWireError(error)).toMatchObject({
      name: 'ModelError',
      code: 'model_error',
      message: 'stream broke',
      midStream: true,
      partialText: 'Hel',
    });
    expect(
      toWireError(new MaxTurnsExceededError({ maxTurns: 2, result: undefined })),
    ).toMatchObject({
      code: 'max_turns_exceeded',
    });
  });

  it('recognises errors of tools and memory by their marker', () => {
    const foreign = Object.assign(new Error('context too long'), {
      code: 'context_overflow',
      [Symbol.for('agentloop.error')]: true,
    });
    expect(toWireError(foreign)).toEqual({
      name: 'Error',
      code: 'context_overflow',
      message: 'context too long',
    });
  });

  it('hides the message of any other error', () => {
    expect(toWireError(new Error('postgres://admin:pw@db'))).toEqual({
      name: 'Error',
      code: 'internal_error',
      message: expect.not.stringContaining('postgres'),
    });
  });
});
