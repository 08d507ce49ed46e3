import { Agent, type ToolCallInfo } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred, settleEventLoop } from '../support/deferred.js';

function transferTool() {
  const transfers: { to: string; amount: number }[] = [];
  const transfer = tool({
    name: 'transfer',
    description: 'Moves money',
    parameters: z.object({ to: z.string(), amount: z.number().positive() }),
    execute: async (args) => {
      transfers.push(args);
      return `sent ${args.amount} to ${args.to}`;
    },
  });
  return { transfer, transfers };
}

const callTransfer = (args: unknown) =>
  new ScriptedModel([
    { toolCalls: [{ id: 't1', name: 'transfer', arguments: args as object }] },
    'ok',
  ]);

describe('beforeTool', () => {
  it('human in the loop: the call waits for approval, then runs', async () => {
    const { transfer, transfers } = transferTool();
    const pending: { call: ToolCallInfo<unknown>; approve: () => void }[] = [];
    const asked = deferred();
    const agent = new Agent({
      name: 'bank',
      model: callTransfer({ to: 'bob', amount: 10 }),
      tools: [transfer],
      beforeTool: (call) =>
        new Promise((resolve) => {
          pending.push({ call, approve: () => resolve({ action: 'approve' }) });
          asked.resolve();
        }),
    });
    const running = agent.run('pay bob');
    await asked.promise;
    await settleEventLoop();
    // The tool has not run: it waits for a person.
    expect(transfers).toEqual([]);
    expect(pending).toHaveLength(1);
    expect(pending[0]?.call).toMatchObject({ name: 'transfer', args: { to: 'bob', amount: 10 } });
    pending[0]?.approve();
    const result = await running;
    expect(transfers).toEqual([{ to: 'bob', amount: 10 }]);
    expect(result.text).toBe('ok');
  });

  it('deny: the tool never runs and the model sees the reason', async () => {
    const { transfer, transfers } = transferTool();
    const model = callTransfer({ to: 'mallory', amount: 1e6 });
    const result = await new Agent({
      name: 'bank',
      model,
      tools: [transfer],
      beforeTool: () => ({ action: 'deny', reason: 'amount above the daily limit' }),
    }).run('pay');
    expect(transfers).toEqual([]);
    expect(result.toolCalls[0]?.outcome.error?.code).toBe('denied');
    const toolMessage = model.requests[1]?.messages.at(-1);
    expect(toolMessage).toMatchObject({ role: 'tool', tool_call_id: 't1' });
    expect(String(toolMessage?.content)).toContain('amount above the daily limit');
  });

  it('rewrite: the tool runs with the new arguments, validated again', async () => {
    const { transfer, transfers } = transferTool();
    await new Agent({
      name: 'bank',
      model: callTransfer({ to: 'bob', amount: 500 }),
      tools: [transfer],
      beforeTool: (call) => ({
        action: 'rewrite',
        args: { ...(call.args as object), amount: 50 },
      }),
    }).run('pay');
    expect(transfers).toEqual([{ to: 'bob', amount: 50 }]);

    const bad = transferTool();
    const result = await new Agent({
      name: 'bank',
      model: callTransfer({ to: 'bob', amount: 5 }),
      tools: [bad.transfer],
      beforeTool: () => ({ action: 'rewrite', args: { to: 'bob', amount: -5 } }),
    }).run('pay');
    expect(bad.transfers).toEqual([]);
    expect(result.toolCalls[0]?.outcome.error?.code).toBe('invalid_arguments');
  });

  it('agent-level and run-level interceptors both apply, agent first', async () => {
    const { transfer } = transferTool();
    const order: string[] = [];
    await new Agent({
      name: 'bank',
      model: callTransfer({ to: 'bob', amount: 1 }),
      tools: [transfer],
      beforeTool: () => {
        order.push('agent');
        return undefined;
      },
    }).run('pay', {
      hooks: {
        beforeTool: () => {
          order.push('run');
          return undefined;
        },
      },
    });
    expect(order).toEqual(['agent', 'run']);
  });
});

describe('beforeModel', () => {
  it('rewrites the request that is sent', async () => {
    const model = new ScriptedModel(['ok']);
    await new Agent({
      name: 'redact',
      model,
      beforeModel: (request) => ({
        ...request,
        temperature: 0,
        messages: request.messages.map((m) =>
          m.role === 'user' && typeof m.content === 'string'
            ? { ...m, content: m.content.replace(/\d{4}-\d{4}/g, '[card]') }
            : m,
        ),
      }),
    }).run('my card is 1234-5678');
    expect(model.requests[0]?.messages).toEqual([{ role: 'user', content: 'my card is [card]' }]);
    expect(model.requests[0]?.temperature).toBe(0);
  });

  it('returning nothing sends the request unchanged', async () => {
    const model = new ScriptedModel(['ok']);
    const seen: unknown[] = [];
    await new Agent({ name: 'n', model }).run('hi', {
      hooks: {
        beforeModel: (_request, info) => {
          seen.push(info.turn);
          return undefined;
        },
      },
    });
    expect(seen).toEqual([1]);
    expect(model.requests[0]?.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });
});
