import type { ToolRegistry } from '@agentloop/tools';
import type { ChatCompletionToolChoiceOption } from 'openai/resources/chat/completions';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import type {
  Instructions,
  OutputSchema,
  RunHooks,
  RunInput,
  RunOptions,
} from '../agent/agent-options.js';
import type { StreamSink } from '../agent/agent-stream.js';
import {
  ConfigurationError,
  DeadlineExceededError,
  MaxTurnsExceededError,
  RunAbortedError,
} from '../errors/errors.js';
import { RunStateError } from '../errors/run-state-error.js';
import { type AgentListeners, EventBus } from '../events/event-bus.js';
import type { BeforeModel, BeforeTool } from '../middleware/interceptors.js';
import type { Model, ModelRequest, ModelSettings } from '../models/model.js';
import type { RetryOptions } from '../models/retry.js';
import { raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { callModel } from './call-model.js';
import { checkpointer, snapshotOf } from './checkpoint.js';
import { contentText, resolveInstructions, toAssistantMessage, toMessages } from './messages.js';
import { type ModelTimeouts, resolveModelTimeouts } from './model-timeouts.js';
import { checkResumable } from './resumable.js';
import { claimRun } from './run-claims.js';
import { startDeadline } from './run-deadline.js';
import { buildResult, partialResult, toError } from './run-outcome.js';
import { freshProgress, restoreProgress } from './run-progress.js';
import type { RunResult } from './run-result.js';
import { runSignal } from './run-signal.js';
import type { RunSnapshot } from './run-snapshot.js';
import { type RunState, snapshotOfState } from './run-state.js';
import type { RunStore } from './run-store.js';
import { runTools } from './run-tools.js';
import {
  enterSession,
  fitToBudget,
  loadHistory,
  messagesToSend,
  type ResolvedMemory,
  saveTurn,
} from './session-memory.js';
import { checkOutput, refusedOutputError, repairMessage } from './structured-output.js';
import { withUniqueToolCallIds } from './unique-tool-call-ids.js';

/** An agent's configuration, validated and resolved at construction. */
export interface ResolvedAgent<TContext> {
  name: string;
  instructions: Instructions<TContext> | undefined;
  model: Model;
  registry: ToolRegistry<TContext>;
  modelSettings: ModelSettings | undefined;
  toolChoice: ChatCompletionToolChoiceOption | undefined;
  toolConcurrency: number;
  maxTurns: number;
  onMaxTurns: 'throw' | 'final-answer';
  output: OutputSchema | undefined;
  /** The strict response format derived from `output`, built once at construction. */
  responseFormat: ResponseFormatJSONSchema | undefined;
  maxOutputRepairs: number;
  memory: ResolvedMemory | undefined;
  retry: RetryOptions | undefined;
  timeouts: ModelTimeouts | undefined;
  beforeModel: BeforeModel<TContext> | undefined;
  beforeTool: BeforeTool<TContext> | undefined;
  listeners: AgentListeners;
  runStore: RunStore | undefined;
}

/** How a run is executed: a plain call, or streamed with a sink receiving every event. */
export interface ExecuteOptions {
  mode: 'generate' | 'stream';
  sink?: StreamSink;
  /** Aborted by the stream's consumer when it stops reading. */
  internalSignal?: AbortSignal;
}

/** Where a run starts: from input, or from where an earlier run stopped. */
export type RunStart =
  | { input: RunInput }
  /** `agent.run(state)`: continue from a state the caller holds. */
  | { state: RunState }
  /** `agent.resume(runId)`: continue from the run store's latest checkpoint. */
  | { runId: string };

/**
 * Runs the loop: instructions, history, then turns of (trim, model call, tools) until the model
 * answers without tool calls or a call waits for a decision. Every step lives in its own module;
 * this function wires them. Exactly one of `run:end` / `run:error` ends the run; a state that
 * cannot be continued is refused before `run:start`.
 */
export async function executeRun<TContext>(
  agent: ResolvedAgent<TContext>,
  start: RunStart,
  options: RunOptions<TContext>,
  { mode, sink, internalSignal }: ExecuteOptions,
): Promise<RunResult<unknown>> {
  const runId =
    'runId' in start
      ? start.runId
      : 'state' in start
        ? snapshotOfState(start.state).runId
        : `run_${crypto.randomUUID()}`;
  const release = await claimRun(agent.runStore, runId);
  let snapshot: RunSnapshot | undefined;
  try {
    snapshot = 'input' in start ? undefined : await loadSnapshot(agent, start);
  } catch (error) {
    await release();
    throw error;
  }

  // The run listens to the caller's signal through a signal of its own, detached at the end,
  // so a signal shared by many runs gathers no listeners (see `runSignal`). The deadline is one
  // more source: when it passes, everything the run's signal reaches is cancelled.
  const deadline = startDeadline(options.deadlineMs);
  const { signal, end } = runSignal(
    [options.signal, internalSignal, deadline.signal].filter(
      (s): s is AbortSignal => s !== undefined,
    ),
  );
  const bus = new EventBus({
    listeners: agent.listeners,
    hooks: options.hooks,
    sink: sink ? (event) => sink.push(event) : undefined,
  });
  const run: ActiveRun<TContext> = {
    runId,
    agent: agent.name,
    context: options.context as TContext,
    signal,
    bus,
    sessionId: snapshot ? snapshot.sessionId : options.sessionId,
    timeouts: resolveModelTimeouts(mode, agent.timeouts, options.timeouts),
    consumerReady: sink ? () => sink.ready() : undefined,
    ...(snapshot ? restoreProgress(snapshot) : freshProgress()),
    partialText: undefined,
    checkpoint: checkpointer(agent.runStore, () => snapshotOf(run)),
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
  let leaveSession = () => {};
  try {
    signal.throwIfAborted();
    leaveSession = await enterSession(run, agent.memory);
    const result = await loop(agent, run, 'input' in start ? start.input : undefined, {
      maxTurns: options.maxTurns ?? agent.maxTurns,
      mode,
      hooks: options.hooks,
    });
    failed = false;
    bus.emit({ type: 'run:end', runId, turn: run.turn, status: result.status, result });
    return result;
  } catch (caught) {
    const error = !signal.aborted
      ? toError(caught)
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
    leaveSession();
    end(failed);
    await release().catch(() => {});
  }
}

/** The snapshot a run continues from, checked against the agent (a copy: the loop changes it). */
async function loadSnapshot<TContext>(
  agent: ResolvedAgent<TContext>,
  start: Exclude<RunStart, { input: RunInput }>,
): Promise<RunSnapshot> {
  let snapshot: RunSnapshot | undefined;
  if ('state' in start) {
    snapshot = structuredClone(snapshotOfState(start.state));
  } else if (agent.runStore) {
    snapshot = await agent.runStore.load(start.runId);
    if (!snapshot) {
      throw new RunStateError(
        `Run "${start.runId}" has no checkpoint in the run store of agent "${agent.name}": it never ran with this store, or was deleted. Check the run id and the store's location.`,
        { code: 'run_not_found', runId: start.runId },
      );
    }
  } else {
    throw new ConfigurationError(
      `agent.resume("${start.runId}") needs a run store to load the run from: create agent "${agent.name}" with { runStore } (InMemoryRunStore, or FileRunStore from @agentloop/core/node), or continue from a state with agent.run(state).`,
      { option: 'runStore' },
    );
  }
  checkResumable(agent, snapshot);
  return snapshot;
}

async function loop<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  input: RunInput | undefined,
  {
    maxTurns,
    mode,
    hooks,
  }: { maxTurns: number; mode: 'generate' | 'stream'; hooks: RunHooks<TContext> | undefined },
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
    beforeModel: [agent.beforeModel, hooks?.beforeModel].filter(isDefined),
  };
  const toolOptions = {
    registry: agent.registry,
    concurrency: agent.toolConcurrency,
    beforeTool: [agent.beforeTool, hooks?.beforeTool].filter(isDefined),
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

    const last = run.messages.at(-1);
    if (run.turn > 0 && last?.role === 'assistant' && !last.tool_calls?.length) {
      // The model answered.
      const finalCall = run.turn > maxTurns;
      run.text = contentText(last.content);
      if (finalCall && run.text === '') {
        throw new MaxTurnsExceededError({ maxTurns, result: partialResult(run) });
      }
      if (!agent.output) {
        run.status = 'completed';
        await endTurn(agent, run, 0);
        return buildResult(run, run.text);
      }
      if (last.refusal) throw refusedOutputError(last.refusal, run.repairs);
      const checked = await checkOutput(agent.output, run.text);
      if (checked.ok) {
        run.status = 'completed';
        await endTurn(agent, run, 0);
        return buildResult(run, checked.value);
      }
      // A reply cut off by the token limit or a filter cannot be repaired by asking again.
      const incomplete = run.finishReason === 'length' || run.finishReason === 'content_filter';
      if (incomplete || finalCall || run.repairs >= agent.maxOutputRepairs) {
        throw checked.error({ repairs: run.repairs, finishReason: run.finishReason });
      }
      run.repairs += 1;
      run.messages.push(repairMessage(checked.issues));
      await endTurn(agent, run, 0);
      continue;
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
    const response = await callModel(run, request, callOptions);
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

/** The conversation of a new run: instructions, the session's history, then the input. */
async function openConversation<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  input: RunInput,
): Promise<void> {
  const instructions = await resolveInstructions(agent.instructions, run);
  const history = await loadHistory(run, agent.memory);
  run.messages = [...(instructions ? [instructions] : []), ...history];
  // Instructions are never stored and history is stored already: both count as saved.
  run.firstNew = run.saved = run.messages.length;
  run.messages.push(...toMessages(input));
  if (run.messages.length === 0) {
    // The API refuses a request without messages (400); say what to pass instead.
    throw new ConfigurationError(
      `Agent "${agent.name}" has no messages to send: the input is an empty array, there are no instructions${run.sessionId === undefined ? '' : `, and session "${run.sessionId}" has no history`}. Pass a user message, e.g. agent.run('...').`,
      { option: 'input' },
    );
  }
}

/** Checkpoints the run, cut short by an abort; `undefined` (no tick to wait) without a store. */
function saveCheckpoint<TContext>(run: ActiveRun<TContext>): Promise<void> | undefined {
  const saving = run.checkpoint();
  return saving && raceAbort(saving, run.signal);
}

async function endTurn<TContext>(
  agent: ResolvedAgent<TContext>,
  run: ActiveRun<TContext>,
  toolCalls: number,
): Promise<void> {
  const saving = saveTurn(run, agent.memory);
  if (saving) await raceAbort(saving, run.signal);
  // The last check before the answer is returned: an abort during the turn (a listener, an
  // output check) must not end in run:end.
  run.signal.throwIfAborted();
  const checkpointing = saveCheckpoint(run);
  if (checkpointing) await checkpointing;
  if (run.bus.wants('turn:end')) {
    run.bus.emit({
      type: 'turn:end',
      runId: run.runId,
      turn: run.turn,
      finishReason: run.finishReason,
      toolCalls,
    });
  }
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
