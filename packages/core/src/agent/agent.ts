import { type Tool, type ToolParameters, ToolRegistry } from '@agentloop/tools';
import { AgentListeners } from '../events/event-bus.js';
import type { AgentEvent, AgentEventType, EventListener } from '../events/events.js';
import { middlewareOfLevel } from '../middleware/interceptor-middleware.js';
import type { BeforeTool } from '../middleware/interceptors.js';
import type { Middleware } from '../middleware/middleware.js';
import type { Model } from '../models/model.js';
import { openai } from '../models/openai-model.js';
import { registerAgentConfig } from '../run/agent-registry.js';
import { checkResumable } from '../run/resumable.js';
import { executeRun, type ResolvedAgent, type RunStart } from '../run/run-loop.js';
import type { RunResult } from '../run/run-result.js';
import { RunState, snapshotOfState } from '../run/run-state.js';
import { resolveMemory } from '../run/session-memory.js';
import { type StopCondition, stopConditions } from '../run/stop-when.js';
import { outputResponseFormat } from '../run/structured-output.js';
import type { AgentOptions, RunInput, RunOptions } from './agent-options.js';
import { AgentStream, type StreamOptions } from './agent-stream.js';
import { type AgentToolOptions, type ArgsOf, agentTool } from './agent-tool.js';
import {
  validateAgentOptions,
  validateRunId,
  validateRunInput,
  validateRunOptions,
} from './agent-validation.js';
import { type Handoff, type HandoffItem, toHandoffs } from './handoff.js';
import { validateStopTools } from './hook-validation.js';
import type { ToolList } from './tool-calls.js';

/** The default of `toolConcurrency`. */
export const DEFAULT_TOOL_CONCURRENCY = 8;
/** The default of `maxTurns`. */
export const DEFAULT_MAX_TURNS = 10;
/** The default of `maxOutputRepairs`. */
export const DEFAULT_MAX_OUTPUT_REPAIRS = 2;
/** The default of `maxHandoffs`. */
export const DEFAULT_MAX_HANDOFFS = 10;

/**
 * A listener for `agent.on('*', ...)`: every event of every run.
 *
 * @typeParam TTools - The agent's tools, which type the tool events.
 */
export type AnyEventListener<TTools extends ToolList = ToolList> = (
  event: AgentEvent<TTools>,
) => unknown;

/** How listeners are kept: the events of every agent, whatever its tools. */
type StoredListener = (event: AgentEvent) => unknown;

/**
 * An LLM agent: instructions, a model and tools, run in a loop until the model answers.
 *
 * One agent serves any number of concurrent runs: it holds configuration and listeners only,
 * never per-run state. Configuration faults throw `ConfigurationError` here, not at the first run.
 *
 * **Typed tool calls.** The tools of a `tools` list type the agent's `tool:start` and
 * `tool:end` events, `RunResult.toolCalls` and `beforeTool`: narrow on `name`, then on
 * `outcome.ok`, to get a tool's result (`outcome.value`) and validated arguments
 * (`outcome.args`; `tool:start`'s `args` and `beforeTool`'s `call.args`, validated before
 * either sees them). A name the model invented stays possible in `tool:end` and the results, as
 * a failed outcome (`unknown_tool`). `ToolCallRecord.arguments`, as the model sent them, stays
 * `unknown`. Tools given as a `ToolRegistry`, or added to `agent.tools` after construction, are
 * not in the types.
 *
 * **Context.** Without type arguments the context type comes from the tools (a tool made with
 * `tool.withContext<C>()` or an annotated `ctx`). `new Agent<C>({ ... })` fixes it and types
 * inline tools' `ctx.context`, but then the tools are not inferred (TypeScript infers all type
 * arguments or none): the tool events have the wide types unless you also pass the tools' type,
 * `new Agent<C, string, typeof tools>`.
 *
 * @typeParam TContext - the user context handed to instructions, tools and interceptors.
 * @typeParam TOutput - the structured output type, inferred from `output`; the text otherwise.
 * @typeParam TTools - the tools, inferred from a `tools` list; any tools by default.
 * @example
 * ```ts
 * const agent = new Agent({ name: 'weather', model: 'gpt-4o-mini', tools: [getWeather] });
 * agent.on('tool:end', (e) => {
 *   if (e.name === 'get_weather' && e.outcome.ok) console.log(e.outcome.value.tempC);
 * });
 * const result = await agent.run('Weather in Paris and Oslo?');
 * console.log(result.text, result.usage);
 * ```
 */
export class Agent<TContext = unknown, TOutput = string, TTools extends ToolList = ToolList> {
  /** The agent's name, as given. */
  readonly name: string;
  /** The model the agent calls. */
  readonly model: Model;
  /** The agent's tools. Tools registered here after construction are not in the agent's types. */
  readonly tools: ToolRegistry<TContext>;
  /** What the model reads about a handoff to this agent, as given. */
  readonly handoffDescription: string | undefined;
  readonly #handoffs: Handoff<TContext>[];
  readonly #listeners: AgentListeners;
  readonly #config: ResolvedAgent<TContext>;

  /** @param options - see {@link AgentOptions}. */
  constructor(options: AgentOptions<TContext, TOutput, TTools>) {
    validateAgentOptions(options);
    this.name = options.name;
    this.model = typeof options.model === 'string' ? openai(options.model) : options.model;
    this.tools =
      options.tools instanceof ToolRegistry
        ? options.tools
        : new ToolRegistry<TContext>(options.tools ?? []);
    this.handoffDescription = options.handoffDescription;
    this.#handoffs = [];
    if (options.handoffs !== undefined) this.addHandoffs(...(options.handoffs as never[]));
    this.#listeners = new AgentListeners(options.onListenerError);
    this.#config = {
      name: options.name,
      instructions: options.instructions,
      model: this.model,
      registry: this.tools,
      modelSettings: options.modelSettings,
      toolChoice: options.toolChoice,
      toolConcurrency: options.toolConcurrency ?? DEFAULT_TOOL_CONCURRENCY,
      maxTurns: options.maxTurns ?? DEFAULT_MAX_TURNS,
      onMaxTurns: options.onMaxTurns ?? 'throw',
      output: options.output,
      responseFormat: options.output
        ? outputResponseFormat(options.output, options.name)
        : undefined,
      maxOutputRepairs: options.maxOutputRepairs ?? DEFAULT_MAX_OUTPUT_REPAIRS,
      memory: resolveMemory(options.memory, this.model, options.modelSettings),
      retry: options.retry,
      timeouts: options.timeouts,
      // Asked only about the agent's own tools, whose names the typed hooks know.
      middleware: middlewareOfLevel({
        beforeModel: options.beforeModel,
        beforeTool: options.beforeTool as BeforeTool<TContext> | undefined,
        middleware: options.middleware as readonly Middleware<TContext>[] | undefined,
      }),
      stopWhen: stopConditions(
        options.stopWhen as
          | StopCondition<TContext>
          | readonly StopCondition<TContext>[]
          | undefined,
      ),
      listeners: this.#listeners,
      runStore: options.runStore,
      handoffs: this.#handoffs,
      maxHandoffs: options.maxHandoffs ?? DEFAULT_MAX_HANDOFFS,
      onMaxHandoffs: options.onMaxHandoffs ?? 'throw',
    };
    registerAgentConfig(this, this.#config);
  }

  /** The agents this one may hand the conversation to, as handoffs (see `handoffs`). */
  get handoffs(): readonly Handoff<TContext>[] {
    return [...this.#handoffs];
  }

  /**
   * Adds handoffs after construction: how two agents come to hand to each other (`a.addHandoffs(b)`
   * once both exist). Checked as the `handoffs` option is.
   *
   * @param handoffs - agents, or `handoff(agent, options)`.
   * @returns the agent.
   * @throws ConfigurationError for an entry that is not an agent or handoff, or a tool name that
   *   one of the agent's tools or handoffs already has.
   */
  addHandoffs(...handoffs: readonly HandoffItem<NoInfer<TContext>>[]): this {
    const made = toHandoffs<TContext>(
      this.name,
      handoffs,
      this.#handoffs,
      this.tools.list().map((t) => t.name),
    );
    this.#handoffs.push(...made);
    return this;
  }

  /**
   * Runs the agent to its answer, or until a tool call waits for an approval.
   *
   * @param input - a user message, or messages to append to the conversation; or a `RunState`
   * (an interrupted run's `result.state`, or `RunState.parse(text)`) to continue that run once its
   * interruptions are decided.
   * @param options - `signal`, `context`, `sessionId`, `hooks`, `maxTurns`, `timeouts`,
   * `deadlineMs`. A continued run keeps its own `sessionId`.
   * @returns the result: `status: 'completed'` with the answer, or `'interrupted'` with
   * `interruptions` and the `state` to continue from. Rejects with `MaxTurnsExceededError`,
   * `RunAbortedError`, `DeadlineExceededError`, `OutputValidationError`, `ModelError`,
   * `ContextOverflowError`, or `RunStateError` for a state this agent cannot continue (each an
   * `AgentError`).
   * @example
   * ```ts
   * let result = await agent.run('Refund order 42');
   * while (result.status === 'interrupted') {
   *   for (const i of result.interruptions) result.state.approve(i);
   *   result = await agent.run(result.state);
   * }
   * ```
   */
  async run(
    input: RunInput | RunState,
    options: RunOptions<TContext, TTools> = {},
  ): Promise<RunResult<TOutput, TTools>> {
    const start = this.#start(input);
    validateRunOptions(this.name, options);
    validateStopTools(this.name, this.#config.stopWhen, options.stopWhen, this.tools);
    const result = await executeRun(this.#config, start, asRunOptions(options), {
      mode: 'generate',
    });
    return typedResult<TOutput, TTools>(result);
  }

  /**
   * Continues a run from the run store's latest checkpoint: after its process died, or from
   * another process. Calls recorded done never run again; a call recorded started but not done
   * runs again only when its tool is `idempotent` (with the same `ctx.idempotencyKey`), and
   * otherwise becomes an `unknown_outcome` interruption for a person to decide.
   *
   * @param runId - the run's id (`result.runId`, or any of its events').
   * @param options - the options of `run()`.
   * @returns as `run()`. Rejects with `RunStateError`: `run_not_found` (no checkpoint),
   * `run_completed`, `run_in_progress` (it is going on elsewhere), `run_state_agent_mismatch`;
   * and with `ConfigurationError` when the agent has no `runStore`.
   */
  async resume(
    runId: string,
    options: RunOptions<TContext, TTools> = {},
  ): Promise<RunResult<TOutput, TTools>> {
    validateRunId(runId);
    validateRunOptions(this.name, options);
    validateStopTools(this.name, this.#config.stopWhen, options.stopWhen, this.tools);
    const result = await executeRun(this.#config, { runId }, asRunOptions(options), {
      mode: 'generate',
    });
    return typedResult<TOutput, TTools>(result);
  }

  /**
   * Runs the agent, streaming every event as it happens, including `text:delta` and
   * `tool:args`. Iterate it with `for await`; `stream.result` resolves to the same
   * `RunResult` as `run()`. Breaking out of the loop aborts the run. A slow consumer pauses the
   * model's stream instead of buffering it (see {@link AgentStream}); `toSSEResponse` and
   * `pipeSSEToResponse` serve it over HTTP.
   *
   * @param input - a user message, messages to append to the conversation, or a `RunState` to
   * continue (as for `run()`).
   * @param options - the options of `run()`, plus `highWaterMark` (default 64 events).
   * @returns the stream; nothing runs until it is iterated (or `result` is read).
   * @example
   * ```ts
   * const stream = agent.stream('Weather in Paris?');
   * for await (const event of stream) {
   *   if (event.type === 'text:delta') process.stdout.write(event.delta);
   * }
   * console.log((await stream.result).usage);
   * ```
   */
  stream(
    input: RunInput | RunState,
    options: StreamOptions<TContext, TTools> = {},
  ): AgentStream<TOutput, TTools> {
    const start = this.#start(input);
    validateRunOptions(this.name, options);
    validateStopTools(this.name, this.#config.stopWhen, options.stopWhen, this.tools);
    const { highWaterMark, ...runOptions } = options;
    return new AgentStream<TOutput, TTools>(
      (sink, internalSignal) =>
        executeRun(this.#config, start, asRunOptions(runOptions), {
          mode: 'stream',
          sink,
          internalSignal,
        }).then((result) => typedResult<TOutput, TTools>(result)),
      highWaterMark === undefined ? {} : { highWaterMark },
    );
  }

  /**
   * This agent as a tool for another agent: a call runs this agent to its answer, as a child of
   * the calling run. The child gets the parent's signal, context and budget; its events reach
   * the parent's listeners and stream (with their own `runId`, the `parentRunId` and a `path`);
   * its usage is added to the parent's (`result.usageByAgent` splits it); a call of its tools
   * that needs an approval pauses the root run, and continuing the root's state continues the
   * child where it stopped. A child that fails is a tool fault the parent's model sees, unless it
   * was cancelled or stopped by the budget, which end the whole tree.
   *
   * @param options - `description` (required), `name` (default: the agent's name),
   * `parameters` (default `{ input: string }`), `input` (the child's input from the arguments),
   * `output` (what the parent's model sees; default `result.output`), `needsApproval`,
   * `timeoutMs`.
   * @returns a tool for another agent's `tools`.
   * @example
   * ```ts
   * const triage = new Agent({
   *   name: 'triage', model,
   *   tools: [weather.asTool({ description: 'Answers weather questions' })],
   * });
   * ```
   */
  asTool<TSchema extends ToolParameters | undefined = undefined>(
    options: AgentToolOptions<TContext, TOutput, TSchema>,
  ): Tool<ArgsOf<TSchema>, unknown, TContext> {
    return agentTool(this.#config, options);
  }

  /** Where a run starts: a state to continue (checked now), or input (checked now). */
  #start(input: RunInput | RunState): RunStart {
    if (input instanceof RunState) {
      checkResumable(this.#config, snapshotOfState(input));
      return { state: input };
    }
    validateRunInput(input);
    return { input };
  }

  /**
   * Listens to one event type of every run, or to every event with `'*'`. The tool events are
   * typed by the agent's tools: narrow `tool:end` on `name`, then on `outcome.ok`.
   */
  on<TType extends AgentEventType>(type: TType, listener: EventListener<TType, TTools>): this;
  on(type: '*', listener: AnyEventListener<TTools>): this;
  on(type: string, listener: AnyEventListener<TTools>): this {
    this.#listeners.on(type, listener as StoredListener);
    return this;
  }

  /** Listens to the next event of one type (or `'*'`), then stops listening. */
  once<TType extends AgentEventType>(type: TType, listener: EventListener<TType, TTools>): this;
  once(type: '*', listener: AnyEventListener<TTools>): this;
  once(type: string, listener: AnyEventListener<TTools>): this {
    this.#listeners.once(type, listener as StoredListener);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  off<TType extends AgentEventType>(type: TType, listener: EventListener<TType, TTools>): this;
  off(type: '*', listener: AnyEventListener<TTools>): this;
  off(type: string, listener: AnyEventListener<TTools>): this {
    this.#listeners.off(type, listener as StoredListener);
    return this;
  }
}

/*
 * The loop runs every agent with the wide types (any tool name, unknown values). A run of an
 * agent typed by its tools only ever calls those tools (any other name is refused with
 * `unknown_tool`, which the typed unions allow for), so its hooks receive, and its result holds,
 * exactly what the narrower types describe. TypeScript cannot follow that through the loop,
 * hence these two conversions at its boundary.
 */
function asRunOptions<TContext, TTools extends ToolList>(
  options: RunOptions<TContext, TTools>,
): RunOptions<TContext> {
  return options as unknown as RunOptions<TContext>;
}

function typedResult<TOutput, TTools extends ToolList>(
  result: RunResult<unknown>,
): RunResult<TOutput, TTools> {
  return result as unknown as RunResult<TOutput, TTools>;
}
