import type { MemoryStore, SessionLock, SummarizeFunction, TokenCounter } from '@agentloop/memory';
import type { AnyTool, StandardSchemaV1, ToolRegistry } from '@agentloop/tools';
import type {
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type { EventHooks, ListenerErrorHandler } from '../events/event-bus.js';
import type { BeforeModel, BeforeTool } from '../middleware/interceptors.js';
import type { Middleware } from '../middleware/middleware.js';
import type { Model, ModelSettings } from '../models/model.js';
import type { RetryOptions } from '../models/retry.js';
import type { ModelTimeouts } from '../run/model-timeouts.js';
import type { RunStore } from '../run/run-store.js';
import type { RunStopCondition, StopCondition } from '../run/stop-when.js';
import type { ToolList } from './tool-calls.js';

/**
 * A schema for the final answer: a zod v4 or zod v3 schema (anything implementing Standard
 * Schema with zod's JSON Schema support). The run's `output` is typed from it.
 */
export type OutputSchema<TOutput = unknown> = StandardSchemaV1<unknown, TOutput>;

/** The instructions (system message): fixed text, or computed per run from its context. */
export type Instructions<TContext> =
  | string
  | ((run: { context: TContext; runId: string }) => string | Promise<string>);

/** Tools an agent may call: a list (checked for duplicate names at construction) or a registry. */
export type AgentTools<TContext> = readonly AnyTool<TContext>[] | ToolRegistry<TContext>;

/** How the conversation is kept and fitted to the model's context. */
export interface MemoryOptions {
  /** Where sessions are kept. Runs with a `sessionId` load their history from it and append to it. */
  store?: MemoryStore;
  /**
   * The token budget of each request (messages, tool definitions and `reserveOutputTokens`).
   * @default the model's context window (`contextWindowFor(model)`)
   */
  maxTokens?: number;
  /**
   * Tokens kept free for the reply.
   * @default `modelSettings.max_completion_tokens` / `max_tokens` when set; else 4096, or a
   * quarter of `maxTokens` when you set a budget smaller than 16,384
   */
  reserveOutputTokens?: number;
  /** Never drop the first user message (the task), however old it is. @default false */
  keepFirstUser?: boolean;
  /** The token counter; by default one for the model's name. */
  counter?: TokenCounter;
  /**
   * Replace the turns that no longer fit by one summary message instead of dropping them:
   * `true` asks the agent's own model; or pass your own function. The summary is extended as
   * more turns are dropped, never recomputed from scratch.
   * @default off
   */
  summarize?: true | SummarizeFunction;
  /** The most tokens the summary may take. @default 1000 */
  maxSummaryTokens?: number;
  /**
   * Keeps runs on one session in line across processes (`RedisSessionLock` from
   * `@agentloop/redis`, say): a run holds the session from loading its history to its last
   * append. Runs of one agent in one process take turns without it.
   * @default none (in this process only)
   */
  sessionLock?: SessionLock;
}

/**
 * Options of `new Agent(...)`.
 *
 * @typeParam TContext - The user context handed to instructions, tools and interceptors.
 * @typeParam TOutput - The structured output type, from `output`.
 * @typeParam TTools - The tools, inferred from a `tools` list; they type the tool events,
 *   `beforeTool` and `RunResult.toolCalls`.
 */
export interface AgentOptions<
  TContext = unknown,
  TOutput = string,
  TTools extends ToolList = ToolList,
> {
  /** A name for logs and events. */
  name: string;
  /** The system message. */
  instructions?: Instructions<TContext>;
  /** A model name (sent through `openai(name)`, reading `OPENAI_API_KEY` / `OPENAI_BASE_URL`) or a `Model`. */
  model: string | Model;
  /** The tools the model may call: `tool(...)`s (duplicate names throw here) or a `ToolRegistry`. @default none */
  // The intersection checks each tool's context against the agent's, and lets the context type
  // be inferred from the tools as well as the tools themselves.
  tools?: (TTools & readonly AnyTool<TContext>[]) | ToolRegistry<TContext>;
  /** Sampling and other settings sent with every request (`temperature`, `max_completion_tokens`, ...). */
  modelSettings?: ModelSettings;
  /** `tool_choice` sent while the agent has tools. @default 'auto' (the API's default) */
  toolChoice?: ChatCompletionToolChoiceOption;
  /** How many tool calls of one turn run at once. @default 8 */
  toolConcurrency?: number;
  /** The most model calls a run may make. @default 10 */
  maxTurns?: number;
  /**
   * At `maxTurns`: `'throw'` a `MaxTurnsExceededError` carrying the partial result, or make one
   * last call with `tool_choice: 'none'` and return its answer (`'final-answer'`).
   * @default 'throw'
   */
  onMaxTurns?: 'throw' | 'final-answer';
  /** A zod schema for the final answer, requested as a strict `json_schema` response format. */
  output?: OutputSchema<TOutput>;
  /** How often a final answer that fails the `output` schema is sent back to be fixed. @default 2 */
  maxOutputRepairs?: number;
  /** Session history and the token budget of each request. @default off: the whole conversation is sent */
  memory?: MemoryOptions;
  /** Retries of transient model faults (429, 408, 409, 5xx, connection faults, timeouts). */
  retry?: RetryOptions;
  /**
   * Bounds on every model call: `firstByteMs` (time to the first data; in `run()` the whole
   * reply) and `idleMs` (streamed runs: the longest gap between data chunks; keep-alive comments
   * do not count). A bound that fires cancels the request and fails the attempt with a
   * retryable `ModelError` (`timeout: 'first_byte' | 'idle'`).
   * @default `{ firstByteMs: 600_000 in run() / 300_000 in stream(), idleMs: 120_000 }`
   */
  timeouts?: ModelTimeouts;
  /** Awaited before every model call of every run (a shortcut for a `wrapModelCall` middleware placed before `middleware`). */
  beforeModel?: BeforeModel<TContext>;
  /** Awaited before every tool call of every run (a shortcut for a `wrapToolCall` middleware placed before `middleware`). */
  beforeTool?: BeforeTool<TContext, TTools>;
  /**
   * Code wrapping every run, model call and tool call (see {@link Middleware}), in onion order:
   * the first listed is the outermost. The agent's middleware wrap those of each run.
   * @default none
   */
  // NoInfer: the tools are inferred from `tools` alone (a middleware written for any tools
  // would widen them).
  middleware?: readonly Middleware<TContext, NoInfer<TTools>>[];
  /**
   * Ends a run before the model answers: `stopAtTool(name)` (that tool's result is the answer),
   * a predicate over the run after each turn, or a list of them (any that holds stops). A run's
   * own `stopWhen` is added to these. A stopped run's `finishReason` is `'stop_when'`.
   * @default none
   */
  stopWhen?:
    | StopCondition<TContext, NoInfer<TTools>>
    | readonly StopCondition<TContext, NoInfer<TTools>>[];
  /** Where a throwing listener is reported. @default a process warning */
  onListenerError?: ListenerErrorHandler;
  /**
   * Where runs are checkpointed: when a model reply arrives, before each tool starts, after
   * each ends and at turn end, so `agent.resume(runId)` continues a run whose process died
   * (`InMemoryRunStore`, or `FileRunStore` from `@agentloop/core/node`). A run also claims its
   * id in the store while it goes on, so no two processes continue it at once.
   * @default none: a run lives in its process only (`result.state` still continues it)
   */
  runStore?: RunStore;
}

/**
 * Listeners and interceptors for one run.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools, which type the tool events and `beforeTool`.
 */
export type RunHooks<TContext, TTools extends ToolList = ToolList> = EventHooks<TTools> & {
  beforeModel?: BeforeModel<TContext>;
  beforeTool?: BeforeTool<TContext, TTools>;
};

/**
 * Options of `agent.run(input, options)` and `agent.stream(input, options)`.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools, which type the `hooks`.
 */
export interface RunOptions<TContext = unknown, TTools extends ToolList = ToolList> {
  /** Aborting it cancels the model request and every running tool; the run rejects with `RunAbortedError`. */
  signal?: AbortSignal;
  /** Your object, handed to instructions, tools (`ctx.context`) and interceptors. */
  context?: TContext;
  /** With `memory.store`: the session whose history is loaded and appended to. */
  sessionId?: string;
  /** Listeners for this run only (keyed by event type, or `onEvent` for all) and interceptors run after the agent's. */
  hooks?: RunHooks<TContext, TTools>;
  /** Overrides the agent's `maxTurns` for this run. */
  maxTurns?: number;
  /**
   * Middleware for this run only, inside the agent's (and after `hooks.beforeModel` /
   * `hooks.beforeTool`): see {@link Middleware}.
   */
  middleware?: readonly Middleware<TContext, TTools>[];
  /**
   * Stop conditions for this run, checked after the agent's (see `AgentOptions.stopWhen`).
   * Predicates see the typed run; a `stopAtTool` name is checked when the run starts (typed by
   * the tools on the agent only, so that options written for any agent fit every agent).
   */
  stopWhen?: RunStopCondition<TContext, TTools> | readonly RunStopCondition<TContext, TTools>[];
  /** Overrides the agent's `timeouts` for this run, bound by bound. */
  timeouts?: ModelTimeouts;
  /**
   * The most the whole run may take, in ms: when it passes, the model request and every running
   * tool are cancelled (tools see `ctx.signal` abort) and the run rejects with
   * `DeadlineExceededError`, carrying the partial result. No retry is attempted past it.
   * @default none
   */
  deadlineMs?: number;
  /**
   * The id of a new run, instead of a fresh `run_<uuid>`: a queue that hands out the id before the
   * run starts (`@agentloop/redis`'s `RunQueue`) passes it here, so events, checkpoints and
   * `agent.resume(runId)` use that id. Ignored when a run is continued (it keeps its own id).
   * @default `run_<uuid>`
   */
  runId?: string;
  /**
   * Where this run is checkpointed and claimed, instead of the agent's `runStore`: a worker that
   * runs the user's agents with its own store (`@agentloop/redis`'s `RunWorker`). Also read by
   * `agent.resume(runId, { runStore })`.
   * @default the agent's `runStore`
   */
  runStore?: RunStore;
}

/** What a run takes as input: a user message, or messages to append to the conversation. */
export type RunInput = string | ChatCompletionMessageParam[];
