/**
 * Runs of agents that call agents, recorded with `runLog` on `ScriptedModel` and real tools, for
 * the inspector's tree tests: a handoff (triage hands the run over to weather, which calls its
 * tool and answers); a planner calling a researcher twice in parallel, each researcher calling a
 * tool and a geo agent (depth 2); a chain of agents three deep, cancelled while the deepest runs;
 * a child whose model fails.
 */
import { Agent, ModelError, type ModelRequest, RunState } from '@agentloop/core';
import {
  ScriptedModel,
  type ScriptedReply,
  type ScriptedReplyObject,
} from '@agentloop/core/testing';
import type { RunLog } from '@agentloop/inspector';
import { tool } from '@agentloop/tools';
import { z } from 'zod';
import type { Deferred } from '../support/deferred.js';

/** A scripted model whose usage is priced (gpt-4o-mini), so costs can be checked. */
export function priced(replies: ScriptedReply[]): ScriptedModel {
  return new ScriptedModel(replies, { name: 'gpt-4o-mini' });
}

export const forecast = tool({
  name: 'forecast',
  description: 'The forecast of a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { city, sky: 'rain', high: 11 };
  },
});

/** The weather agent: calls `forecast` once, then answers. */
export function weatherAgent(): Agent {
  return new Agent({
    name: 'weather',
    instructions: 'You answer weather questions.',
    model: priced([
      { toolCalls: [{ name: 'forecast', arguments: { city: 'Oslo' } }] },
      'Rain in Oslo, 11 °C.',
    ]),
    tools: [forecast],
  });
}

/**
 * Triage hands the run over to weather in its first turn; weather calls `forecast` and answers.
 *
 * @returns the run's answer and the agent that gave it.
 */
export async function recordHandoffRun(log: RunLog): Promise<{ text: string; agent: string }> {
  const triage = new Agent({
    name: 'triage',
    instructions: 'You route the user.',
    model: priced([
      {
        content: 'Over to the weather desk.',
        toolCalls: [{ name: 'transfer_to_weather', arguments: {} }],
      },
    ]),
    handoffs: [weatherAgent()],
  });
  triage.on('*', log);
  const result = await triage.run('Weather in Oslo?');
  await log.flush();
  return { text: result.text, agent: result.agent };
}

/** An agent as a tool of another (`agent.asTool()`): its runs are children of the caller's. */
export function agentTool(agent: Agent) {
  return agent.asTool({ description: `Asks the ${agent.name} agent` });
}

const geocode = tool({
  name: 'geocode',
  description: 'The coordinates of a place',
  parameters: z.object({ place: z.string() }),
  execute: async ({ place }) => ({ place, lat: 59.91, lon: 10.75 }),
});

/** The text of the request's first user message. */
function userText(request: ModelRequest): string {
  const user = request.messages.find((m) => m.role === 'user');
  return typeof user?.content === 'string' ? user.content : '';
}

/**
 * A model that calls `calls(input)` on the first turn of a run and answers `answer(input)` once
 * the results are back: one model serves parallel runs of one agent.
 */
function twoStep(
  calls: (input: string) => ScriptedReplyObject['toolCalls'],
  answer: (input: string) => string,
): ScriptedModel {
  return new ScriptedModel(
    (request) =>
      request.messages.at(-1)?.role === 'tool'
        ? answer(userText(request))
        : { toolCalls: calls(userText(request)) },
    { name: 'gpt-4o-mini' },
  );
}

/**
 * A planner asks the researcher about two cities in parallel; each researcher calls `forecast`
 * and the geo agent (which calls `geocode`), then answers; the planner answers with both.
 *
 * @returns the planner's answer.
 */
export async function recordNestedRun(
  log: RunLog,
  { everyAgent = false }: { everyAgent?: boolean } = {},
): Promise<string> {
  const geo = new Agent({
    name: 'geo',
    model: twoStep(
      (input) => [{ name: 'geocode', arguments: { place: input } }],
      (input) => `${input} is at 59.91, 10.75.`,
    ),
    tools: [geocode],
  });
  const researcher = new Agent({
    name: 'researcher',
    model: twoStep(
      (input) => [
        { name: 'forecast', arguments: { city: input } },
        { name: 'geo', arguments: { input } },
      ],
      (input) => `${input}: rain, 11 °C.`,
    ),
    tools: [forecast, agentTool(geo)],
  });
  const planner = new Agent({
    name: 'planner',
    model: priced([
      {
        toolCalls: [
          { id: 'call_oslo', name: 'researcher', arguments: { input: 'Oslo' } },
          { id: 'call_bergen', name: 'researcher', arguments: { input: 'Bergen' } },
        ],
      },
      'Both cities: rain, 11 °C. Pack a coat.',
    ]),
    tools: [agentTool(researcher)],
  });
  planner.on('*', log);
  if (everyAgent) {
    researcher.on('*', log);
    geo.on('*', log);
  }
  const result = await planner.run('Plan a trip to Oslo and Bergen.');
  await log.flush();
  return result.text;
}

/**
 * A chain three deep (top → middle → bottom → deepest), cancelled while the deepest agent's
 * tool runs: every run of the chain ends aborted.
 *
 * @param started - resolved when the deepest agent's tool starts (the test then aborts).
 * @returns what the top run rejected with.
 */
export async function recordCancelledChain(
  log: RunLog,
  started: Deferred<void>,
  controller: AbortController,
): Promise<unknown> {
  const wait = tool({
    name: 'wait_for_carrier',
    description: 'Waits for the carrier',
    parameters: z.object({ parcel: z.string() }),
    execute: (_args, ctx) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => resolve('arrived'), 10_000);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
        started.resolve();
      }),
  });
  const deepest = new Agent({
    name: 'deepest',
    model: priced([{ toolCalls: [{ name: 'wait_for_carrier', arguments: { parcel: 'ZX9' } }] }]),
    tools: [wait],
  });
  const bottom = new Agent({
    name: 'bottom',
    model: priced([{ toolCalls: [{ name: 'deepest', arguments: { input: 'ZX9' } }] }]),
    tools: [agentTool(deepest)],
  });
  const middle = new Agent({
    name: 'middle',
    model: priced([{ toolCalls: [{ name: 'bottom', arguments: { input: 'ZX9' } }] }]),
    tools: [agentTool(bottom)],
  });
  const top = new Agent({
    name: 'top',
    model: priced([{ toolCalls: [{ name: 'middle', arguments: { input: 'ZX9' } }] }]),
    tools: [agentTool(middle)],
  });
  top.on('*', log);
  try {
    await top.run('Where is parcel ZX9?', { signal: controller.signal });
  } catch (error) {
    await log.flush();
    return error;
  }
  throw new Error('expected the cancelled chain to fail');
}

/** The message the failing child's provider answers with. */
export const CHILD_FAILURE = 'The provider refused the request: context too long.';

/**
 * A support agent asks the billing agent, whose model fails (not retryable); the support agent
 * sees a failed tool call and answers anyway.
 *
 * @returns the support agent's answer.
 */
export async function recordFailedChild(log: RunLog): Promise<string> {
  const billing = new Agent({
    name: 'billing',
    model: priced([new ModelError({ message: CHILD_FAILURE, retryable: false, status: 400 })]),
  });
  const support = new Agent({
    name: 'support',
    model: priced([
      { toolCalls: [{ name: 'billing', arguments: { input: 'Invoice 7?' } }] },
      'Billing is unavailable; try again later.',
    ]),
    tools: [agentTool(billing)],
  });
  support.on('*', log);
  const result = await support.run('Where is invoice 7?');
  await log.flush();
  return result.text;
}

/**
 * A help desk asks the refunds agent, whose `refund` needs an approval: the whole tree pauses
 * with the interruption's path; with `resume`, the refund is approved on the root's state and
 * the tree runs to its answer.
 *
 * @returns the root's final status.
 */
export async function recordDeepApproval(
  log: RunLog,
  { resume }: { resume: boolean },
): Promise<string> {
  const refund = tool({
    name: 'refund',
    description: 'Refunds an order',
    parameters: z.object({ order: z.number() }),
    needsApproval: true,
    execute: async ({ order }) => ({ refunded: order }),
  });
  const refunds = new Agent({
    name: 'refunds',
    model: twoStep(
      () => [{ name: 'refund', arguments: { order: 42 } }],
      () => 'Order 42 is refunded.',
    ),
    tools: [refund],
  });
  const desk = new Agent({
    name: 'desk',
    model: twoStep(
      () => [{ name: 'refunds', arguments: { input: 'Refund order 42' } }],
      () => 'Done: order 42 is refunded.',
    ),
    tools: [agentTool(refunds)],
  });
  desk.on('*', log);
  const paused = await desk.run('Please refund order 42.');
  if (paused.status !== 'interrupted') throw new Error('expected the tree to pause');
  if (!resume) {
    await log.flush();
    return paused.status;
  }
  const state = RunState.parse(paused.state.toString());
  for (const interruption of state.interruptions) state.approve(interruption);
  const done = await desk.run(state);
  await log.flush();
  return done.status;
}

/**
 * A concierge calls a slow lookup and the agent "geo desk" (its tool `geo_desk`) in the same turn:
 * the child run starts while both calls run.
 */
export async function recordSpacedName(log: RunLog): Promise<string> {
  const lookup = tool({
    name: 'lookup',
    description: 'A slow lookup',
    parameters: z.object({ q: z.string() }),
    execute: async ({ q }) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return `found ${q}`;
    },
  });
  const geoDesk = new Agent({ name: 'geo desk', model: priced(['Oslo is at 59.91, 10.75.']) });
  const concierge = new Agent({
    name: 'concierge',
    model: priced([
      {
        toolCalls: [
          { name: 'lookup', arguments: { q: 'hotels' } },
          { name: 'geo_desk', arguments: { input: 'Where is Oslo?' } },
        ],
      },
      'Hotels found; Oslo is at 59.91, 10.75.',
    ]),
    tools: [lookup, agentTool(geoDesk)],
  });
  concierge.on('*', log);
  const result = await concierge.run('Hotels in Oslo?');
  await log.flush();
  return result.text;
}
