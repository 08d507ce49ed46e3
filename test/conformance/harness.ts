/**
 * The conformance harness: one scenario, run once per wire adapter (`openai()` over
 * `/v1/chat/completions`, `openaiResponses()` over `/v1/responses`) against a fresh strict test
 * server, observed the same way, so the two observations can be compared.
 *
 * @module
 */

import {
  Agent,
  type AgentEvent,
  type AgentOptions,
  type Model,
  openai,
  openaiResponses,
  type RunResult,
} from '@agentloop/core';
import { type AnyTool, tool } from '@agentloop/tools';
import { z } from 'zod';
import {
  type RecordedRequest,
  type ReplyStep,
  type Step,
  startTestServer,
  type TestServer,
  type TestServerOptions,
} from '../support/index.js';

/** The two wire APIs under test. */
export type Api = 'chat' | 'responses';
export const APIS: readonly Api[] = ['chat', 'responses'];

/** A model on one API against the server. */
export function modelFor(api: Api, server: TestServer, name = 'gpt-5-mini'): Model {
  const options = { apiKey: 'test-key', baseURL: server.url };
  return api === 'chat' ? openai(name, options) : openaiResponses(name, options);
}

/** What a scenario gets: the server, the model on the API under test, tools that log, hooks. */
export interface ScenarioContext {
  api: Api;
  server: TestServer;
  model: Model;
  /** Every tool execution, `name:args`, in the order they started. */
  ran: string[];
  /** Tools that write to `ran`: lookup, now, explode, sleepy, refund (needs approval). */
  tools: AnyTool[];
  /** Run options that record every event. */
  hooks: { onEvent: (event: AgentEvent) => void };
  /** An agent on the model with the tools, a quick retry, and `options` over that. */
  agent(options?: Partial<AgentOptions<unknown, unknown>>): Agent<unknown, unknown>;
  /** Anything a scenario wants to keep for its checks. */
  notes: Record<string, unknown>;
}

/** One behaviour, described once and run over both APIs. */
export interface Scenario {
  name: string;
  /**
   * Replies queued before the run (usage is scripted when a reply gives none), or the replies
   * for each API where they must differ (a stream cut after so many events).
   */
  steps?: Step[] | ((api: Api) => Step[]);
  /**
   * Server options (a responder, the default reasoning of /v1/responses replies), made afresh
   * for each API so a stateful responder starts over.
   */
  server?: () => TestServerOptions;
  /** Runs the behaviour and returns its outcome (normalised with `outcomeOf`). */
  run(ctx: ScenarioContext): Promise<unknown>;
  /** Checks one API's observation (the comparison with the other API is the harness's). */
  check?(observation: Observation, ctx: ScenarioContext): void;
}

/** What a run showed, with what differs by nature between APIs (ids, timings) left out. */
export interface Observation {
  events: unknown[];
  ran: string[];
  outcome: unknown;
  /** Requests the strict server refused, with its message. */
  refused: string[];
  requests: RecordedRequest[];
}

/** Usage scripted on every reply, so both APIs report the same tokens and cost. */
const USAGE = { promptTokens: 120, completionTokens: 30, cachedTokens: 20, reasoningTokens: 8 };

function withUsage(step: Step): Step {
  const isReply = !('status' in step || 'raw' in step || 'reset' in step || 'hang' in step);
  return isReply && !(step as ReplyStep).usage ? { ...step, usage: USAGE } : step;
}

function standardTools(ran: string[]): AnyTool[] {
  return [
    tool({
      name: 'lookup',
      description: 'Looks a key up',
      parameters: z.object({ key: z.string() }),
      execute: async ({ key }) => {
        ran.push(`lookup:${key}`);
        // A key starting with "big" gives a long result, for trimming that shrinks tool outputs.
        return key.startsWith('big')
          ? `value of ${key}: ${'data '.repeat(1500)}`
          : `value of ${key}`;
      },
    }),
    tool({
      name: 'now',
      description: 'The time',
      parameters: z.object({}),
      execute: () => {
        ran.push('now');
        return '12:00';
      },
    }),
    tool({
      name: 'explode',
      description: 'Always fails',
      parameters: z.object({ why: z.string() }),
      execute: ({ why }) => {
        ran.push(`explode:${why}`);
        throw new Error(`exploded: ${why}`);
      },
    }),
    tool({
      name: 'sleepy',
      description: 'Waits until aborted or timed out',
      parameters: z.object({ ms: z.number() }),
      timeoutMs: 200,
      execute: ({ ms }, ctx) => {
        ran.push(`sleepy:${ms}`);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve('woke'), ms);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            ran.push('sleepy:aborted');
            reject(ctx.signal.reason);
          });
        });
      },
    }),
    tool({
      name: 'refund',
      description: 'Refunds an order',
      parameters: z.object({ order: z.number() }),
      needsApproval: true,
      execute: ({ order }) => {
        ran.push(`refund:${order}`);
        return `refunded ${order}`;
      },
    }),
  ];
}

/** Runs a scenario over one API and returns what it showed. */
export async function observe(
  scenario: Scenario,
  api: Api,
  reasoning: TestServerOptions['reasoningItems'],
): Promise<{ observation: Observation; ctx: ScenarioContext }> {
  const options = scenario.server?.() ?? {};
  const { responder } = options;
  const server = await startTestServer({
    ...(reasoning !== undefined ? { reasoningItems: reasoning } : {}),
    ...options,
    ...(responder
      ? { responder: async (request, index) => withUsage(await responder(request, index)) }
      : {}),
  });
  try {
    const steps = typeof scenario.steps === 'function' ? scenario.steps(api) : scenario.steps;
    server.reply(...(steps ?? []).map(withUsage));
    const ran: string[] = [];
    const events: unknown[] = [];
    const model = modelFor(api, server);
    const tools = standardTools(ran);
    const ctx: ScenarioContext = {
      api,
      server,
      model,
      ran,
      tools,
      hooks: { onEvent: (event) => events.push(normalizeEvent(event)) },
      agent: (options = {}) =>
        new Agent({
          name: 'conformance',
          model,
          tools,
          retry: { baseDelayMs: 1, maxDelayMs: 2 },
          ...options,
        } as AgentOptions<unknown, unknown>),
      notes: {},
    };
    const outcome = await scenario.run(ctx);
    await server.idle();
    const observation: Observation = {
      events,
      ran,
      outcome,
      refused: server.requests
        .filter((r) => r.rejected !== undefined && r.rejected.status !== 401)
        .map((r) => `#${r.index} ${r.rejected?.status}: ${r.rejected?.message}`),
      requests: [...server.requests],
    };
    return { observation, ctx };
  } finally {
    await server.close();
  }
}

type Loose = Record<string, unknown>;

function usageOf(usage: Loose | undefined) {
  if (!usage) return undefined;
  const { promptTokens, completionTokens, cachedTokens, reasoningTokens, cost } = usage;
  return { promptTokens, completionTokens, cachedTokens, reasoningTokens, cost };
}

function callsOf(calls: unknown): unknown {
  if (!Array.isArray(calls)) return undefined;
  return calls.map((c: Loose) => {
    const fn = c.function as Loose;
    return [c.id, fn.name, fn.arguments];
  });
}

/** A conversation message as both APIs must leave it: provider fields left out. */
function messageOf(message: Loose): unknown {
  const { role, content, refusal, tool_calls, tool_call_id } = message;
  return { role, content, refusal, tool_calls: callsOf(tool_calls), tool_call_id };
}

/** An error by what a program looks at: its class, code, status, and the mid-stream flag. */
export function errorOf(error: unknown): unknown {
  if (!(error instanceof Error)) return { thrown: String(error) };
  const e = error as Error & Loose;
  return { error: e.name, code: e.code, status: e.status, midStream: e.midStream };
}

/** A run's result by what a program looks at. */
export function resultOf(result: RunResult<unknown>): unknown {
  return {
    status: result.status,
    text: result.text,
    output: result.output,
    turns: result.turns,
    finishReason: result.finishReason,
    usage: usageOf(result.usage as unknown as Loose),
    toolCalls: result.toolCalls.map((c) => [c.id, c.name, c.arguments, c.outcome?.ok]),
    interruptions: result.interruptions.map((i) => [i.kind, i.name, i.toolCallId, i.args]),
    messages: result.messages.map((m) => messageOf(m as unknown as Loose)),
  };
}

/** Runs `work` and returns its result, or the error it threw, both normalised. */
export async function outcomeOf(work: Promise<RunResult<unknown>>): Promise<unknown> {
  try {
    return resultOf(await work);
  } catch (error) {
    return errorOf(error);
  }
}

/** An event by what a listener looks at, without run ids and timings. */
export function normalizeEvent(event: AgentEvent): unknown {
  const e = event as unknown as Loose;
  switch (event.type) {
    case 'model:start': {
      const request = e.request as Loose;
      const { messages, tools, ...settings } = request;
      return {
        type: event.type,
        turn: e.turn,
        model: e.model,
        messages: (messages as Loose[]).map(messageOf),
        tools: (tools as Loose[] | undefined)?.length,
        settings,
      };
    }
    case 'model:end': {
      const response = e.response as Loose;
      return {
        type: event.type,
        turn: e.turn,
        message: messageOf(response.message as Loose),
        finishReason: response.finishReason,
        usage: usageOf(e.usage as Loose),
      };
    }
    case 'model:retry': {
      const error = e.error as Loose;
      return {
        type: event.type,
        turn: e.turn,
        attempt: e.attempt,
        status: error.status,
        code: error.code,
      };
    }
    case 'tool:end': {
      const outcome = e.outcome as Loose;
      const error = outcome.error as Loose | undefined;
      return {
        type: event.type,
        turn: e.turn,
        toolCallId: e.toolCallId,
        name: e.name,
        ok: outcome.ok,
        output: outcome.output,
        error: error?.code,
        denied: e.denied,
      };
    }
    case 'tool:interrupt': {
      const interruption = e.interruption as Loose;
      return { type: event.type, toolCallId: e.toolCallId, name: e.name, kind: interruption.kind };
    }
    case 'run:start': {
      // Messages given as input may carry the provider fields of an earlier reply.
      const input = Array.isArray(e.input) ? (e.input as Loose[]).map(messageOf) : e.input;
      return { type: event.type, agent: e.agent, input, resumed: e.resumed };
    }
    case 'run:end':
      return {
        type: event.type,
        status: e.status,
        result: resultOf(e.result as RunResult<unknown>),
      };
    case 'run:error':
      return { type: event.type, error: errorOf(e.error) };
    default: {
      const { runId: _runId, durationMs: _ms, ...rest } = e;
      return rest;
    }
  }
}
