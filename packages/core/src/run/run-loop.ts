import type { RunInput, RunOptions } from '../agent/agent-options.js';
import { DeadlineExceededError, MaxTurnsExceededError, RunAbortedError } from '../errors/errors.js';
import { EventBus } from '../events/event-bus.js';
import { middlewareOfLevel } from '../middleware/interceptor-middleware.js';
import {
  type MiddlewareStack,
  middlewareEvents,
  middlewareStack,
} from '../middleware/middleware-stack.js';
import type { ModelRequest } from '../models/model.js';
import { enterModelCall } from '../tree/budget.js';
import { settleChildren } from '../tree/child-link.js';
import { fromTree } from '../tree/tree-errors.js';
import { activeAgentOf, checkHandoffNames, runView } from './active-agent.js';
import type { ActiveRun } from './active-run.js';
import { answered, takeAnswer } from './answer-step.js';
import { checkStop } from './check-stop.js';
import { snapshotOf } from './checkpoint.js';
import { checkpointer } from './checkpointer.js';
import { endTurn, saveCheckpoint } from './end-turn.js';
import {
  decideHandoff,
  type HandoffLimits,
  handoffOutcome,
  handoffTools,
} from './handoff-calls.js';
import { handOff } from './handoff-step.js';
import { toAssistantMessage } from './messages.js';
import { callModelThroughMiddleware } from './model-call-chain.js';
import { resolveModelTimeouts } from './model-timeouts.js';
import { loadSnapshot, openConversation } from './open-run.js';
import type { ExecuteOptions, ResolvedAgent, RunStart } from './resolved-agent.js';
import { runThroughMiddleware } from './run-chain.js';
import { claimRun } from './run-claims.js';
import { startDeadline } from './run-deadline.js';
import { buildResult, partialResult, toError } from './run-outcome.js';
import { freshProgress, restoreProgress } from './run-progress.js';
import type { RunResult } from './run-result.js';
import { runSignal } from './run-signal.js';
import type { PendingToolCall, RunSnapshot } from './run-snapshot.js';
import { snapshotOfState } from './run-state.js';
import { runTools } from './run-tools.js';
import { enterSession, fitToBudget, messagesToSend } from './session-memory.js';
import { type StopCondition, stopConditions } from './stop-when.js';
import { withUniqueToolCallIds } from './unique-tool-call-ids.js';

export type { ExecuteOptions, ResolvedAgent, RunStart } from './resolved-agent.js';

/**
 * Runs the loop: instructions, history, then turns of (trim, model call, tools) until the model
 * answers without tool calls or a call waits for a decision. Every step lives in its own module;
 * this function wires them. Exactly one of `run:end` / `run:error` ends the run; a state that
 * cannot be continued is refused before `run:start`.
 */
export async function executeRun<TContext>(
  resolved: ResolvedAgent<TContext>,
  start: RunStart,
  options: RunOptions<TContext>,
  { mode, sink, internalSignal, child }: ExecuteOptions,
): Promise<RunResult<unknown>> {
  // A run's own store (a queue worker's) stands in for the agent's, for this run only.
  const agent = options.runStore ? { ...resolved, runStore: options.runStore } : resolved;
  // A child run belongs to its parent's tree: it is saved inside the parent's checkpoints (so
  // its own agent's run store is not used), shares the parent's budget and stream, and its
  // events go up through the parent's bus.
  const parent = child?.parent;
  const runStore = parent ? undefined : agent.runStore;
  const runId =
    'runId' in start
      ? start.runId
      : 'state' in start
        ? snapshotOfState(start.state).runId
        : (options.runId ?? `run_${crypto.randomUUID()}`);
  const held = await claimRun(runStore, runId);
  const release = held.release;
  let snapshot: RunSnapshot | undefined;
  try {
    snapshot = 'input' in start ? undefined : await loadSnapshot({ ...agent, runStore }, start);
  } catch (error) {
    await release();
    throw error;
  }

  // The run listens to the caller's signal through a signal of its own, detached at the end,
  // so a signal shared by many runs gathers no listeners (see `runSignal`). The deadline is one
  // more source: when it passes, everything the run's signal reaches is cancelled; and so is a
  // claim that can be lost, and the session's lease once it is held (`follow`).
  const deadline = startDeadline(options.deadlineMs);
  const { signal, end, follow } = runSignal(
    [options.signal, internalSignal, deadline.signal, held.signal].filter(
      (s): s is AbortSignal => s !== undefined,
    ),
    { followsLater: agent.memory?.sessionLock !== undefined },
  );
  const bus = new EventBus({
    listeners: agent.listeners,
    hooks: options.hooks,
    observers: middlewareEvents(agent.middleware, options.middleware),
    sink: sink ? (event) => sink.push(event) : undefined,
    agent: agent.name,
    path: parent ? [...parent.path, agent.name] : undefined,
    parent:
      parent && child
        ? { bus: parent.bus, runId: parent.runId, toolCallId: child.entry.toolCallId }
        : undefined,
  });
  const run: ActiveRun<TContext> = {
    runId,
    agent: agent.name,
    context: options.context as TContext,
    signal,
    follow,
    bus,
    sessionId: snapshot ? snapshot.sessionId : options.sessionId,
    sessionLease: undefined,
    timeouts: resolveModelTimeouts(mode, agent.timeouts, options.timeouts),
    consumerReady: parent ? parent.consumerReady : sink ? () => sink.ready() : undefined,
    mode,
    parent,
    path: bus.path,
    budget: parent ? parent.budget : options.budget,
    children: new Map(),
    ...(snapshot ? restoreProgress(snapshot) : freshProgress(agent.name)),
    partialText: undefined,
    // A child's progress is saved with its parent's snapshot, which takes it from the live run.
    checkpoint: parent ? () => parent.checkpoint() : checkpointer(held, () => snapshotOf(run)),
  };
  if (child) child.live = run as ActiveRun<unknown>;
  // A run continued after a handoff: its events are the active agent's from the start.
  if (run.activeAgent !== agent.name) {
    bus.handOver(run.activeAgent);
    run.path = bus.path;
  }
  bus.emit({
    type: 'run:start',
    runId,
    turn: run.turn,
    input: 'input' in start ? start.input : [],
    ...(run.sessionId !== undefined ? { sessionId: run.sessionId } : {}),
    ...(snapshot ? { resumed: true as const } : {}),
  });

  let failed = true;
  let leaveSession = async () => {};
  try {
    signal.throwIfAborted();
    leaveSession = await enterSession(run, agent.memory);
    const input = 'input' in start ? start.input : undefined;
    const runLevel = middlewareOfLevel({ ...options.hooks, middleware: options.middleware });
    const middleware = middlewareStack(agent.middleware, runLevel);
    const loopOptions = {
      maxTurns: options.maxTurns ?? agent.maxTurns,
      mode,
      stopWhen: [...agent.stopWhen, ...stopConditions(options.stopWhen)],
      limits: {
        maxHandoffs: options.maxHandoffs ?? agent.maxHandoffs,
        onMaxHandoffs: agent.onMaxHandoffs,
      },
    };
    const result = await runThroughMiddleware(run, input, middleware.wrapRun, async () => {
      // One pass of the loop per active agent: a handoff ends the pass, and the next one runs
      // with the agent taking over (its model, tools and middleware inside the run's own).
      let active = activeAgentOf(agent, runId, run.activeAgent);
      let opening = input;
      for (;;) {
        const view = runView(agent, active);
        const stack = active === agent ? middleware : middlewareStack(active.middleware, runLevel);
        const outcome = await loop(view, run, opening, { ...loopOptions, middleware: stack });
        if (!(HANDED_OFF in outcome)) return outcome;
        active = outcome.to;
        opening = undefined;
      }
    });
    failed = false;
    bus.emit({ type: 'run:end', runId, turn: run.turn, status: result.status, result });
    return result;
  } catch (caught) {
    // Every child has ended (and emitted its terminal event) before this run emits its own.
    await settleChildren(run as ActiveRun<unknown>, caught);
    // The run's claim or its session's lease was lost (another worker holds the run or the
    // session now): that one's own error says so.
    const lost = held.signal?.aborted ? held.signal : run.sessionLease?.signal;
    const error = !signal.aborted
      ? fromTree(run, caught)
      : lost?.aborted
        ? toError(lost.reason)
        : deadline.passed(signal.reason)
          ? new DeadlineExceededError({
              deadlineMs: options.deadlineMs ?? 0,
              result: partialResult(run),
              cause: caught,
            })
          : new RunAbortedError({
              reason: signal.reason,
              result: partialResult(run),
              cause: caught,
            });
    // Kept so that `agent.resume(runId)` can try again from the last step that completed.
    run.status = 'failed';
    await run.checkpoint()?.catch(() => {});
    bus.emit({ type: 'run:error', runId, turn: run.turn, error });
    throw error;
  } finally {
    deadline.clear();
    // The session first: the next run in line (here or in another process) may start now.
    await leaveSession().catch(() => {});
    end(failed);
    await release().catch(() => {});
  }
}

/** What a pass of the loop ends with when a handoff made another agent active. */
const HANDED_OFF = Symbol('handed off');

async function loop<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  input: RunInput | undefined,
  {
    maxTurns,
    mode,
    middleware,
    stopWhen,
    limits,
  }: {
    maxTurns: number;
    mode: 'generate' | 'stream';
    middleware: MiddlewareStack<TContext>;
    stopWhen: readonly StopCondition<TContext>[];
    limits: HandoffLimits;
  },
): Promise<RunResult<unknown> | { [HANDED_OFF]: true; to: ResolvedAgent<TContext> }> {
  if (input !== undefined) {
    await openConversation(agent, run, input);
    const checkpointing = saveCheckpoint(run);
    if (checkpointing) await checkpointing;
  }

  checkHandoffNames(agent);
  const offered = [
    ...(agent.registry.size > 0 ? agent.registry.toOpenAITools() : []),
    ...handoffTools(agent, run, limits),
  ];
  const tools = offered.length > 0 ? offered : undefined;
  // The API refuses parallel_tool_calls in a request without tools (400), so an agent without
  // tools leaves that setting out.
  const { parallel_tool_calls, ...toolFreeSettings } = agent.modelSettings ?? {};
  const settings = tools ? agent.modelSettings : toolFreeSettings;
  const responseFormat = agent.responseFormat;
  const callOptions = {
    model: agent.model,
    mode,
    retry: agent.retry,
    middleware: middleware.wrapModelCall,
  };
  const toolOptions = {
    registry: agent.registry,
    concurrency: agent.toolConcurrency,
    middleware: middleware.wrapToolCall,
    handoffOutcome:
      agent.handoffs.length > 0
        ? (entry: PendingToolCall) => handoffOutcome(agent, run, entry)
        : undefined,
  };

  // Each pass takes one step from where the run stands, so a run continued from a snapshot
  // picks up at the step its checkpoint was taken after.
  for (;;) {
    if (run.pending) {
      // The last reply's tool calls.
      const results = await runTools(run, toolOptions);
      if (!results) {
        run.status = 'interrupted';
        const checkpointing = saveCheckpoint(run);
        if (checkpointing) await checkpointing;
        return buildResult(run, undefined);
      }
      const calls = run.pending.length;
      run.messages.push(...results);
      run.pending = undefined;
      await endTurn(agent, run, calls);
      continue;
    }

    if (run.handoff && !run.handoff.done) {
      // The turn's calls all have results: the agent taking over gets a valid conversation.
      return { [HANDED_OFF]: true, to: await handOff(agent, run) };
    }

    if (answered(run)) {
      const result = await takeAnswer(agent, run, maxTurns);
      if (result) return result;
      continue;
    }

    // After a turn that did not end the run, and before maxTurns: a condition that holds after
    // the last allowed turn ends the run normally.
    if (stopWhen.length > 0) {
      const stopped = await checkStop(run, stopWhen, agent.output);
      if (stopped) {
        await saveCheckpoint(run);
        return stopped;
      }
    }

    // A model call.
    let finalCall = run.turn >= maxTurns;
    if (finalCall && agent.onMaxTurns === 'throw') {
      throw new MaxTurnsExceededError({ maxTurns, result: partialResult(run) });
    }
    run.turn += 1;
    if (run.bus.wants('turn:start')) {
      run.bus.emit({ type: 'turn:start', runId: run.runId, turn: run.turn });
    }
    const messages = agent.memory
      ? await fitToBudget(run, agent.memory, tools)
      : messagesToSend(run);
    // The tree's budget: a stop throws, or asks for one last call without tools.
    if (enterModelCall(run as ActiveRun<unknown>, messages, tools, agent.model.name)) {
      finalCall = true;
    }
    const request: ModelRequest = {
      ...settings,
      messages,
      ...(tools ? { tools } : {}),
      ...(tools && finalCall ? { tool_choice: 'none' as const } : {}),
      ...(tools && !finalCall && agent.toolChoice ? { tool_choice: agent.toolChoice } : {}),
      ...(responseFormat ? { response_format: responseFormat } : {}),
    };
    const response = await callModelThroughMiddleware(run, request, callOptions);
    run.finishReason = response.finishReason;
    const calls = finalCall
      ? []
      : withUniqueToolCallIds(response.message.tool_calls ?? [], run.messages);
    run.messages.push(toAssistantMessage(response, calls));
    run.handoff = undefined;
    if (calls.length > 0) {
      run.pending = calls.map((call) => ({
        toolCallId: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
        status: 'waiting' as const,
      }));
      decideHandoff(agent, run, run.pending, limits);
    }
    const checkpointing = saveCheckpoint(run);
    if (checkpointing) await checkpointing;
  }
}
