/**
 * The child process of the crash harness: runs the scripted order run (see `crash-scenario.ts`)
 * against a `FileRunStore` and a `FileStore` session in the folder it is given, and kills itself
 * at the planned point; or resumes the run there with `agent.resume(runId)`.
 *
 * Usage: `node --conditions=source --import tsx bench/crash/crash-child.ts '<ChildConfig JSON>'`
 *
 * Every line it prints is written synchronously (so it is out before a kill): `mark <what> <id>`
 * as the run goes (`run`, `tool:start`, `decision`), then, when the run has completed,
 * `report <JSON>` ({@link ChildReport}). A resume refused because the run is claimed prints
 * `refused run_in_progress` and exits with 3.
 *
 * @module
 */

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, type RunResult, RunState, RunStateError } from '@agentloop/core';
import { FileRunStore } from '@agentloop/core/node';
import { ScriptedModel } from '@agentloop/core/testing';
import { TokenCounter } from '@agentloop/memory';
import { FileStore } from '@agentloop/memory/node';
import { type AnyTool, tool } from '@agentloop/tools';
import { z } from 'zod';
import type { ChildConfig, ChildDecision, ChildReport } from './child-protocol.js';
import {
  AGENT_NAME,
  ANSWER,
  type ExecutionLine,
  INPUT,
  INSTRUCTIONS,
  rejectionMessage,
  SCRIPT,
  SESSION_ID,
  TOOLS,
  type ToolName,
  toolOutput,
} from './crash-scenario.js';
import {
  armClaimKill,
  die,
  KillingMemoryStore,
  KillingRunStore,
  patchFileWrites,
} from './kill-hooks.js';
import { random, seedOf } from './kill-points.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const plan = config.plan;
const print = (line: string) => writeSync(1, `${line}\n`);

if (
  plan?.point === 'checkpoint-rename' ||
  plan?.point === 'session-torn' ||
  plan?.point === 'claim-torn'
) {
  await patchFileWrites();
  if (plan.point === 'claim-torn') armClaimKill();
}

const logFile = join(config.dir, 'executions.log');
/** Appends one execution to the external log and flushes it to disk before going on. */
function logExecution(line: ExecutionLine): void {
  const fd = openSync(logFile, 'a');
  try {
    writeSync(fd, `${JSON.stringify(line)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// Each kill draws its own tool durations, so calls finish in other orders and checkpoints merge
// differently from one kill to the next.
const delays = random(config.seed);
const delayOf = new Map(SCRIPT.flat().map((c) => [c.id, Math.floor(delays() * 4)]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const tools = (Object.keys(TOOLS) as ToolName[]).map((name) =>
  tool({
    name,
    description: `The ${name} step of an order.`,
    parameters: z.object({ order: z.number(), step: z.string() }),
    idempotent: TOOLS[name].idempotent,
    execute: async (args, ctx) => {
      await sleep(delayOf.get(ctx.toolCallId) ?? 0);
      logExecution({
        tool: name,
        toolCallId: ctx.toolCallId,
        idempotencyKey: ctx.idempotencyKey,
        runId: ctx.runId ?? '',
        pid: process.pid,
      });
      if (plan?.point === 'tool-mid' && plan.toolCallId === ctx.toolCallId) die();
      await sleep(1);
      return toolOutput(name, args);
    },
  }),
) as AnyTool<unknown>[];

// Answers from the conversation, not from a call count: a fresh process resuming the run gets
// the reply its turn calls for.
const model = new ScriptedModel((request) => {
  const turn = request.messages.filter((m) => m.role === 'assistant').length + 1;
  if (plan?.point === 'model-in-flight' && plan.turn === turn) die();
  const usage = { prompt_tokens: 100 * turn, completion_tokens: 10, total_tokens: 100 * turn + 10 };
  const calls = SCRIPT[turn - 1];
  if (!calls) return { content: ANSWER, usage };
  return {
    toolCalls: calls.map((c) => ({ id: c.id, name: c.name, arguments: c.args })),
    usage,
  };
});

/**
 * About 4 characters a token. The session goes through the memory path (fitting each request to
 * a budget) as any agent with a store does, but loading tiktoken's WASM would double the start-up
 * of every child, and the harness checks recovery, not counting.
 */
class QuickCounter extends TokenCounter {
  override countText(text: string): number {
    return Math.ceil(text.length / 4);
  }

  override truncateText(text: string, maxTokens: number): string {
    return text.slice(0, Math.max(0, maxTokens) * 4);
  }
}

const runsDir = join(config.dir, 'runs');
const sessionsDir = join(config.dir, 'sessions');
const agent = new Agent({
  name: AGENT_NAME,
  instructions: INSTRUCTIONS,
  model,
  tools,
  runStore: new KillingRunStore(new FileRunStore({ dir: runsDir }), plan),
  memory: {
    store: new KillingMemoryStore(
      new FileStore({ dir: sessionsDir, onCorruptLine: () => {} }),
      plan,
    ),
    counter: new QuickCounter({ model: model.name }),
  },
});
agent.on('run:start', (e) => print(`mark run ${e.runId}`));
agent.on('tool:start', (e) => print(`mark tool:start ${e.toolCallId}`));

const started = performance.now();
const decisions: ChildDecision[] = [];
let outcome: ChildReport['outcome'] = 'completed';
let result: RunResult<unknown> | undefined;
let runId = config.runId;

if (config.mode === 'run') {
  result = await agent.run(INPUT, { sessionId: SESSION_ID });
} else {
  if (!runId) throw new Error('resume needs the runId');
  try {
    result = await agent.resume(runId);
  } catch (error) {
    if (!RunStateError.isInstance(error)) throw error;
    if (error.code === 'run_completed') {
      // Killed after the final checkpoint: the run is over, its transcript is in the store.
      outcome = 'already-completed';
    } else if (error.code === 'run_in_progress') {
      // Another process holds the run, or one that died while writing its claim, which cannot
      // be told from one still writing it until the claim is old: refused, as it must be.
      print('refused run_in_progress');
      process.exit(3);
    } else if (error.code === 'run_not_found') {
      // Killed before the first checkpoint landed: the run never existed; start it again.
      outcome = 'restarted';
      result = await agent.run(INPUT, { sessionId: SESSION_ID });
    } else {
      throw error;
    }
  }
  // A call cut off mid-flight by the crash waits for a person: decide by a rule drawn from the
  // seed, continue from the state as text (as another process would), until the run completes.
  while (result?.status === 'interrupted') {
    const state = RunState.parse(result.state.toString());
    for (const i of state.interruptions) {
      const approve = random(seedOf(config.seed, i.toolCallId))() < 0.5;
      const decision: ChildDecision = {
        kind: i.kind,
        toolCallId: i.toolCallId,
        name: i.name,
        decision: approve ? 'approve' : 'reject',
      };
      // Printed at once: this process may be killed before it reports.
      print(`mark decision ${JSON.stringify(decision)}`);
      decisions.push(decision);
      if (approve) state.approve(i);
      else state.reject(i, { message: rejectionMessage(i.name, i.toolCallId) });
    }
    result = await agent.run(state);
  }
}

runId = result?.runId ?? runId ?? '';
const saved = await new FileRunStore({ dir: runsDir }).load(runId);
// A fresh store reads the session as the next run would; torn lines are counted, not fatal.
let corruptLines = 0;
const session = await new FileStore({
  dir: sessionsDir,
  onCorruptLine: () => {
    corruptLines += 1;
  },
}).load(SESSION_ID);
const report: ChildReport = {
  outcome,
  runId,
  runMs: performance.now() - started,
  decisions,
  checkpointStatus: saved?.status ?? 'missing',
  transcript: saved?.messages ?? [],
  ...(result ? { resultMessages: result.messages } : {}),
  session,
  corruptLines,
};
print(`report ${JSON.stringify(report)}`);
