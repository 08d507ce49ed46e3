/**
 * Seeded multi-turn runs over the Responses API against the strict test server: sessions of
 * several questions, each answered after random rounds of parallel tool calls, replies with
 * reasoning items (none, one, one before every item), preambles, tool faults, approvals resumed
 * from JSON, forced final answers, and memory budgets tight enough that sessions are trimmed
 * all the time. The strict server refuses any request that sends a reasoning item without its
 * following item (or the reverse), an output without its call, or a call without its output;
 * the report counts those refusals, which must be 0.
 *
 * Used by the CI test (a short form) and by `bench/responses-seeded.ts` (1,000 runs).
 *
 * @module
 */

import { Agent, type AgentEvent, type Model, RunState } from '@agentloop/core';
import { ContextOverflowError, InMemoryStore } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { z } from 'zod';
import { type RecordedRequest, type Step, startTestServer } from '../support/index.js';
import { type Api, modelFor } from './harness.js';

/** Options of {@link runSeededSessions}. */
export interface SeededOptions {
  /** The seed every random choice derives from. @default 18 */
  seed?: number;
  /** How many agent runs (questions) in all. @default 1000 */
  runs?: number;
  /** Sessions run at once against the one server. @default 8 */
  concurrency?: number;
  /** The wire API. @default 'responses' */
  api?: Api;
}

/** What the runs showed. */
export interface SeededReport {
  runs: number;
  sessions: number;
  requests: number;
  /** Requests the strict server refused (must be 0). */
  refused: number;
  /** The first refusals, for the message of a failing test. */
  refusals: string[];
  /** Reasoning items the requests sent back. */
  reasoningReplayed: number;
  /** Model calls whose conversation memory trimmed (turns dropped or outputs shrunk). */
  trims: number;
  /** Runs paused for approval and resumed from a state read back from JSON. */
  resumed: number;
  /** Runs that could not fit even their newest turn into the budget (not a refusal). */
  overflowed: number;
  /** Runs that failed otherwise. */
  failed: string[];
  durationMs: number;
}

/** mulberry32: a small seeded generator. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(...parts: number[]): number {
  let h = 2166136261;
  for (const part of parts) {
    h ^= part;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

const pick = <T>(rng: () => number, values: readonly T[]): T =>
  values[Math.floor(rng() * values.length)] as T;

/** The items or messages of a request after its last user message, and that message's text. */
function lastQuestion(request: RecordedRequest): {
  text: string;
  after: { type?: string; role?: string }[];
} {
  const items = (request.api === 'chat' ? request.body.messages : request.responsesBody?.input) as {
    type?: string;
    role?: string;
    content?: unknown;
  }[];
  let at = items.length - 1;
  while (at >= 0 && items[at]?.role !== 'user') at--;
  const content = items[at]?.content;
  return { text: typeof content === 'string' ? content : '', after: items.slice(at + 1) };
}

/**
 * The model of the runs: from the question's text ("S<session> Q<question>") and how many
 * tool results came since it, a seeded choice of the next reply, so any request answers the
 * same whatever was trimmed before it.
 */
function responder(seed: number) {
  return (request: RecordedRequest): Step => {
    const { text, after } = lastQuestion(request);
    const [, session = 0, question = 0] = /S(\d+) Q(\d+)/.exec(text)?.map(Number) ?? [];
    const results = after.filter(
      (i) => i.role === 'tool' || i.type === 'function_call_output',
    ).length;
    const rng = random(hash(seed, session, question, results));
    const reasoningItems = pick(rng, [false, true, true, 'interleaved'] as const);
    const toolRounds = Math.floor(rng() * 4);
    const usage = { promptTokens: 100, completionTokens: 20, reasoningTokens: 5 };
    // As a real model does, no calls when the request says `tool_choice: 'none'` (the loop's
    // final answer at its turn limit).
    const noTools = (request.body as { tool_choice?: unknown }).tool_choice === 'none';
    if (noTools || (results === 0 ? toolRounds === 0 : rng() < 0.3 || results > 12)) {
      return { content: `Answer to S${session} Q${question}.`, reasoningItems, usage };
    }
    const calls = 1 + Math.floor(rng() * 3);
    return {
      reasoningItems,
      usage,
      ...(rng() < 0.3 ? { content: 'Let me look that up.' } : {}),
      toolCalls: Array.from({ length: calls }, (_, i) => {
        const id = `call_${session}_${question}_${results}_${i}`;
        const roll = rng();
        if (roll < 0.05) return { id, name: 'teleport', arguments: { to: 'Mars' } };
        if (roll < 0.1) return { id, name: 'lookup', arguments: '{"key": ' };
        if (roll < 0.18) return { id, name: 'refund', arguments: { order: i + 1 } };
        return { id, name: 'lookup', arguments: { key: `k${Math.floor(rng() * 400)}` } };
      }),
    };
  };
}

function tools() {
  return [
    tool({
      name: 'lookup',
      description: 'Looks a key up',
      parameters: z.object({ key: z.string() }),
      // Results of every size, from a word to a few hundred tokens.
      execute: ({ key }) => `${key}: ${'data '.repeat(Number(key.slice(1)) % 60)}`,
    }),
    tool({
      name: 'refund',
      description: 'Refunds an order',
      parameters: z.object({ order: z.number() }),
      needsApproval: true,
      execute: ({ order }) => `refunded ${order}`,
    }),
  ];
}

/** Runs the seeded sessions and reports what the strict server made of them. */
export async function runSeededSessions({
  seed = 18,
  runs = 1000,
  concurrency = 8,
  api = 'responses',
}: SeededOptions = {}): Promise<SeededReport> {
  const started = performance.now();
  const server = await startTestServer({ responder: responder(seed) });
  const report: SeededReport = {
    runs: 0,
    sessions: 0,
    requests: 0,
    refused: 0,
    refusals: [],
    reasoningReplayed: 0,
    trims: 0,
    resumed: 0,
    overflowed: 0,
    failed: [],
    durationMs: 0,
  };
  const model: Model = modelFor(api, server);
  const store = new InMemoryStore();
  const onEvent = (event: AgentEvent) => {
    if (event.type === 'memory:trim') report.trims += 1;
  };

  let next = 0;
  const session = async (id: number) => {
    const rng = random(hash(seed, id, 7));
    const questions = 1 + Math.floor(rng() * 5);
    const agent = new Agent({
      name: 'seeded',
      model,
      tools: tools(),
      instructions: 'Answer with the tools.',
      maxTurns: 4 + Math.floor(rng() * 4),
      onMaxTurns: 'final-answer',
      retry: { maxRetries: 0 },
      // Tight: a few hundred tokens beside the five-tool schema, so older turns go all the time.
      memory: { store, maxTokens: 900 + Math.floor(rng() * 600), reserveOutputTokens: 40 },
    });
    for (let q = 1; q <= questions && next < runs; q++) {
      next += 1;
      report.runs += 1;
      const options = { sessionId: `s${id}`, hooks: { onEvent } };
      const input = `S${id} Q${q}: what do the keys say?`;
      try {
        let result =
          rng() < 0.5 ? await agent.run(input, options) : await agent.stream(input, options).result;
        while (result.status === 'interrupted') {
          report.resumed += 1;
          const state = RunState.parse(result.state.toString());
          for (const i of state.interruptions) {
            if (rng() < 0.7) state.approve(i);
            else state.reject(i, { message: 'Not today.' });
          }
          result = await agent.run(state, options);
        }
      } catch (error) {
        if (error instanceof ContextOverflowError) report.overflowed += 1;
        else
          report.failed.push(
            `S${id} Q${q}: ${error instanceof Error ? error.message : String(error)}`,
          );
      }
    }
  };

  try {
    let sessionId = 0;
    const worker = async () => {
      while (next < runs) {
        sessionId += 1;
        report.sessions += 1;
        await session(sessionId);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await server.idle();
    report.requests = server.requests.length;
    for (const request of server.requests) {
      if (request.rejected) {
        report.refused += 1;
        if (report.refusals.length < 5)
          report.refusals.push(`#${request.index}: ${request.rejected.message}`);
      }
      const input = request.responsesBody?.input;
      if (Array.isArray(input)) {
        report.reasoningReplayed += input.filter(
          (i) => (i as { type?: string }).type === 'reasoning',
        ).length;
      }
    }
  } finally {
    await server.close();
  }
  report.durationMs = performance.now() - started;
  return report;
}
