import { ToolRegistry } from '@agentloop/tools';
import type { AgentOptions, RunInput, RunOptions } from './agent-options.js';
import { AgentStream, type StreamOptions } from './agent-stream.js';
import { validateAgentOptions, validateRunInput, validateRunOptions } from './agent-validation.js';
import { AgentListeners } from './event-bus.js';
import type { AgentEvent, AgentEventType, EventListener } from './events.js';
import type { Model } from './model.js';
import { openai } from './openai-model.js';
import { executeRun, type ResolvedAgent } from './run/run-loop.js';
import { resolveMemory } from './run/session-memory.js';
import { outputResponseFormat } from './run/structured-output.js';
import type { RunResult } from './run-result.js';

/** The default of `toolConcurrency`. */
export const DEFAULT_TOOL_CONCURRENCY = 8;
/** The default of `maxTurns`. */
export const DEFAULT_MAX_TURNS = 10;
/** The default of `maxOutputRepairs`. */
export const DEFAULT_MAX_OUTPUT_REPAIRS = 2;

/** A listener for `agent.on('*', ...)`: every event of every run. */
export type AnyEventListener = (event: AgentEvent) => unknown;

/**
 * An LLM agent: instructions, a model and tools, run in a loop until the model answers.
 *
 * One agent serves any number of concurrent runs: it holds configuration and listeners only,
 * never per-run state. Configuration faults throw `ConfigurationError` here, not at the first run.
 *
 * @typeParam TContext - the user context handed to instructions, tools and interceptors.
 * @typeParam TOutput - the structured output type, inferred from `output`; the text otherwise.
 * @example
 * ```ts
 * const agent = new Agent({ name: 'weather', model: 'gpt-4o-mini', tools: [getWeather] });
 * agent.on('tool:start', (e) => console.log('calling', e.name));
 * const result = await agent.run('Weather in Paris and Oslo?');
 * console.log(result.text, result.usage);
 * ```
 */
export class Agent<TContext = unknown, TOutput = string> {
  /** The agent's name, as given. */
  readonly name: string;
  /** The model the agent calls. */
  readonly model: Model;
  /** The agent's tools. */
  readonly tools: ToolRegistry<TContext>;
  readonly #listeners: AgentListeners;
  readonly #config: ResolvedAgent<TContext>;

  /** @param options - see {@link AgentOptions}. */
  constructor(options: AgentOptions<TContext, TOutput>) {
    validateAgentOptions(options);
    this.name = options.name;
    this.model = typeof options.model === 'string' ? openai(options.model) : options.model;
    this.tools =
      options.tools instanceof ToolRegistry
        ? options.tools
        : new ToolRegistry<TContext>(options.tools ?? []);
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
      beforeModel: options.beforeModel,
      beforeTool: options.beforeTool,
      listeners: this.#listeners,
    };
  }

  /**
   * Runs the agent to its answer.
   *
   * @param input - a user message, or messages to append to the conversation.
   * @param options - `signal`, `context`, `sessionId`, `hooks`, `maxTurns`, `timeouts`,
   * `deadlineMs`.
   * @returns the result; rejects with `MaxTurnsExceededError`, `RunAbortedError`,
   * `DeadlineExceededError`, `OutputValidationError`, `ModelError` or `ContextOverflowError`
   * (each an `AgentError`).
   */
  async run(input: RunInput, options: RunOptions<TContext> = {}): Promise<RunResult<TOutput>> {
    validateRunInput(input);
    validateRunOptions(this.name, options);
    const result = await executeRun(this.#config, input, options, { mode: 'generate' });
    return result as RunResult<TOutput>;
  }

  /**
   * Runs the agent, streaming every event as it happens, including `text:delta` and
   * `tool:args`. Iterate it with `for await`; `stream.result` resolves to the same
   * `RunResult` as `run()`. Breaking out of the loop aborts the run. A slow consumer pauses the
   * model's stream instead of buffering it (see {@link AgentStream}); `toSSEResponse` and
   * `pipeSSEToResponse` serve it over HTTP.
   *
   * @param input - a user message, or messages to append to the conversation.
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
  stream(input: RunInput, options: StreamOptions<TContext> = {}): AgentStream<TOutput> {
    validateRunInput(input);
    validateRunOptions(this.name, options);
    const { highWaterMark, ...runOptions } = options;
    return new AgentStream<TOutput>(
      (sink, internalSignal) =>
        executeRun(this.#config, input, runOptions, { mode: 'stream', sink, internalSignal }).then(
          (result) => result as RunResult<TOutput>,
        ),
      highWaterMark === undefined ? {} : { highWaterMark },
    );
  }

  /** Listens to one event type of every run, or to every event with `'*'`. */
  on<TType extends AgentEventType>(type: TType, listener: EventListener<TType>): this;
  on(type: '*', listener: AnyEventListener): this;
  on(type: string, listener: (event: AgentEvent) => unknown): this {
    this.#listeners.on(type, listener);
    return this;
  }

  /** Listens to the next event of one type (or `'*'`), then stops listening. */
  once<TType extends AgentEventType>(type: TType, listener: EventListener<TType>): this;
  once(type: '*', listener: AnyEventListener): this;
  once(type: string, listener: (event: AgentEvent) => unknown): this {
    this.#listeners.once(type, listener);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  off<TType extends AgentEventType>(type: TType, listener: EventListener<TType>): this;
  off(type: '*', listener: AnyEventListener): this;
  off(type: string, listener: (event: AgentEvent) => unknown): this {
    this.#listeners.off(type, listener);
    return this;
  }
}
