/**
 * Conformance scenarios: approvals, interruptions and resumption (also from a run state read
 * back from JSON), memory trimming of sessions, the turn limit, interceptors.
 *
 * @module
 */

import { RunState } from '@agentloop/core';
import { InMemoryStore } from '@agentloop/memory';
import { expect } from 'vitest';
import type { RecordedRequest, Step } from '../support/index.js';
import { outcomeOf, type Scenario } from './harness.js';
import { call, ofType, result } from './scenarios-text-tools.js';

/** A request's body as a plain record (either API). */
export function bodyOf(request: RecordedRequest | undefined): Record<string, unknown> {
  return (request?.body ?? {}) as unknown as Record<string, unknown>;
}

/** Whether a request (either API) ends with tool results, i.e. asks for the turn after calls. */
function answersTools(request: RecordedRequest): boolean {
  if (request.api === 'chat') return request.body.messages.at(-1)?.role === 'tool';
  const input = request.responsesBody?.input;
  const last = Array.isArray(input) ? (input.at(-1) as { type?: string }) : undefined;
  return last?.type === 'function_call_output';
}

/** How many user messages a request holds (either API): which run of a session it belongs to. */
function userMessages(request: RecordedRequest): number {
  const items = (request.api === 'chat' ? request.body.messages : request.responsesBody?.input) as
    | { role?: string }[]
    | undefined;
  return (items ?? []).filter((m) => m.role === 'user').length;
}

/** A session's model: each question gets two lookups (with reasoning), then an answer. */
function sessionResponder(big = false) {
  let n = 0;
  return (request: RecordedRequest): Step => {
    n += 1;
    if (answersTools(request)) return { content: `Answer ${n}.` };
    return {
      toolCalls: [
        call(`call_${n}a`, 'lookup', { key: big ? `big${n}` : `k${n}` }),
        call(`call_${n}b`, 'lookup', { key: `j${n}` }),
      ],
    };
  };
}

const refundAndLookup: Step[] = [
  {
    content: 'On it.',
    toolCalls: [
      call('call_r', 'refund', { order: 7 }),
      call('call_l', 'lookup', { key: 'order7' }),
    ],
  },
  { content: 'Refunded order 7.' },
];

export const approvalAndMemoryScenarios: Scenario[] = [
  {
    name: 'approvals: a call that needs approval pauses the run; approving resumes it',
    steps: refundAndLookup,
    run: async (ctx) => {
      const agent = ctx.agent();
      const paused = await agent.run('Refund 7', { hooks: ctx.hooks });
      ctx.notes.paused = [paused.status, paused.interruptions.map((i) => i.name)];
      for (const i of paused.state.interruptions) paused.state.approve(i);
      return outcomeOf(agent.run(paused.state, { hooks: ctx.hooks }));
    },
    check: ({ ran, outcome, events }, ctx) => {
      expect(ctx.notes.paused).toEqual(['interrupted', ['refund']]);
      expect(ran).toEqual(['lookup:order7', 'refund:7']);
      expect(result(outcome)).toMatchObject({ status: 'completed', text: 'Refunded order 7.' });
      expect(ofType(events, 'tool:interrupt')).toHaveLength(1);
    },
  },
  {
    name: 'approvals: a rejection is what the model reads for that call',
    steps: refundAndLookup,
    run: async (ctx) => {
      const agent = ctx.agent();
      const paused = await agent.run('Refund 7', { hooks: ctx.hooks });
      for (const i of paused.state.interruptions)
        paused.state.reject(i, { message: 'Refunds are closed today.' });
      return outcomeOf(agent.run(paused.state, { hooks: ctx.hooks }));
    },
    check: ({ ran, events }) => {
      expect(ran).toEqual(['lookup:order7']);
      const last = ofType(events, 'model:start').at(-1)?.messages as {
        role: string;
        content: unknown;
      }[];
      expect(last.filter((m) => m.role === 'tool').map((m) => m.content)).toContain(
        'Refunds are closed today.',
      );
    },
  },
  {
    name: 'approvals: a run state read back from JSON resumes in a new agent, reasoning included',
    steps: refundAndLookup,
    run: async (ctx) => {
      const paused = await ctx.agent().run('Refund 7', { hooks: ctx.hooks });
      const state = RunState.parse(paused.state.toString());
      for (const i of state.interruptions) state.approve(i);
      return outcomeOf(ctx.agent().run(state, { hooks: ctx.hooks }));
    },
    check: ({ ran, requests }, ctx) => {
      expect(ran).toEqual(['lookup:order7', 'refund:7']);
      if (ctx.api === 'responses') {
        const input = requests.at(-1)?.responsesBody?.input as { type: string }[];
        expect(input.some((i) => i.type === 'reasoning')).toBe(true);
      }
    },
  },
  {
    name: 'approvals: beforeTool interrupts a call; approving it runs the call',
    steps: [
      { toolCalls: [call('call_i', 'lookup', { key: 'guarded' })] },
      { content: 'Guarded value.' },
    ],
    run: async (ctx) => {
      let asked = false;
      const agent = ctx.agent({
        beforeTool: () => {
          if (asked) return undefined;
          asked = true;
          return { action: 'interrupt', reason: 'Check first.' };
        },
      });
      const paused = await agent.run('Guarded', { hooks: ctx.hooks });
      ctx.notes.status = paused.status;
      for (const i of paused.state.interruptions) paused.state.approve(i);
      return outcomeOf(agent.run(paused.state, { hooks: ctx.hooks }));
    },
    check: ({ ran, outcome }, ctx) => {
      expect(ctx.notes.status).toBe('interrupted');
      expect(ran).toEqual(['lookup:guarded']);
      expect(result(outcome).text).toBe('Guarded value.');
    },
  },
  {
    name: 'approvals: two refunds, one approved and one rejected, in one turn',
    steps: [
      {
        toolCalls: [
          call('call_a1', 'refund', { order: 1 }),
          call('call_a2', 'refund', { order: 2 }),
        ],
      },
      { content: 'One of two.' },
    ],
    run: async (ctx) => {
      const agent = ctx.agent();
      const paused = await agent.run('Refund both', { hooks: ctx.hooks });
      const [first, second] = paused.state.interruptions;
      if (first) paused.state.approve(first);
      if (second) paused.state.reject(second, { message: 'Not this one.' });
      return outcomeOf(agent.run(paused.state, { hooks: ctx.hooks }));
    },
    check: ({ ran, outcome }) => {
      expect(ran).toEqual(['refund:1']);
      expect(result(outcome).text).toBe('One of two.');
    },
  },
  {
    name: 'memory: a long session under a tight budget is trimmed, every request still valid',
    // Reasoning items go back with their message over Responses and take room in the context
    // (memory counts them), so trimming would differ by design: these compare it without them.
    server: () => ({ responder: sessionResponder(), reasoningItems: false }),
    run: async (ctx) => {
      const agent = ctx.agent({
        memory: { store: new InMemoryStore(), maxTokens: 420, reserveOutputTokens: 50 },
      });
      let last: unknown;
      for (let i = 1; i <= 6; i++) {
        last = await outcomeOf(agent.run(`Question ${i}`, { sessionId: 'long', hooks: ctx.hooks }));
      }
      return last;
    },
    check: ({ events, requests, outcome }) => {
      const trims = ofType(events, 'memory:trim');
      expect(trims.some((e) => (e.dropped as number) > 0)).toBe(true);
      expect(requests).toHaveLength(12);
      // The last run sent fewer questions than the session holds: older turns were left out.
      expect(userMessages(requests.at(-1) as RecordedRequest)).toBeLessThan(6);
      expect(result(outcome).status).toBe('completed');
    },
  },
  {
    name: 'memory: the first user message stays pinned while the middle is trimmed',
    // Reasoning items go back with their message over Responses and take room in the context
    // (memory counts them), so trimming would differ by design: these compare it without them.
    server: () => ({ responder: sessionResponder(), reasoningItems: false }),
    run: async (ctx) => {
      const agent = ctx.agent({
        memory: {
          store: new InMemoryStore(),
          maxTokens: 420,
          reserveOutputTokens: 50,
          keepFirstUser: true,
        },
      });
      for (let i = 1; i <= 5; i++)
        await agent.run(`Question ${i}`, { sessionId: 'pin', hooks: ctx.hooks });
      return outcomeOf(agent.run('Last question', { sessionId: 'pin', hooks: ctx.hooks }));
    },
    check: ({ events }) => {
      const last = ofType(events, 'model:start').at(-1)?.messages as {
        role: string;
        content: unknown;
      }[];
      expect(last.find((m) => m.role === 'user')?.content).toBe('Question 1');
      expect(ofType(events, 'memory:trim').some((e) => (e.dropped as number) > 0)).toBe(true);
    },
  },
  {
    name: 'memory: oversized tool outputs of the newest turn are shrunk to fit',
    // Reasoning items go back with their message over Responses and take room in the context
    // (memory counts them), so trimming would differ by design: these compare it without them.
    server: () => ({ responder: sessionResponder(true), reasoningItems: false }),
    run: (ctx) =>
      outcomeOf(
        ctx
          .agent({ memory: { maxTokens: 1500, reserveOutputTokens: 100 } })
          .run('Big one', { hooks: ctx.hooks }),
      ),
    check: ({ events }) => {
      expect(ofType(events, 'memory:trim').some((e) => (e.shrunk as number) > 0)).toBe(true);
    },
  },
  {
    name: 'turn limit: onMaxTurns final-answer asks once more without tools',
    steps: [
      { toolCalls: [call('call_m', 'lookup', { key: 'm' })] },
      { content: 'Best I can say.' },
    ],
    run: (ctx) =>
      outcomeOf(
        ctx.agent({ maxTurns: 1, onMaxTurns: 'final-answer' }).run('Go', { hooks: ctx.hooks }),
      ),
    check: ({ requests, outcome }) => {
      expect(bodyOf(requests[1]).tool_choice).toBe('none');
      expect(result(outcome).text).toBe('Best I can say.');
    },
  },
  {
    name: 'turn limit: past maxTurns the run fails with MaxTurnsExceededError',
    steps: [
      { toolCalls: [call('call_x1', 'lookup', { key: 'x1' })] },
      { toolCalls: [call('call_x2', 'lookup', { key: 'x2' })] },
    ],
    run: (ctx) => outcomeOf(ctx.agent({ maxTurns: 2 }).run('Loop', { hooks: ctx.hooks })),
    check: ({ outcome, ran }) => {
      expect(outcome).toMatchObject({ error: 'MaxTurnsExceededError' });
      expect(ran).toEqual(['lookup:x1', 'lookup:x2']);
    },
  },
  {
    name: 'interceptors: beforeModel rewrites the request and the API gets the rewrite',
    steps: [{ content: 'Cooler.' }],
    run: (ctx) =>
      outcomeOf(
        ctx
          .agent({ beforeModel: (request) => ({ ...request, temperature: 0.1 }) })
          .run('Hi', { hooks: ctx.hooks }),
      ),
    check: ({ requests }) => {
      expect(bodyOf(requests[0]).temperature).toBe(0.1);
    },
  },
  {
    name: 'interceptors: beforeTool denies a call with a reason the model reads',
    steps: [{ toolCalls: [call('call_d', 'lookup', { key: 'secret' })] }, { content: 'Denied.' }],
    run: (ctx) =>
      outcomeOf(
        ctx
          .agent({ beforeTool: () => ({ action: 'deny', reason: 'Secrets stay secret.' }) })
          .run('Secret', { hooks: ctx.hooks }),
      ),
    check: ({ ran, events }) => {
      expect(ran).toEqual([]);
      expect(ofType(events, 'tool:end')[0]).toMatchObject({
        denied: true,
        output: expect.stringContaining('Secrets stay secret.'),
      });
    },
  },
];
