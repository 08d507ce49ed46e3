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
import type { ActiveRun } from './active-run.js';
import { answered, takeAnswer } from './answer-step.js';
import { checkStop } from './check-stop.js';
import { checkpointer, snapshotOf } from './checkpoint.js';
import { endTurn, saveCheckpoint } from './end-turn.js';
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
import type { RunSnapshot } from './run-snapshot.js';
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
  { mode, sink, internalSignal }: ExecuteOptions,
): Promise<RunResult<unknown>> {
  // A run's own store (a queue worker's) stands in for the agent's, for this run only.
  const agent = options.runStore ? { ...resolved, runStore: options.runStore } : resolved;
  const runId =
    'runId' in start
      ? start.runId
      : 'state' in start
        ? snapshotOfState(start.state).runId
        : (options.runId ?? `run_${crypto.randomUUID()}`);
  const held = await claimRun(agent.runStore, runId);
  const release = held.release;
  let snapshot: RunSnapshot | undefined;
  try {
    snapshot = 'input' in start ? undefined : await loadSnapshot(agent, start);
  } catch (error) {
    await release();
    throw error;
  }

  // The run listens to the caller's signal through a signal of its own, detached at the end,
  // so a signal shared by many runs gathers no listeners (see `runSignal`). The deadline is one
  // more source: when it passes, everything the run's signal reaches is cancelled; and so is a
  // claim that can be lost.
  const deadline = startDeadline(options.deadlineMs);
  const { signal, end } = runSignal(
    [options.signal, internalSignal, deadline.signal, held.signal].filter(
      (s): s is AbortSignal => s !== undefined,
    ),
  );
  const bus = new EventBus({
    listeners: agent.listeners,
    hooks: options.hooks,
    observers: middlewareEvents(agent.middleware, options.middleware),
    sink: sink ? (event) => sink.push(event) : undefined,
  });
  const run: ActiveRun<TContext> = {
    runId,
    agent: agent.name,
    context: options.context as TContext,
    signal,
    bus,
    sessionId: snapshot ? snapshot.sessionId : options.sessionId,
    sessionLease: undefined,
    timeouts: resolveModelTimeouts(mode, agent.timeouts, options.timeouts),
    consumerReady: sink ? () => sink.ready() : undefined,
    ...(snapshot ? restoreProgress(snapshot) : freshProgress()),
    partialText: undefined,
    checkpoint: checkpointer(held.save, () => snapshotOf(run)),
  };
  bus.emit({
    type: 'run:start',
    runId,
    turn: run.turn,
    agent: agent.name,
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
    const middleware = middlewareStack(
      agent.middleware,
      middlewareOfLevel({ ...options.hooks, middleware: options.middleware }),
    );
    const result = await runThroughMiddleware(run, input, middleware.wrapRun, () =>
      loop(agent, run, input, {
        maxTurns: options.maxTurns ?? agent.maxTurns,
        mode,
        middleware,
        stopWhen: [...agent.stopWhen, ...stopConditions(options.stopWhen)],
      }),
    );
    failed = false;
    bus.emit({ type: 'run:end', runId, turn: run.turn, status: result.status, result });
    return result;
  } catch (caught) {
    const error = !signal.aborted
      ? toError(caught)
      : held.signal?.aborted
        ? // The claim was lost (another worker holds the run now): its own error says so.
          toError(held.signal.reason)
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

async function loop<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  input: RunInput | undefined,
  {
    maxTurns,
    mode,
    middleware,
    stopWhen,
  }: {
    maxTurns: number;
    mode: 'generate' | 'stream';
    middleware: MiddlewareStack<TContext>;
    stopWhen: readonly StopCondition<TContext>[];
  },
): Promise<RunResult<unknown>> {
  if (input !== undefined) {
    await openConversation(agent, run, input);
    const checkpointing = saveCheckpoint(run);
    if (checkpointing) await checkpointing;
  }

  const tools = agent.registry.size > 0 ? agent.registry.toOpenAITools() : undefined;
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
    const finalCall = run.turn >= maxTurns;
    if (finalCall && agent.onMaxTurns === 'throw') {
      throw new MaxTurnsExceededError({ maxTurns, result: partialResult(run) });
    }
    run.turn += 1;
    if (run.bus.wants('turn:start')) {
      run.bus.emit({ type: 'turn:start', runId: run.runId, turn: run.turn });
    }
    const request: ModelRequest = {
      ...settings,
      messages: agent.memory ? await fitToBudget(run, agent.memory, tools) : messagesToSend(run),
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
    if (calls.length > 0) {
      run.pending = calls.map((call) => ({
        toolCallId: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
        status: 'waiting' as const,
      }));
    }
    const checkpointing = saveCheckpoint(run);
    if (checkpointing) await checkpointing;
  }
}
