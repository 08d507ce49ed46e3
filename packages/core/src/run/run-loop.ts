import type { ToolRegistry } from '@agentloop/tools';
import type { ChatCompletionToolChoiceOption } from 'openai/resources/chat/completions';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import type { Instructions, OutputSchema, RunInput, RunOptions } from '../agent/agent-options.js';
import type { StreamSink } from '../agent/agent-stream.js';
import {
  ConfigurationError,
  DeadlineExceededError,
  MaxTurnsExceededError,
  RunAbortedError,
} from '../errors/errors.js';
import { type AgentListeners, EventBus } from '../events/event-bus.js';
import { middlewareOfLevel } from '../middleware/interceptor-middleware.js';
import type { Middleware } from '../middleware/middleware.js';
import { type MiddlewareStack, middlewareStack } from '../middleware/middleware-stack.js';
import type { Model, ModelRequest, ModelSettings } from '../models/model.js';
import type { RetryOptions } from '../models/retry.js';
import { emptyUsage } from '../models/usage.js';
import { raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { checkStop } from './check-stop.js';
import { resolveInstructions, toAssistantMessage, toMessages } from './messages.js';
import { callModelThroughMiddleware } from './model-call-chain.js';
import { type ModelTimeouts, resolveModelTimeouts } from './model-timeouts.js';
import { runThroughMiddleware } from './run-chain.js';
import { startDeadline } from './run-deadline.js';
import { buildResult, partialResult, toError } from './run-outcome.js';
import type { RunResult } from './run-result.js';
import { runSignal } from './run-signal.js';
import { runTools } from './run-tools.js';
import {
  enterSession,
  fitToBudget,
  loadHistory,
  messagesToSend,
  type ResolvedMemory,
  saveTurn,
} from './session-memory.js';
import { type StopCondition, stopConditions } from './stop-when.js';
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
  /** The agent's middleware, its `beforeModel` / `beforeTool` shortcuts first. */
  middleware: readonly Middleware<TContext>[];
  stopWhen: readonly StopCondition<TContext>[];
  listeners: AgentListeners;
}

/** How a run is executed: a plain call, or streamed with a sink receiving every event. */
export interface ExecuteOptions {
  mode: 'generate' | 'stream';
  sink?: StreamSink;
  /** Aborted by the stream's consumer when it stops reading. */
  internalSignal?: AbortSignal;
}

/**
 * Runs the loop: instructions, history, then turns of (trim, model call, tools) until the model
 * answers without tool calls. Every step lives in its own module; this function wires them.
 * Exactly one of `run:end` / `run:error` ends the run.
 */
export async function executeRun<TContext>(
  agent: ResolvedAgent<TContext>,
  input: RunInput,
  options: RunOptions<TContext>,
  { mode, sink, internalSignal }: ExecuteOptions,
): Promise<RunResult<unknown>> {
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
  const state: ActiveRun<TContext> = {
    runId: `run_${crypto.randomUUID()}`,
    agent: agent.name,
    context: options.context as TContext,
    signal,
    bus,
    sessionId: options.sessionId,
    timeouts: resolveModelTimeouts(mode, agent.timeouts, options.timeouts),
    consumerReady: sink ? () => sink.ready() : undefined,
    turn: 0,
    messages: [],
    firstNew: 0,
    saved: 0,
    usage: emptyUsage(),
    toolCalls: [],
    finishReason: null,
    text: '',
    partialText: undefined,
    summary: undefined,
  };
  bus.emit({
    type: 'run:start',
    runId: state.runId,
    turn: 0,
    agent: agent.name,
    input,
    ...(options.sessionId !== undefined ? { sessionId: options.sessionId } : {}),
  });

  let failed = true;
  let leaveSession = () => {};
  try {
    signal.throwIfAborted();
    leaveSession = await enterSession(state, agent.memory);
    const middleware = middlewareStack(
      agent.middleware,
      middlewareOfLevel({ ...options.hooks, middleware: options.middleware }),
    );
    const result = await runThroughMiddleware(state, input, middleware.wrapRun, () =>
      loop(agent, state, input, {
        maxTurns: options.maxTurns ?? agent.maxTurns,
        mode,
        middleware,
        stopWhen: [...agent.stopWhen, ...stopConditions(options.stopWhen)],
      }),
    );
    failed = false;
    bus.emit({ type: 'run:end', runId: state.runId, turn: state.turn, result });
    return result;
  } catch (caught) {
    const error = !signal.aborted
      ? toError(caught)
      : deadline.passed(signal.reason)
        ? new DeadlineExceededError({
            deadlineMs: options.deadlineMs ?? 0,
            result: partialResult(state),
            cause: caught,
          })
        : new RunAbortedError({
            reason: signal.reason,
            result: partialResult(state),
            cause: caught,
          });
    bus.emit({ type: 'run:error', runId: state.runId, turn: state.turn, error });
    throw error;
  } finally {
    deadline.clear();
    leaveSession();
    end(failed);
  }
}

async function loop<TContext>(
  agent: ResolvedAgent<TContext>,
  state: ActiveRun<TContext>,
  input: RunInput,
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
  const instructions = await resolveInstructions(agent.instructions, state);
  const history = await loadHistory(state, agent.memory);
  state.messages = [...(instructions ? [instructions] : []), ...history];
  // Instructions are never stored and history is stored already: both count as saved.
  state.firstNew = state.saved = state.messages.length;
  state.messages.push(...toMessages(input));
  if (state.messages.length === 0) {
    // The API refuses a request without messages (400); say what to pass instead.
    throw new ConfigurationError(
      `Agent "${agent.name}" has no messages to send: the input is an empty array, there are no instructions${state.sessionId === undefined ? '' : `, and session "${state.sessionId}" has no history`}. Pass a user message, e.g. agent.run('...').`,
      { option: 'input' },
    );
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
  let repairs = 0;

  for (;;) {
    // After a turn that did not end the run, and before maxTurns: a condition that holds after
    // the last allowed turn ends the run normally.
    if (stopWhen.length > 0) {
      const stopped = await checkStop(state, stopWhen, agent.output);
      if (stopped) return stopped;
    }
    const finalCall = state.turn >= maxTurns;
    if (finalCall && agent.onMaxTurns === 'throw') {
      throw new MaxTurnsExceededError({ maxTurns, result: partialResult(state) });
    }
    state.turn += 1;
    if (state.bus.wants('turn:start')) {
      state.bus.emit({ type: 'turn:start', runId: state.runId, turn: state.turn });
    }

    const request: ModelRequest = {
      ...settings,
      messages: agent.memory
        ? await fitToBudget(state, agent.memory, tools)
        : messagesToSend(state),
      ...(tools ? { tools } : {}),
      ...(tools && finalCall ? { tool_choice: 'none' as const } : {}),
      ...(tools && !finalCall && agent.toolChoice ? { tool_choice: agent.toolChoice } : {}),
      ...(responseFormat ? { response_format: responseFormat } : {}),
    };
    const response = await callModelThroughMiddleware(state, request, callOptions);
    state.finishReason = response.finishReason;
    const calls = finalCall
      ? []
      : withUniqueToolCallIds(response.message.tool_calls ?? [], state.messages);
    state.messages.push(toAssistantMessage(response, calls));

    if (calls.length > 0) {
      const results = await runTools(state, calls, {
        ...toolOptions,
        truncated: response.finishReason === 'length',
      });
      state.messages.push(...results);
      await endTurn(agent, state, calls.length);
      continue;
    }

    state.text = response.message.content ?? '';
    if (finalCall && state.text === '') {
      throw new MaxTurnsExceededError({ maxTurns, result: partialResult(state) });
    }
    if (agent.output) {
      if (response.message.refusal) throw refusedOutputError(response.message.refusal, repairs);
      const checked = await checkOutput(agent.output, state.text);
      if (checked.ok) {
        await endTurn(agent, state, 0);
        return buildResult(state, checked.value);
      }
      // A reply cut off by the token limit or a filter cannot be repaired by asking again.
      const incomplete =
        response.finishReason === 'length' || response.finishReason === 'content_filter';
      if (incomplete || finalCall || repairs >= agent.maxOutputRepairs) {
        throw checked.error({ repairs, finishReason: response.finishReason });
      }
      repairs += 1;
      state.messages.push(repairMessage(checked.issues));
      await endTurn(agent, state, 0);
      continue;
    }
    await endTurn(agent, state, 0);
    return buildResult(state, state.text);
  }
}

async function endTurn<TContext>(
  agent: ResolvedAgent<TContext>,
  state: ActiveRun<TContext>,
  toolCalls: number,
): Promise<void> {
  const saving = saveTurn(state, agent.memory);
  if (saving) await raceAbort(saving, state.signal);
  // The last check before the answer is returned: an abort during the turn (a listener, an
  // output check) must not end in run:end.
  state.signal.throwIfAborted();
  if (state.bus.wants('turn:end')) {
    state.bus.emit({
      type: 'turn:end',
      runId: state.runId,
      turn: state.turn,
      finishReason: state.finishReason,
      toolCalls,
    });
  }
}
