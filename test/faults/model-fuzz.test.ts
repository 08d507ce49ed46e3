/**
 * Model misbehaviour fuzz: 1,000 seeded runs against models that send garbage. 850 run on
 * `ScriptedModel`, 150 go through the real `openai` client to the test server (for what only a
 * raw HTTP body can carry: empty `choices`, a null message, a body that is not JSON, ...).
 *
 * Every run must end, within its time bound, in a result or a typed `AgentError`, within
 * `maxTurns`; every request the loop sent must be one the real API accepts; nothing may reject
 * unhandled. The outcome counts are printed.
 */
import { Agent, AgentError, type Model, openai } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Step, startTestServer, type TestServer } from '../support/index.js';
import { validateChatRequest } from '../support/validate-request.js';
import {
  type FuzzReply,
  makeRawStep,
  planReplies,
  RAW_KINDS,
  Rng,
  type RunPlan,
} from './bad-replies.js';
import { type RunMode, settle, watchUnhandledRejections } from './fault-harness.js';

const SEED = 20_240_607;
const SCRIPTED_RUNS = 850;
const HTTP_RUNS = 150;
const RUN_TIME_LIMIT_MS = 10_000;
const FUZZ_USAGE = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 };

const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  parameters: z.object({ key: z.string() }),
  execute: async ({ key }) => ({ key, length: key.length }),
});
const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});
const summary = z.object({ summary: z.string() });

/** The outcome of one fuzzed run, by kind: `result` or the error's code. */
interface Tally {
  outcomes: Record<string, number>;
  plans: Record<string, number>;
  replies: Record<string, number>;
  invalidRequests: string[];
  problems: string[];
  slowestMs: number;
}

function newTally(): Tally {
  return { outcomes: {}, plans: {}, replies: {}, invalidRequests: [], problems: [], slowestMs: 0 };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The run's configuration, drawn from its own seed so any failing run replays alone. */
function drawRun(rng: Rng) {
  const plan: RunPlan = rng.chance(0.6)
    ? 'random'
    : rng.chance(0.5)
      ? 'repeat-forever'
      : 'never-answers';
  return {
    plan,
    maxTurns: rng.int(1, 6),
    finalAnswer: rng.chance(0.2),
    structured: rng.chance(0.15),
    mode: (rng.chance(0.25) ? 'stream' : 'run') as RunMode,
  };
}

function makeAgent(model: Model, run: ReturnType<typeof drawRun>) {
  const base = {
    name: 'fuzz',
    model,
    tools: [lookup, add],
    maxTurns: run.maxTurns,
    onMaxTurns: run.finalAnswer ? ('final-answer' as const) : ('throw' as const),
    retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
  };
  return new Agent<unknown, unknown>({ ...base, ...(run.structured ? { output: summary } : {}) });
}

async function withinLimit<T>(promise: Promise<T>, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label} did not settle within ${RUN_TIME_LIMIT_MS} ms`)),
      RUN_TIME_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one fuzzed run and records its outcome and any broken property in the tally. */
async function fuzzOne(
  tally: Tally,
  label: string,
  agent: Agent<unknown, unknown>,
  run: ReturnType<typeof drawRun>,
): Promise<void> {
  const started = performance.now();
  const settled = await withinLimit(settle(agent, 'Do the thing.', run.mode), label);
  tally.slowestMs = Math.max(tally.slowestMs, performance.now() - started);
  const turnLimit = run.maxTurns + (run.finalAnswer ? 1 : 0);
  if (settled.ok) {
    bump(tally.outcomes, 'result');
    if (settled.result.turns > turnLimit) {
      tally.problems.push(`${label}: ${settled.result.turns} turns > ${turnLimit}`);
    }
  } else if (AgentError.isInstance(settled.error)) {
    bump(tally.outcomes, settled.error.code);
    const partial = (settled.error as { result?: { turns?: number } }).result;
    if (partial?.turns !== undefined && partial.turns > turnLimit) {
      tally.problems.push(
        `${label}: ${partial.turns} turns > ${turnLimit} (${settled.error.code})`,
      );
    }
  } else {
    bump(tally.outcomes, 'untyped');
    tally.problems.push(`${label}: untyped error ${String(settled.error)}`);
  }
  const endings = settled.events.filter((e) => e.type === 'run:end' || e.type === 'run:error');
  if (endings.length !== 1) tally.problems.push(`${label}: ${endings.length} run endings`);
}

/** Big pieces, so a 1 MB argument streams in a few hundred chunks rather than 170,000. */
function toStep(reply: FuzzReply): Step {
  return { ...reply, stream: { maxPieceLength: 4096 } } as Step;
}

describe('model misbehaviour fuzz', () => {
  const unhandled = watchUnhandledRejections();
  let server: TestServer;
  /** The responder of the HTTP run in progress (runs are sequential). */
  let current: (() => Step) | undefined;

  beforeAll(async () => {
    unhandled.start();
    server = await startTestServer({
      responder: () => {
        if (!current) throw new Error('no fuzzed run in progress');
        return current();
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await unhandled.stop();
  });

  it(`${SCRIPTED_RUNS + HTTP_RUNS} runs of bad replies end in a result or a typed error within maxTurns`, async () => {
    const tally = newTally();
    const started = performance.now();

    for (let i = 0; i < SCRIPTED_RUNS; i++) {
      const rng = new Rng(SEED + i);
      const run = drawRun(rng);
      bump(tally.plans, run.plan);
      const replies = planReplies(rng, run.plan, run.structured);
      // Usage is given: counting the megabyte-sized garbage replies with tiktoken would only
      // measure tiktoken; the fuzz is about the loop.
      const model = new ScriptedModel(() => ({ usage: FUZZ_USAGE, ...replies.next() }));
      await fuzzOne(tally, `scripted run ${i} (seed ${SEED + i})`, makeAgent(model, run), run);
      for (const kind of replies.kinds) bump(tally.replies, kind);
      for (const [n, request] of model.requests.entries()) {
        const checked = validateChatRequest({ model: model.name, ...request });
        if (!checked.ok) {
          tally.invalidRequests.push(`scripted run ${i}, request ${n}: ${checked.message}`);
        }
      }
    }

    for (let i = 0; i < HTTP_RUNS; i++) {
      const seed = SEED + SCRIPTED_RUNS + i;
      const rng = new Rng(seed);
      const run = drawRun(rng);
      bump(tally.plans, run.plan);
      const replies = planReplies(rng, run.plan, run.structured);
      current = () => {
        if (run.plan !== 'repeat-forever' && rng.chance(0.35)) {
          const kind = rng.pick(RAW_KINDS);
          bump(tally.replies, kind);
          return makeRawStep(rng, kind);
        }
        return toStep(replies.next());
      };
      const before = server.requests.length;
      const model = openai('gpt-4o-mini', { apiKey: 'test-key', baseURL: server.url });
      await fuzzOne(tally, `http run ${i} (seed ${seed})`, makeAgent(model, run), run);
      for (const kind of replies.kinds) bump(tally.replies, kind);
      for (const request of server.requests.slice(before)) {
        if (request.rejected) {
          tally.invalidRequests.push(`http run ${i}: ${request.rejected.message}`);
        }
      }
    }
    current = undefined;

    const total = Object.values(tally.outcomes).reduce((a, b) => a + b, 0);
    console.log(
      `model fuzz: ${total} runs in ${Math.round(performance.now() - started)} ms (slowest run ${Math.round(tally.slowestMs)} ms)\n` +
        `  outcomes: ${JSON.stringify(tally.outcomes)}\n` +
        `  plans:    ${JSON.stringify(tally.plans)}\n` +
        `  replies:  ${JSON.stringify(tally.replies)}\n` +
        `  invalid requests sent: ${tally.invalidRequests.length}`,
    );
    expect(total).toBe(SCRIPTED_RUNS + HTTP_RUNS);
    expect(tally.problems).toEqual([]);
    // Not one request the real API would refuse, whatever the model sent before it.
    expect(tally.invalidRequests.slice(0, 5)).toEqual([]);
    expect(tally.invalidRequests).toHaveLength(0);
    expect(tally.outcomes.untyped).toBeUndefined();
    // The fuzz is only a fuzz if it reaches every ending.
    expect(tally.outcomes.result).toBeGreaterThan(50);
    expect(tally.outcomes.max_turns_exceeded).toBeGreaterThan(50);
    expect(tally.outcomes.model_error).toBeGreaterThan(5);
    expect(tally.outcomes.output_validation_failed).toBeGreaterThan(5);
    // Rejections of the last runs surface a tick later.
    await unhandled.flush();
    expect(unhandled.seen).toEqual([]);
  }, 90_000);
});
