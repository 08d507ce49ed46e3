import type { ToolOutcome } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type {
  ToolArgsShape,
  ToolArgsShapes,
  ToolCallShape,
  ToolCallShapes,
  ToolList,
} from '../agent/tool-calls.js';
import type { FinishReason, ModelRequest, ModelResponse } from '../models/model.js';
import type { Usage } from '../models/usage.js';
import type { RunResult, RunResultStatus } from '../run/run-result.js';
import type { Interruption } from '../run/run-state.js';

/** Fields every event carries. */
export interface EventBase {
  /** The run this event belongs to. */
  runId: string;
  /** The turn (model call) number, from 1; 0 before the first turn starts. */
  turn: number;
  /** The `name` of the agent whose run emitted the event. */
  agent: string;
  /**
   * The agents from the root run down to the one that emitted the event, root first:
   * `['triage', 'weather']` for an event of `weather` called as a tool by `triage`; `[agent]`
   * for a run nobody called. The same array for every event of a run: do not change it.
   */
  path: readonly string[];
  /**
   * The run that called this one (a tool made with `agent.asTool()`); absent for a root run.
   * A child's events reach the root's listeners and stream with their own `runId` and this.
   */
  parentRunId?: string;
  /**
   * The parent's tool call that started this run (with `parentRunId`): a viewer hangs the child
   * under that call. Absent for a root run.
   */
  parentToolCallId?: string;
}

/** A run began. */
export interface RunStartEvent extends EventBase {
  type: 'run:start';
  /** What `run()` / `stream()` was given: a user message or messages. */
  input: string | ChatCompletionMessageParam[];
  /** The run's `sessionId`, when it has one. */
  sessionId?: string;
  /**
   * `true` when the run continues from a state (`agent.run(state)`, `agent.resume(runId)`):
   * `runId` is the run's own, `turn` the last turn begun, and `input` is empty.
   */
  resumed?: true;
}
/** A turn began: one model call and the tool calls it asks for. */
export interface TurnStartEvent extends EventBase {
  type: 'turn:start';
}
/** The context was trimmed to fit the token budget before a model call: turns dropped, tool outputs cut, or both. */
export interface MemoryTrimEvent extends EventBase {
  type: 'memory:trim';
  /** Messages dropped from what is sent (the store keeps them). */
  dropped: number;
  /**
   * Tool outputs of the newest turn cut (with a marker) so that it fits; the store and the
   * result keep them whole.
   */
  shrunk: number;
  /** Messages sent after trimming. */
  kept: number;
  /** Tokens of the trimmed request, as counted. */
  tokens: number;
  /** The budget the request was trimmed to. */
  maxTokens: number;
}
/**
 * A model call is about to be sent, inside every `wrapModelCall` middleware (`beforeModel`
 * among them): a reply a middleware gives without calling the model has no `model:start`.
 */
export interface ModelStartEvent extends EventBase {
  type: 'model:start';
  /** The model's name. */
  model: string;
  /** The request as it is sent: after trimming and every middleware's changes. */
  request: ModelRequest;
}
/** A model call failed with a transient fault and will be sent again after `delayMs`. */
export interface ModelRetryEvent extends EventBase {
  type: 'model:retry';
  /** The retry number, from 1. */
  attempt: number;
  /** How long the loop waits before sending the request again (honouring `retry-after`). */
  delayMs: number;
  /** The transient fault: its code, message and HTTP status when there was one. */
  error: { code: string; message: string; status?: number | undefined };
}
/**
 * The request went to a response cache (`cachedModel`): a hit replays a stored reply (its tool
 * calls still run), a miss calls the model and stores its reply. Comes after `model:start`.
 */
export interface ModelCacheEvent extends EventBase {
  type: 'model:cache';
  /** `true` when the reply is served from the cache. */
  hit: boolean;
  /** The request's cache key. */
  key: string;
}
/**
 * A model call waits for its rate limiter (`RateLimiter`) before it is sent: the requests or
 * tokens of the window are spent, or the provider asked for a pause (`retry-after`). Comes after
 * `model:start`; the wait ends when the run is aborted.
 */
export interface ModelRateLimitedEvent extends EventBase {
  type: 'model:rate_limited';
  /** How long the request waits, in ms (it may wait again if the budget is still short). */
  waitMs: number;
  /** The short budget. */
  limit: 'requests' | 'tokens' | 'retry_after';
}
/**
 * A model call returned. Fired inside the `wrapModelCall` middleware: the reply is the model's
 * own; a middleware may change what the loop goes on with after this event.
 */
export interface ModelEndEvent extends EventBase {
  type: 'model:end';
  /** The reply: the assistant message, its finish reason and usage. */
  response: ModelResponse;
  /** This call's tokens (and cost when the price is known). */
  usage: Usage;
  /** From sending the request to the whole reply, retries included, in ms. */
  durationMs: number;
}
/** A chunk of assistant text (streamed runs only). */
export interface TextDeltaEvent extends EventBase {
  type: 'text:delta';
  /** The next piece of the answer's text; the pieces of a turn join into its text. */
  delta: string;
}
/** A chunk of a tool call's arguments as the model writes them (streamed runs only). */
export interface ToolArgsEvent extends EventBase {
  type: 'tool:args';
  /** The call these arguments belong to. */
  toolCallId: string;
  /** The call's position among the turn's tool calls, from 0. */
  index: number;
  /** The tool's name. */
  name: string;
  /** The next piece of the arguments' JSON; the pieces of a call join into its arguments. */
  delta: string;
}
/**
 * A tool call is starting: the tool is known, its arguments are valid and every `wrapToolCall`
 * middleware (`beforeTool` among them) passed it on. A call that never runs (an unknown tool,
 * arguments that are not JSON or not valid, a reply cut off by the token limit, a call
 * `beforeTool` denied, a call a middleware answered itself) gets no `tool:start`, only its
 * `tool:end`. A middleware that runs the call again fires one more `tool:start`.
 *
 * An agent's listeners get the union {@link ToolStartEventOf} of its tools: narrow on `name` to
 * get the tool's `args`.
 *
 * @typeParam TName - The tool's name.
 * @typeParam TArgs - The tool's validated argument type.
 */
export interface ToolStartEvent<TName extends string = string, TArgs = unknown> extends EventBase {
  type: 'tool:start';
  /** The call id the model gave. */
  toolCallId: string;
  /** The tool's name. */
  name: TName;
  /**
   * The arguments the tool runs with: validated by its schema, defaults applied, `null`s sent
   * for optional fields in strict mode turned into absent ones; a middleware's (or
   * `beforeTool`'s) rewrite, when one rewrote them (validated again).
   */
  args: TArgs;
}

/**
 * The `tool:start` events of an agent with these tools: one member per tool, whose `args` is
 * the tool's validated argument type; narrow on `name`. A wide tool list (a `ToolRegistry`,
 * `AnyTool[]`) gives {@link ToolStartEvent}.
 *
 * @typeParam TTools - The agent's tools.
 */
export type ToolStartEventOf<TTools extends ToolList = ToolList> = StartEvents<
  ToolArgsShapes<TTools>
>;

type StartEvents<TShape> = TShape extends ToolArgsShape
  ? ToolStartEvent<TShape['name'], TShape['args']>
  : never;
/**
 * A tool call finished: successfully, with a fault the model will see, or denied.
 *
 * An agent's listeners get the union {@link ToolEndEventOf} of its tools: narrow on `name`, then
 * on `outcome.ok`, to get the tool's `outcome.value` and validated `outcome.args`.
 *
 * @typeParam TName - The tool's name.
 * @typeParam TOutcome - The outcome's type.
 */
export interface ToolEndEvent<
  TName extends string = string,
  TOutcome extends ToolOutcome = ToolOutcome,
> extends EventBase {
  type: 'tool:end';
  /** The call id the model gave. */
  toolCallId: string;
  /** The tool's name. */
  name: TName;
  /** What came of the call: `ok`, `output` (what the model sees), `value` or `error`, `durationMs`. */
  outcome: TOutcome;
  /**
   * `true` when the call was denied (`beforeTool`, or a middleware's `ctx.deny(reason)`): the
   * tool never ran and no `tool:start` came before this event; `outcome.error` has the code
   * `denied` and the reason.
   */
  denied?: true;
}

/**
 * The `tool:end` events of an agent with these tools: one member per tool, typed by its name,
 * plus one for a name the model invented (always a failed outcome, `unknown_tool`). A wide list
 * (a `ToolRegistry`, `AnyTool[]`) gives {@link ToolEndEvent}, plus that redundant failure member.
 *
 * @typeParam TTools - The agent's tools.
 */
export type ToolEndEventOf<TTools extends ToolList = ToolList> = EndEvents<ToolCallShapes<TTools>>;

type EndEvents<TShape> = TShape extends ToolCallShape
  ? ToolEndEvent<TShape['name'], TShape['outcome']>
  : never;
/**
 * A tool call paused the run: it waits for an approval (`needsApproval`, or `beforeTool`
 * answered `{ action: 'interrupt' }`), or for a decision on a call whose outcome a crash left
 * unknown. The call gets no `tool:start` or `tool:end` until it is decided and the run continues.
 */
export interface ToolInterruptEvent extends EventBase {
  type: 'tool:interrupt';
  /** The call id the model gave. */
  toolCallId: string;
  /** The tool's name. */
  name: string;
  /** What the run waits for; the same object is in `result.interruptions`. */
  interruption: Interruption;
}
/**
 * The active agent changed: the model of agent `from` called its handoff to agent `to`, and `to`
 * answers from here on (its instructions, tools, model and output schema). The events that follow
 * are the new agent's.
 */
export interface AgentHandoffEvent extends EventBase {
  type: 'agent:handoff';
  /** The agent handing over. */
  from: string;
  /** The agent taking over. */
  to: string;
  /** The model's handoff call. */
  toolCallId: string;
}
/** A turn ended. */
export interface TurnEndEvent extends EventBase {
  type: 'turn:end';
  /** Why the turn's model call stopped (`tool_calls` when tools ran). */
  finishReason: FinishReason | null;
  /** How many tool calls the turn ran. */
  toolCalls: number;
}
/**
 * The run finished with a result: it answered (`status: 'completed'`) or paused for decisions
 * (`status: 'interrupted'`, see `result.interruptions`). Exactly one of `run:end` / `run:error`
 * ends a run, and each resumption of it.
 *
 * @typeParam TTools - The agent's tools, which type `result.toolCalls`.
 */
export interface RunEndEvent<TTools extends ToolList = ToolList> extends EventBase {
  type: 'run:end';
  /** `result.status`. */
  status: RunResultStatus;
  /** What `run()` resolves to. */
  result: RunResult<unknown, TTools>;
}
/** The run failed. Exactly one of `run:end` / `run:error` ends a run. */
export interface RunErrorEvent extends EventBase {
  type: 'run:error';
  /** What the run rejects with (an `AgentError` for agentloop's own faults). */
  error: Error;
}

/**
 * Every lifecycle event: one vocabulary for `agent.on`, run `hooks` and `agent.stream()`.
 *
 * @typeParam TTools - The agent's tools: they type `tool:start` (see {@link ToolStartEventOf}),
 *   `tool:end` (see {@link ToolEndEventOf}) and
 *   the `toolCalls` of `run:end`. By default any tools, with the wide types.
 */
export type AgentEvent<TTools extends ToolList = ToolList> =
  | RunStartEvent
  | TurnStartEvent
  | MemoryTrimEvent
  | ModelStartEvent
  | ModelRetryEvent
  | ModelCacheEvent
  | ModelRateLimitedEvent
  | ModelEndEvent
  | TextDeltaEvent
  | ToolArgsEvent
  | ToolStartEventOf<TTools>
  | ToolEndEventOf<TTools>
  | ToolInterruptEvent
  | AgentHandoffEvent
  | TurnEndEvent
  | RunEndEvent<TTools>
  | RunErrorEvent;

/** The `type` of an event. */
export type AgentEventType = AgentEvent['type'];

/**
 * The event object of one type.
 *
 * @typeParam TType - The event type.
 * @typeParam TTools - The agent's tools (see {@link AgentEvent}).
 */
export type EventOf<
  TType extends AgentEventType,
  TTools extends ToolList = ToolList,
> = AgentEventMap<TTools>[TType];

/**
 * Every event by its type. Indexing a map (rather than filtering the union) keeps an agent typed
 * by its tools assignable to the wide `Agent`: its listeners' types relate event by event. Only
 * three events depend on the tools; the others are looked up in a map computed once.
 */
type AgentEventMap<TTools extends ToolList> = {
  [TType in AgentEventType]: TType extends 'tool:start'
    ? ToolStartEventOf<TTools>
    : TType extends 'tool:end'
      ? ToolEndEventOf<TTools>
      : TType extends 'run:end'
        ? RunEndEvent<TTools>
        : FixedEventMap[TType];
};

type FixedEventMap = { [TType in AgentEventType]: Extract<AgentEvent, { type: TType }> };

/**
 * A listener for one event type; its return value is ignored, and a throw never breaks a run.
 *
 * @typeParam TType - The event type.
 * @typeParam TTools - The agent's tools (see {@link AgentEvent}).
 */
export type EventListener<TType extends AgentEventType, TTools extends ToolList = ToolList> = (
  event: EventOf<TType, TTools>,
) => unknown;

/** Every event type, in the order a run usually emits them. */
export const EVENT_TYPES = [
  'run:start',
  'turn:start',
  'memory:trim',
  'model:start',
  'model:retry',
  'model:cache',
  'model:rate_limited',
  'text:delta',
  'tool:args',
  'model:end',
  'tool:start',
  'tool:end',
  'tool:interrupt',
  'turn:end',
  'agent:handoff',
  'run:end',
  'run:error',
] as const satisfies readonly AgentEventType[];

/**
 * @internal An event as a step of the loop builds it: the event bus adds `agent`, `path`,
 * `parentRunId` and `parentToolCallId`, which are the same for every event of a run.
 */
export type UnstampedEvent = AgentEvent extends infer TEvent
  ? TEvent extends AgentEvent
    ? Omit<TEvent, 'agent' | 'path' | 'parentRunId' | 'parentToolCallId'>
    : never
  : never;
