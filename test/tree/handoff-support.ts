import type { AgentEvent, ModelRequest } from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { expect } from 'vitest';
import { z } from 'zod';
import { validateChatRequest } from '../support/validate-request.js';

/** A scripted model per agent, so a test can tell which agent each request came from. */
export function scripted(replies: ScriptedReply[]): ScriptedModel {
  return new ScriptedModel(replies, { name: 'gpt-4o-mini' });
}

/** What the tools of a scenario did, in order: `name:arg` per call that ran. */
export function toolLog(ran: string[] = []) {
  const make = (name: string, options: { needsApproval?: boolean } = {}) =>
    tool({
      name,
      description: `The ${name} tool`,
      parameters: z.object({ q: z.string() }),
      ...(options.needsApproval ? { needsApproval: true } : {}),
      execute: async ({ q }) => {
        ran.push(`${name}:${q}`);
        return `${name} says ${q}`;
      },
    });
  return { ran, make };
}

/** Every event of every run of `agents`' listeners, in order. */
export function recordEvents(
  ...agents: { on(type: '*', listener: (e: AgentEvent) => unknown): unknown }[]
) {
  const events: AgentEvent[] = [];
  for (const agent of agents) agent.on('*', (event) => events.push(event));
  return events;
}

/** The events' types, with the handoffs spelled out: `agent:handoff a>b`. */
export function timeline(events: readonly AgentEvent[]): string[] {
  return events.map((e) =>
    e.type === 'agent:handoff' ? `agent:handoff ${e.from}>${e.to}` : e.type,
  );
}

/** Every request each model got is one the real API accepts (tool pairs, names, strict schemas). */
export function expectValidRequests(...models: ScriptedModel[]): void {
  for (const model of models) {
    for (const request of model.requests) expectValidRequest(request);
  }
}

export function expectValidRequest(request: ModelRequest): void {
  const checked = validateChatRequest({ model: 'gpt-4o-mini', ...request });
  expect(checked.ok ? 'valid' : checked).toBe('valid');
}

/** Exactly one terminal event per run, and it is the last event of that run. */
export function expectOneTerminal(events: readonly AgentEvent[], kind: 'run:end' | 'run:error') {
  const terminals = events.filter((e) => e.type === 'run:end' || e.type === 'run:error');
  expect(terminals.map((e) => e.type)).toEqual([kind]);
  expect(events.at(-1)?.type).toBe(kind);
}

/** No tool ran twice with the same argument. */
export function expectNoDuplicates(ran: readonly string[]): void {
  expect(new Set(ran).size).toBe(ran.length);
}

/** The names of the tools a request offered. */
export function toolNames(request: ModelRequest | undefined): string[] {
  return (request?.tools ?? []).map((t) => (t.type === 'function' ? t.function.name : t.type));
}

/** The system message of a request, when it has one. */
export function systemOf(request: ModelRequest | undefined): unknown {
  const first = request?.messages[0];
  return first?.role === 'system' ? first.content : undefined;
}
