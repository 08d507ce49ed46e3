/**
 * A run that pauses and continues, maybe in another process: each part is an `invoke_agent` span
 * of its own, and a continued part links to the part before it (and to the first part), from what
 * the run's state kept. Each "process" here is a fresh tracer provider and a fresh agent.
 */
import { Agent, InMemoryRunStore, RunState } from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { otelMiddleware } from '@agentloop/otel';
import { tool } from '@agentloop/tools';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ATTRIBUTES, LINK_KINDS, SPAN_EVENTS } from '../../packages/otel/src/attributes.js';
import { expectNoOrphans, named, one, tracing, tree, useContextManager } from './trace-support.js';

useContextManager();

const USAGE = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };
const refund = tool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.number() }),
  needsApproval: true,
  execute: ({ order }) => `refunded ${order}`,
});

/** A fresh process: a tracer of its own and an agent made the same way as in the others. */
function process_(replies: ScriptedReply[]) {
  const t = tracing();
  const agent = new Agent({
    name: 'support',
    model: new ScriptedModel(replies),
    tools: [refund],
    middleware: [otelMiddleware({ tracer: t.tracer })],
  });
  return { ...t, agent };
}

const refundCall = (order: number) => ({
  toolCalls: [{ id: `call_${order}`, name: 'refund', arguments: { order } }],
  usage: USAGE,
});

/** Approves everything the state waits for and returns it as text again. */
function approveAll(text: string): RunState {
  const state = RunState.parse(text);
  for (const i of state.interruptions) state.approve(i);
  return state;
}

function contextOf(span: ReadableSpan) {
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

function linksOf(span: ReadableSpan) {
  return span.links.map((link) => ({
    traceId: link.context.traceId,
    spanId: link.context.spanId,
    kind: link.attributes?.[ATTRIBUTES.linkKind],
  }));
}

describe('a paused and continued run', () => {
  it('links the continued part to the part that paused, in a fresh tracer, from the state’s text alone', async () => {
    const first = process_([refundCall(42)]);
    const paused = await first.agent.run('Refund order 42');
    expect(paused.status).toBe('interrupted');
    const text = paused.state.toString();

    const part1 = one(first.spans(), 'invoke_agent support');
    expectNoOrphans(first.spans());
    expect(tree(first.spans())).toEqual(['invoke_agent support', '  chat gpt-4o-mini']);
    expect(part1.attributes[ATTRIBUTES.runStatus]).toBe('interrupted');
    expect(part1.attributes[ATTRIBUTES.runResumed]).toBe(false);
    expect(part1.status.code).toBe(SpanStatusCode.UNSET);
    expect(part1.links).toEqual([]);
    expect(part1.events.find((e) => e.name === SPAN_EVENTS.toolInterrupt)?.attributes).toEqual({
      [ATTRIBUTES.toolName]: 'refund',
      [ATTRIBUTES.toolCallId]: 'call_42',
      [ATTRIBUTES.interruptionKind]: 'approval',
    });

    const second = process_([{ content: 'Refunded.', usage: USAGE }]);
    const done = await second.agent.run(approveAll(text));
    expect(done.status).toBe('completed');
    const spans = second.spans();
    expectNoOrphans(spans);
    expect(tree(spans)).toEqual([
      'invoke_agent support',
      '  execute_tool refund',
      '  chat gpt-4o-mini',
    ]);
    const part2 = one(spans, 'invoke_agent support');
    expect(part2.attributes[ATTRIBUTES.runResumed]).toBe(true);
    expect(part2.attributes[ATTRIBUTES.runId]).toBe(part1.attributes[ATTRIBUTES.runId]);
    expect(part2.spanContext().traceId).not.toBe(part1.spanContext().traceId);
    expect(linksOf(part2)).toEqual([{ ...contextOf(part1), kind: LINK_KINDS.previous }]);
    // This part counts its own tokens, not the first part's.
    expect(part2.attributes[ATTRIBUTES.usageInputTokens]).toBe(10);
  });

  it('a third part links to the second (previous) and to the first', async () => {
    const a = process_([refundCall(1)]);
    const paused1 = await a.agent.run('Refund orders 1 and 2');
    const b = process_([refundCall(2)]);
    const paused2 = await b.agent.run(approveAll(paused1.state.toString()));
    expect(paused2.status).toBe('interrupted');
    const c = process_([{ content: 'Both refunded.', usage: USAGE }]);
    await c.agent.run(approveAll(paused2.state.toString()));

    const [p1, p2, p3] = [a, b, c].map((p) => one(p.spans(), 'invoke_agent support')) as [
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
    ];
    expect(linksOf(p2)).toEqual([{ ...contextOf(p1), kind: LINK_KINDS.previous }]);
    expect(linksOf(p3)).toEqual([
      { ...contextOf(p2), kind: LINK_KINDS.previous },
      { ...contextOf(p1), kind: LINK_KINDS.first },
    ]);
  });

  it('a call paused by a middleware’s ctx.interrupt is an execute_tool span that did not fail, and runs in the next part', async () => {
    const lookup = tool({
      name: 'lookup',
      description: 'Looks an order up',
      parameters: z.object({ order: z.number() }),
      execute: ({ order }) => `order ${order} is paid`,
    });
    const make = (replies: ScriptedReply[]) => {
      const t = tracing();
      const agent = new Agent({
        name: 'support',
        model: new ScriptedModel(replies),
        tools: [lookup],
        // The tracer is outermost; the gate inside it pauses every call not yet approved.
        middleware: [
          otelMiddleware({ tracer: t.tracer }),
          {
            wrapToolCall: (ctx, next) => {
              ctx.interrupt('check first');
              return next();
            },
          },
        ],
      });
      return { ...t, agent };
    };
    const first = make([
      { toolCalls: [{ id: 'c1', name: 'lookup', arguments: { order: 7 } }], usage: USAGE },
    ]);
    const paused = await first.agent.run('Order 7?');
    expect(paused.status).toBe('interrupted');
    const call = one(first.spans(), 'execute_tool lookup');
    expect(call.attributes[ATTRIBUTES.toolInterrupted]).toBe(true);
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(call.attributes[ATTRIBUTES.errorType]).toBeUndefined();

    const second = make([{ content: 'Paid.', usage: USAGE }]);
    await second.agent.run(approveAll(paused.state.toString()));
    const again = one(second.spans(), 'execute_tool lookup');
    expect(again.attributes[ATTRIBUTES.toolInterrupted]).toBeUndefined();
    expect(linksOf(one(second.spans(), 'invoke_agent support'))).toEqual([
      { ...contextOf(one(first.spans(), 'invoke_agent support')), kind: LINK_KINDS.previous },
    ]);
  });

  it('agent.resume after a run failed links to the failed part, kept by the run store', async () => {
    const store = new InMemoryRunStore();
    const controller = new AbortController();
    let calls = 0;
    const slow = tool({
      name: 'slow',
      description: 'Takes a while the first time',
      parameters: z.object({}),
      idempotent: true,
      execute: async (_args, ctx) => {
        calls += 1;
        if (calls > 1) return 'done';
        controller.abort(new Error('process going down'));
        return new Promise<string>((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        });
      },
    });
    const make = (replies: ScriptedReply[]) => {
      const t = tracing();
      const agent = new Agent({
        name: 'worker',
        model: new ScriptedModel(replies),
        tools: [slow],
        runStore: store,
        middleware: [otelMiddleware({ tracer: t.tracer })],
      });
      return { ...t, agent };
    };
    const first = make([{ toolCalls: [{ name: 'slow', arguments: {} }], usage: USAGE }]);
    const failed = await first.agent
      .run('Work.', { signal: controller.signal })
      .catch((error: unknown) => error as { result: { runId: string } });
    const runId = one(first.spans(), 'invoke_agent worker').attributes[ATTRIBUTES.runId] as string;
    expect(failed).toBeInstanceOf(Error);
    const part1 = one(first.spans(), 'invoke_agent worker');
    expect(part1.attributes[ATTRIBUTES.errorType]).toBe('run_aborted');

    const second = make([{ content: 'All done.', usage: USAGE }]);
    const done = await second.agent.resume(runId);
    expect(done.status).toBe('completed');
    const part2 = one(second.spans(), 'invoke_agent worker');
    expect(linksOf(part2)).toEqual([{ ...contextOf(part1), kind: LINK_KINDS.previous }]);
    expect(named(second.spans(), 'execute_tool slow')).toHaveLength(1);
  });

  it('without a tracer provider nothing is recorded and nothing is kept in the state', async () => {
    const agent = new Agent({
      name: 'support',
      model: new ScriptedModel([refundCall(42)]),
      tools: [refund],
      // The global tracer: no SDK is registered in these tests, so its spans are no-ops.
      middleware: [otelMiddleware()],
    });
    const paused = await agent.run('Refund order 42');
    expect(paused.status).toBe('interrupted');
    expect(JSON.parse(paused.state.toString()).metadata).toBeUndefined();
  });
});
