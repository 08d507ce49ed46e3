import { toolImagesMessage } from '@agentloop/memory';
import {
  type AnyTool,
  type PreparedToolCall,
  parseToolArguments,
  type ToolOutcome,
  type ToolRegistry,
} from '@agentloop/tools';
import type {
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import pLimit from 'p-limit';
import { ConfigurationError } from '../errors/errors.js';
import type { WrapToolCall } from '../middleware/middleware.js';
import {
  ChildRunInterrupted,
  childOutcome,
  closeChildLink,
  interruptWithChild,
  isAgentTool,
  openChildLink,
} from '../tree/child-link.js';
import { canAbort, raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { keepOutcome, restoreOutcome } from './checkpoint.js';
import type { PendingToolCall, SnapshotInterruption } from './run-snapshot.js';
import { runToolCallChain, type ToolCallChainResult } from './tool-call-chain.js';

/** How the tool calls of a turn are run. */
export interface RunToolsOptions<TContext> {
  registry: ToolRegistry<TContext>;
  /** The most calls running at once. */
  concurrency: number;
  /** The run's `wrapToolCall` hooks, outermost first (`beforeTool` among them). */
  middleware: readonly WrapToolCall<TContext>[];
  /**
   * The result of a call to one of the active agent's handoffs, which runs nothing (see
   * `handoffOutcome`); `undefined` for any other call.
   */
  handoffOutcome?: ((entry: PendingToolCall) => ToolOutcome | undefined) | undefined;
}

/**
 * Settles the tool calls of the turn in progress (`run.pending`) concurrently (at most
 * `concurrency` at once), each from where it stands: a waiting call is prepared, asked about
 * (`needsApproval`, then the middleware, `beforeTool` among them) and run; a call recorded `done` keeps its outcome; an approved
 * one runs without asking again; a rejected one answers with its rejection; a call a crash left
 * `started` runs again only when its tool is idempotent, and otherwise waits for a decision.
 *
 * @returns One tool message per call in the order of the calls (then, when tools returned images,
 *   one user message carrying them: a tool message holds only text), or `undefined` when a call
 *   waits for a decision (the run is then interrupted; the other calls have settled). Faults of
 *   the model or of a tool become tool messages the model sees; only an abort or a failing
 *   middleware rejects.
 */
export async function runTools<TContext>(
  run: ActiveRun<TContext>,
  options: RunToolsOptions<TContext>,
): Promise<ChatCompletionMessageParam[] | undefined> {
  const pending = run.pending ?? [];
  const first = run.toolCalls.length;
  // Once one call fails (its middleware threw), the turn has failed: calls still waiting for a
  // slot, or for their middleware, must not start their tool.
  let failed: { error: unknown } | undefined;
  const stopIfFailed = () => {
    if (failed) throw failed.error;
  };
  const start = (entry: PendingToolCall) =>
    failed
      ? Promise.reject(failed.error)
      : settle(run, entry, options, stopIfFailed).catch((error: unknown) => {
          failed ??= { error };
          throw error;
        });
  // Most turns have fewer calls than the bound: then no queue is needed at all.
  let limited: Promise<ToolOutcome | undefined>[];
  if (pending.length <= options.concurrency) {
    limited = pending.map(start);
  } else {
    const limit = pLimit(options.concurrency);
    limited = pending.map((entry) => limit(() => start(entry)));
  }
  const outcomes = await raceAbort(Promise.all(limited), run.signal);
  // Records are pushed as calls finish (so a partial result has them); the result lists them
  // in the order the model made the calls.
  const position = new Map(pending.map((entry, index) => [entry.toolCallId, index]));
  const records = run.toolCalls.splice(first);
  records.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  run.toolCalls.push(...records);
  const messages: ChatCompletionMessageParam[] = [];
  const withImages: ToolOutcome[] = [];
  for (const outcome of outcomes) {
    if (!outcome) return undefined;
    const message: ChatCompletionToolMessageParam = {
      role: 'tool',
      tool_call_id: outcome.toolCallId,
      content: outcome.output,
    };
    messages.push(message);
    if (outcome.images && outcome.images.length > 0) withImages.push(outcome);
  }
  if (withImages.length > 0) {
    const images = toolImagesMessage(
      withImages.map((o) => ({ toolCallId: o.toolCallId, name: o.name, images: o.images ?? [] })),
    );
    if (images) messages.push(images);
  }
  return messages;
}

async function settle<TContext>(
  run: ActiveRun<TContext>,
  entry: PendingToolCall,
  options: RunToolsOptions<TContext>,
  stopIfFailed: () => void,
): Promise<ToolOutcome | undefined> {
  run.signal.throwIfAborted();
  const handedOff = options.handoffOutcome?.(entry);
  if (handedOff) {
    // Settled from the run's handoff alone: nothing ran, so nothing is announced or recorded,
    // and a resumed run settles it the same way again.
    entry.status = 'done';
    keepOutcome(run, entry, handedOff);
    return handedOff;
  }
  const { toolCallId: id, name, status } = entry;
  // The record keeps the arguments as the model sent them (parsed when they are JSON).
  let args = parseToolArguments(entry.arguments);
  if (status === 'interrupted') return undefined;
  if (status === 'done' && entry.outcome) {
    // Ended before the run paused or its process died: never run again, never announced again.
    const outcome = restoreOutcome(id, name, entry.outcome);
    record(run, entry, args.ok ? args.value : entry.arguments, outcome);
    return outcome;
  }

  let outcome: ToolOutcome;
  let denied = false;
  if (status === 'rejected') {
    denied = true;
    outcome = failure(id, name, 'denied', entry.rejection ?? 'The call was rejected.');
  } else if (run.finishReason === 'length') {
    // Cut off by the token limit: the call never starts, it gets only its tool:end.
    outcome = failure(
      id,
      name,
      'invalid_json',
      `Error: the arguments of your call to "${name}" were cut off because the reply reached the token limit (finish_reason "length"), so the tool was not run. Call it again with shorter arguments.`,
    );
  } else {
    const { registry } = options;
    const toolCall = { id, name, arguments: entry.arguments };
    // Validated first: approvals, middleware and tool:start see the arguments the tool will run
    // with. A call that cannot run (unknown tool, bad JSON, invalid arguments) never starts.
    const given = entry.args !== undefined ? entry.args : args.ok ? args.value : undefined;
    let prepared = registry.prepare(toolCall, given === undefined ? undefined : { args: given });
    if (prepared instanceof Promise) prepared = await prepared;
    if (entry.args !== undefined) args = { ok: true, value: entry.args };
    if (prepared.ok && status === 'started' && !prepared.tool.idempotent) {
      // Its process died while it ran: whether it took effect is unknown, so a person decides.
      interrupt(run, entry, 'unknown_outcome', prepared.args, undefined);
      return undefined;
    }
    // A call that was approved, or began before a crash, is not asked about again.
    const ask = status === 'waiting';
    // Most tools need no approval: answered without a tick, so their calls start at once.
    const approval = prepared.ok && ask ? needsApproval(run, prepared) : false;
    if (approval === true || (approval !== false && (await approval))) {
      stopIfFailed();
      interrupt(run, entry, 'approval', prepared.args, undefined);
      return undefined;
    }
    if (!prepared.ok) {
      outcome = prepared;
    } else {
      // Through the middleware (beforeTool among them), which may change the arguments or the
      // outcome, answer without running the tool, deny the call or pause the run.
      let ran: ToolCallChainResult;
      try {
        ran =
          options.middleware.length === 0
            ? // Nothing to go through: the call starts its tool at once, a few ticks sooner.
              { outcome: await start(run, entry, prepared, registry, stopIfFailed) }
            : await runToolCallChain(run, prepared, {
                registry,
                middleware: options.middleware,
                approved: status === 'approved',
                restarted: status === 'started',
                start: (ready) => start(run, entry, ready, registry, stopIfFailed),
              });
      } catch (error) {
        if (!(error instanceof ChildRunInterrupted) || run.signal.aborted) throw error;
        stopIfFailed();
        interruptWithChild(run as ActiveRun<unknown>, entry, error.snapshot);
        return undefined;
      }
      if ('interrupt' in ran) {
        stopIfFailed();
        interrupt(run, entry, 'approval', ran.interrupt.args, ran.interrupt.reason);
        return undefined;
      }
      outcome = ran.outcome;
      if (ran.rewrite) {
        // The record keeps the rewrite as given; the tool got it validated.
        args = { ok: true, value: ran.rewrite.args };
        entry.args = ran.rewrite.args;
      }
      // A denied call (beforeTool, ctx.deny) never started: it gets only its tool:end.
      denied = outcome.error?.code === 'denied';
    }
  }

  entry.status = 'done';
  keepOutcome(run, entry, outcome);
  record(run, entry, args.ok ? args.value : entry.arguments, outcome);
  if (run.bus.wants('tool:end')) {
    run.bus.emit({
      type: 'tool:end',
      runId: run.runId,
      turn: run.turn,
      toolCallId: id,
      name,
      outcome,
      ...(denied ? { denied: true as const } : {}),
    });
  }
  // Recorded done before anything else happens: a resumed run never runs it again.
  const saving = run.checkpoint();
  if (saving) await saving;
  return outcome;
}

/**
 * Marks the call started, checkpoints that, then runs the tool. Throws instead when the turn
 * has failed already (`stopIfFailed`), and when the run failed or was cancelled while the tool
 * ran: nobody takes that outcome, and the call stays `started`, so a resumed run decides about
 * it as after a crash.
 */
async function start<TContext>(
  run: ActiveRun<TContext>,
  entry: PendingToolCall,
  prepared: PreparedToolCall<TContext>,
  registry: ToolRegistry<TContext>,
  stopIfFailed: () => void,
): Promise<ToolOutcome> {
  stopIfFailed();
  entry.status = 'started';
  // Recorded started before the tool can have an effect: after a crash from here on, the call
  // is re-run only when its tool is idempotent.
  const saving = run.checkpoint();
  if (saving) await raceAbort(saving, run.signal);
  if (run.bus.wants('tool:start')) {
    run.bus.emit({
      type: 'tool:start',
      runId: run.runId,
      turn: run.turn,
      toolCallId: entry.toolCallId,
      name: entry.name,
      args: prepared.args,
    });
  }
  // An agent called as a tool finds its parent's run through this link (see `asTool`).
  const link = isAgentTool(prepared.tool)
    ? openChildLink(run as ActiveRun<unknown>, entry)
    : undefined;
  let outcome: ToolOutcome;
  try {
    outcome = await registry.run(prepared, {
      signal: run.signal,
      // A run without a caller's signal aborts it only once the run has failed, when
      // nobody waits for the outcome: no need for a listener per call to settle early.
      settleOnAbort: canAbort(run.signal),
      runId: run.runId,
      context: run.context,
    });
  } finally {
    // A child that started closes the link itself once it has ended.
    if (link && !link.done) closeChildLink(link);
  }
  const settled = link ? childOutcome(link, outcome) : outcome;
  run.signal.throwIfAborted();
  return settled;
}

function record<TContext>(
  run: ActiveRun<TContext>,
  entry: PendingToolCall,
  args: unknown,
  outcome: ToolOutcome,
): void {
  run.toolCalls.push({
    id: entry.toolCallId,
    name: entry.name,
    arguments: args,
    turn: run.turn,
    outcome,
    durationMs: outcome.durationMs,
  });
}

/** Pauses the call: it waits in `run.interruptions` for `state.approve` or `state.reject`. */
function interrupt<TContext>(
  run: ActiveRun<TContext>,
  entry: PendingToolCall,
  kind: SnapshotInterruption['kind'],
  args: unknown,
  reason: string | undefined,
): void {
  entry.status = 'interrupted';
  const interruption: SnapshotInterruption = {
    id: `${kind === 'approval' ? 'approve' : 'unknown'}_${entry.toolCallId}`,
    kind,
    agent: run.activeAgent,
    path: [...run.path],
    toolCallId: entry.toolCallId,
    name: entry.name,
    args: args === undefined ? entry.arguments : args,
    ...(reason !== undefined ? { reason } : {}),
  };
  run.interruptions.push(interruption);
  if (run.bus.wants('tool:interrupt')) {
    run.bus.emit({
      type: 'tool:interrupt',
      runId: run.runId,
      turn: run.turn,
      toolCallId: entry.toolCallId,
      name: entry.name,
      interruption: { ...interruption },
    });
  }
}

/** Asks the tool's `needsApproval` (`true`, or a function of the validated arguments). */
function needsApproval<TContext>(
  run: ActiveRun<TContext>,
  prepared: PreparedToolCall<TContext>,
): boolean | Promise<boolean> {
  const check = (prepared.tool as AnyTool<TContext>).needsApproval;
  if (typeof check !== 'function') return check === true;
  return askApproval(run, prepared, check);
}

async function askApproval<TContext>(
  run: ActiveRun<TContext>,
  prepared: PreparedToolCall<TContext>,
  check: (args: never, ctx: never) => boolean | PromiseLike<boolean>,
): Promise<boolean> {
  const answer = await raceAbort(
    Promise.resolve(
      (check as (args: unknown, ctx: unknown) => boolean | PromiseLike<boolean>)(prepared.args, {
        toolCallId: prepared.call.id,
        runId: run.runId,
        context: run.context,
      }),
    ),
    run.signal,
  );
  if (typeof answer !== 'boolean') {
    // Fail closed, as beforeTool does: a gate that answers something else runs nothing.
    throw new ConfigurationError(
      `needsApproval of tool "${prepared.tool.name}" must return true or false (or a promise of one); it returned ${answer === null ? 'null' : typeof answer}. The tool was not run.`,
      { option: 'needsApproval' },
    );
  }
  return answer;
}

function failure(
  toolCallId: string,
  name: string,
  code: 'invalid_json' | 'denied',
  output: string,
): ToolOutcome {
  return {
    toolCallId,
    name,
    ok: false,
    output,
    value: undefined,
    error: { code, message: output.replace(/^Error: /, '') },
    durationMs: 0,
  };
}
