import { Agent, type AgentEvent, type RunOptions } from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { z } from 'zod';

/**
 * An agent for approval tests: `refund` always needs approval, `transfer` above 100, `lookup`
 * never. Every execution is written to `ran` (name and arguments), the external log the tests
 * count effects with.
 */
export function approvalAgent(replies: ScriptedReply[], ran: string[] = []) {
  const refund = tool({
    name: 'refund',
    description: 'Refunds an order',
    parameters: z.object({ order: z.number() }),
    needsApproval: true,
    execute: ({ order }, ctx) => {
      ran.push(`refund:${order}`);
      return { refunded: order, key: ctx.idempotencyKey };
    },
  });
  const transfer = tool({
    name: 'transfer',
    description: 'Moves money',
    parameters: z.object({ amount: z.number() }),
    needsApproval: ({ amount }) => amount > 100,
    execute: ({ amount }) => {
      ran.push(`transfer:${amount}`);
      return `moved ${amount}`;
    },
  });
  const lookup = tool({
    name: 'lookup',
    description: 'Looks an order up',
    parameters: z.object({ order: z.number() }),
    execute: ({ order }) => {
      ran.push(`lookup:${order}`);
      return `order ${order} is paid`;
    },
  });
  const model = new ScriptedModel(replies);
  const agent = new Agent({ name: 'support', model, tools: [refund, transfer, lookup] });
  return { agent, model, ran };
}

/** Runs with a hook that records every event's type (and status of terminal events). */
export function recordEvents(): { events: string[]; options: RunOptions } {
  const events: string[] = [];
  const onEvent = (event: AgentEvent) => {
    if (event.type === 'run:end') events.push(`run:end:${event.status}`);
    else if (event.type === 'run:start')
      events.push(event.resumed ? 'run:start:resumed' : 'run:start');
    else if (
      event.type === 'tool:start' ||
      event.type === 'tool:end' ||
      event.type === 'tool:interrupt'
    ) {
      events.push(`${event.type}:${event.name}`);
    } else if (
      event.type === 'run:error' ||
      event.type === 'turn:end' ||
      event.type === 'model:start'
    ) {
      events.push(event.type);
    }
  };
  return { events, options: { hooks: { onEvent } } };
}

/** The tool messages of a request, as `content` strings by call id. */
export function toolResults(messages: readonly { role: string }[]): Record<string, string> {
  const results: Record<string, string> = {};
  for (const m of messages) {
    if (m.role === 'tool') {
      const t = m as unknown as { tool_call_id: string; content: unknown };
      results[t.tool_call_id] = String(t.content);
    }
  }
  return results;
}
