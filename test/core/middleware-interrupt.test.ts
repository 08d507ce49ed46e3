/**
 * Issue 12, points 2 and 5 together: a tool call is paused for a decision from inside the
 * `wrapToolCall` chain. `beforeTool` answering `{ action: 'interrupt' }` still pauses the run
 * when middleware wraps it, and a middleware pauses it with `ctx.interrupt(reason)`. The
 * middleware outside see `next()` reject; whatever they do, the tool does not run until a person
 * approves, and then the run continues through the same middleware.
 */
import { Agent, type AgentEvent, type AgentOptions, type Middleware } from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { approvalAgent } from './approvals/approval-agent.js';

/** An agent with one `lookup` tool and the given options; `ran` logs every execution. */
function lookupAgent(
  replies: ScriptedReply[],
  options: Pick<AgentOptions, 'middleware' | 'beforeTool'> = {},
) {
  const ran: string[] = [];
  const lookupTool = tool({
    name: 'lookup',
    description: 'Looks an order up',
    parameters: z.object({ order: z.number() }),
    execute: ({ order }) => {
      ran.push(`lookup:${order}`);
      return `order ${order} is paid`;
    },
  });
  const agent = new Agent({
    name: 'support',
    model: new ScriptedModel(replies),
    tools: [lookupTool],
    ...options,
  });
  return { agent, ran };
}

const lookup = (order: number, id = `call_${order}`) => ({
  id,
  name: 'lookup',
  arguments: { order },
});

/** Logs `name>` before `next` and `<name` after it, or `name!` when `next` rejects. */
function tracer(name: string, log: string[]): Middleware {
  return {
    wrapToolCall: async (_ctx, next) => {
      log.push(`${name}>`);
      try {
        const outcome = await next();
        log.push(`<${name}`);
        return outcome;
      } catch (error) {
        log.push(`${name}! ${(error as Error).name}`);
        throw error;
      }
    },
  };
}

const toolEvents = (events: readonly AgentEvent[]) =>
  events.flatMap((e) =>
    e.type === 'tool:start' || e.type === 'tool:end' || e.type === 'tool:interrupt'
      ? [`${e.type} ${e.toolCallId}`]
      : [],
  );

describe('beforeTool interrupt inside the middleware chain', () => {
  it('pauses the run; the agent middleware outside see next() reject; approved, the call runs through them', async () => {
    const log: string[] = [];
    const { agent, ran } = lookupAgent([{ toolCalls: [lookup(9)] }, 'Looked.'], {
      middleware: [tracer('outer', log)],
    });
    // The run's beforeTool sits inside the agent's middleware.
    const hooks = {
      beforeTool: (call: { name: string }) => {
        log.push(`beforeTool ${call.name}`);
        return { action: 'interrupt' as const, reason: 'a supervisor looks first' };
      },
    };
    const paused = await agent.run('Look', { hooks, middleware: [tracer('inner', log)] });
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions).toEqual([
      expect.objectContaining({
        kind: 'approval',
        name: 'lookup',
        args: { order: 9 },
        reason: 'a supervisor looks first',
      }),
    ]);
    expect(ran).toEqual([]);
    expect(log).toEqual(['outer>', 'beforeTool lookup', 'outer! ToolCallInterrupt']);

    log.length = 0;
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const done = await agent.run(paused.state, { hooks, middleware: [tracer('inner', log)] });
    expect(done.status).toBe('completed');
    expect(done.text).toBe('Looked.');
    expect(ran).toEqual(['lookup:9']);
    // Asked again once approved: its interrupt now counts as the approval, and the call goes on.
    expect(log).toEqual(['outer>', 'beforeTool lookup', 'inner>', '<inner', '<outer']);
  });

  it('an agent beforeTool interrupt pauses as before, with middleware after it never reached', async () => {
    const log: string[] = [];
    const { agent, ran } = lookupAgent([{ toolCalls: [lookup(1)] }], {
      beforeTool: () => ({ action: 'interrupt' }),
      middleware: [tracer('after', log)],
    });
    const paused = await agent.run('Look');
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions[0]).toMatchObject({ kind: 'approval', toolCallId: 'call_1' });
    expect(paused.interruptions[0]).not.toHaveProperty('reason');
    expect(log).toEqual([]);
    expect(ran).toEqual([]);
  });
});

describe('ctx.interrupt(reason)', () => {
  it('pauses the call with the arguments the middleware saw; the turn’s other calls still run', async () => {
    const { agent, ran, model } = approvalAgent([
      { toolCalls: [lookup(1), lookup(500), lookup(2)] },
      'All looked up.',
    ]);
    const events: AgentEvent[] = [];
    const bigOrders: Middleware = {
      wrapToolCall: async (ctx, next) => {
        if (ctx.name === 'lookup' && (ctx.args as { order: number }).order > 100) {
          ctx.interrupt(`order ${(ctx.args as { order: number }).order} is large`);
        }
        return next();
      },
    };
    const paused = await agent.run('Look them up', {
      middleware: [bigOrders],
      hooks: {
        onEvent: (e) => {
          events.push(e);
        },
      },
    });
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions).toEqual([
      expect.objectContaining({
        kind: 'approval',
        toolCallId: 'call_500',
        args: { order: 500 },
        reason: 'order 500 is large',
      }),
    ]);
    expect(ran.sort()).toEqual(['lookup:1', 'lookup:2']);
    expect(toolEvents(events)).toContain('tool:interrupt call_500');
    expect(toolEvents(events)).not.toContain('tool:start call_500');
    expect(model.callCount).toBe(1);
    const terminal = events.filter((e) => e.type === 'run:end' || e.type === 'run:error');
    expect(terminal.map((e) => (e.type === 'run:end' ? e.status : e.type))).toEqual([
      'interrupted',
    ]);

    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const approvedSeen: boolean[] = [];
    const done = await agent.run(paused.state, {
      middleware: [
        {
          wrapToolCall: (ctx, next) => {
            approvedSeen.push(ctx.approved);
            return next();
          },
        },
        bigOrders,
      ],
    });
    expect(done.status).toBe('completed');
    expect(ran.sort()).toEqual(['lookup:1', 'lookup:2', 'lookup:500']);
    // Only the approved call went through the middleware on the continuation.
    expect(approvedSeen).toEqual([true]);
    expect(done.text).toBe('All looked up.');
  });

  it('a rejection answers the model, and the middleware is not asked about the rejected call', async () => {
    const { agent, ran, model } = approvalAgent([{ toolCalls: [lookup(7)] }, 'Not allowed, then.']);
    const asked: string[] = [];
    const gate: Middleware = {
      wrapToolCall: async (ctx, next) => {
        asked.push(ctx.toolCallId);
        ctx.interrupt('check it');
        return next();
      },
    };
    const paused = await agent.run('Look', { middleware: [gate] });
    paused.state.reject(paused.interruptions[0]?.id ?? '', { message: 'the supervisor said no' });
    const done = await agent.run(paused.state, { middleware: [gate] });
    expect(done.status).toBe('completed');
    expect(ran).toEqual([]);
    expect(asked).toEqual(['call_7']);
    expect(String(model.requests[1]?.messages.at(-1)?.content)).toContain('the supervisor said no');
  });

  it('an outer middleware that swallows the interruption cannot run the tool: the call is paused all the same', async () => {
    const { agent, ran } = approvalAgent([{ toolCalls: [lookup(3)] }]);
    const paused = await agent.run('Look', {
      middleware: [
        {
          // A careless retry: catches everything and tries again, then answers itself.
          wrapToolCall: async (ctx, next) => {
            try {
              return await next();
            } catch {
              try {
                return await next();
              } catch {
                return ctx.deny('gave up');
              }
            }
          },
        },
        {
          wrapToolCall: async (ctx, next) => {
            ctx.interrupt('always');
            return next();
          },
        },
      ],
    });
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions.map((i) => i.reason)).toEqual(['always']);
    expect(ran).toEqual([]);
    expect(paused.toolCalls).toEqual([]);
  });

  it('after an outer rewrite, the interruption carries the rewritten, validated arguments', async () => {
    const { agent, ran } = approvalAgent([{ toolCalls: [lookup(4)] }, 'ok']);
    const paused = await agent.run('Look', {
      middleware: [
        { wrapToolCall: (_ctx, next) => next({ order: 40 }) },
        {
          wrapToolCall: async (ctx, next) => {
            ctx.interrupt();
            return next();
          },
        },
      ],
    });
    expect(paused.interruptions[0]?.args).toEqual({ order: 40 });
    expect(ran).toEqual([]);
  });

  it('wrapRun wraps each resumption: it sees the interrupted result, then the continued run', async () => {
    const { agent } = approvalAgent([{ toolCalls: [lookup(5)] }, 'Done.']);
    const runs: string[] = [];
    const middleware: Middleware[] = [
      {
        wrapRun: async (ctx, next) => {
          const result = await next();
          runs.push(`${ctx.resumed ? 'resumed' : 'new'} ${result.status}`);
          return result;
        },
        wrapToolCall: async (ctx, next) => {
          ctx.interrupt();
          return next();
        },
      },
    ];
    const paused = await agent.run('Look', { middleware });
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    await agent.run(paused.state, { middleware });
    expect(runs).toEqual(['new interrupted', 'resumed completed']);
  });
});
