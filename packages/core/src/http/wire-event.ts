import { AgentError } from '../errors/agent-error.js';
import type {
  AgentEvent,
  AgentHandoffEvent,
  EventBase,
  MemoryTrimEvent,
  ModelCacheEvent,
  ModelRateLimitedEvent,
  ModelRetryEvent,
  TextDeltaEvent,
  ToolArgsEvent,
  ToolStartEvent,
  TurnEndEvent,
  TurnStartEvent,
} from '../events/events.js';
import type { FinishReason } from '../models/model.js';
import type { Usage } from '../models/usage.js';
import type { RunFinishReason } from '../run/run-result.js';
import type { Interruption } from '../run/run-state.js';
import { boundWireString, boundWireValue, WIRE_LIMITS } from './wire-bounds.js';

/** An error as sent to a client: an agentloop error's `toJSON()`, or a generic stand-in. */
export interface WireError {
  name: string;
  /** The error's stable code, e.g. `model_error`, `run_aborted`; `internal_error` for others. */
  code: string;
  message: string;
  /** The error's context fields (e.g. `status`, `midStream`, `partialText` of a `ModelError`). */
  [field: string]: unknown;
}

/** `run:start` without `input` (the client sent it; it may hold a long history). */
export interface WireRunStartEvent extends EventBase {
  type: 'run:start';
  sessionId?: string;
  /** `true` when the run continues from a state or a checkpoint. */
  resumed?: true;
}
/** What a paused run waits for, as a client sees it: the interruption, its `args` bounded. */
export type WireInterruption = Interruption;
/** `tool:interrupt`: a call waits for a decision. */
export interface WireToolInterruptEvent extends EventBase {
  type: 'tool:interrupt';
  toolCallId: string;
  name: string;
  interruption: WireInterruption;
}
/** `model:start` without the request (it holds the instructions): only its size. */
export interface WireModelStartEvent extends EventBase {
  type: 'model:start';
  model: string;
  /** How many messages the request sends. */
  messages: number;
  /** How many tools the request offers. */
  tools: number;
}
/** `model:end` without the response (its text and calls were streamed already). */
export interface WireModelEndEvent extends EventBase {
  type: 'model:end';
  finishReason: FinishReason | null;
  usage: Usage;
  durationMs: number;
}
/** `tool:end` with the outcome the model sees, without the tool's raw value or error cause. */
export interface WireToolEndEvent extends EventBase {
  type: 'tool:end';
  toolCallId: string;
  name: string;
  outcome: {
    ok: boolean;
    /** The string the model sees (cut when longer than the wire limit). */
    output: string;
    error?: { code: string; message: string };
    durationMs: number;
  };
  /** `true` when the call was denied (`beforeTool`, `ctx.deny`): it never ran, and no `tool:start` was sent. */
  denied?: true;
}
/** `run:end` with the answer and totals, without the conversation (it holds the instructions). */
export interface WireRunEndEvent extends EventBase {
  type: 'run:end';
  /** `completed`, or `interrupted` when the run waits for the decisions in `result.interruptions`. */
  status: 'completed' | 'interrupted';
  result: {
    status: 'completed' | 'interrupted';
    interruptions: WireInterruption[];
    output: unknown;
    text: string;
    turns: number;
    usage: Usage;
    finishReason: RunFinishReason | null;
  };
}
/** `run:error` with the error serialised (see {@link WireError}). */
export interface WireRunErrorEvent extends EventBase {
  type: 'run:error';
  error: WireError;
}

/**
 * An event as {@link toWireEvent} sends it over server-sent events: the same `type`, `runId` and
 * `turn`; events that carry the conversation or live objects are slimmed.
 */
export type WireEvent =
  | WireRunStartEvent
  | TurnStartEvent
  | MemoryTrimEvent
  | WireModelStartEvent
  | ModelRetryEvent
  | ModelCacheEvent
  | ModelRateLimitedEvent
  | WireModelEndEvent
  | TextDeltaEvent
  | ToolArgsEvent
  | ToolStartEvent
  | WireToolEndEvent
  | WireToolInterruptEvent
  | AgentHandoffEvent
  | TurnEndEvent
  | WireRunEndEvent
  | WireRunErrorEvent;

/**
 * The JSON-safe form of an error for a client. An agentloop error (any error carrying the
 * `Symbol.for('agentloop.error')` marker, from core, tools or memory) is sent through its
 * `toJSON()` (a `ModelError` never holds the API key; a mid-stream one carries `partialText`).
 * Any other error may hold internals (connection strings, paths), so only a generic message is
 * sent; log the real one on the server. Every field is bounded by {@link WIRE_LIMITS}, as in
 * `toWireEvent`.
 *
 * @param error - the run's error.
 * @returns the object sent in `run:error`.
 */
export function toWireError(error: unknown): WireError {
  const limits = WIRE_LIMITS;
  if (AgentError.isInstance(error)) {
    const json = (error as { toJSON?: unknown }).toJSON;
    let fields: Record<string, unknown> | undefined;
    try {
      fields =
        typeof json === 'function' ? (json.call(error) as Record<string, unknown>) : undefined;
    } catch {
      // A broken toJSON still leaves the name, code and message to send.
      fields = undefined;
    }
    const bounded: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(fields ?? {})) {
      bounded[name] = boundWireValue(value, limits);
    }
    return {
      ...bounded,
      name: boundWireString(error.name, limits.maxChars),
      code: boundWireString(error.code, limits.maxChars),
      message: boundWireString(error.message, limits.maxChars),
    };
  }
  return {
    name: 'Error',
    code: 'internal_error',
    message: 'The run failed with an unexpected error; the server logged it.',
  };
}

/**
 * @internal The fields every wire event carries: where it comes from in the run tree.
 */
export function wireBase(event: AgentEvent) {
  return {
    runId: event.runId,
    turn: event.turn,
    agent: event.agent,
    path: event.path,
    ...(event.parentRunId !== undefined ? { parentRunId: event.parentRunId } : {}),
    ...(event.parentToolCallId !== undefined ? { parentToolCallId: event.parentToolCallId } : {}),
  };
}

/**
 * The default serialisation of an event for server-sent events. Sent as is: `turn:start`,
 * `memory:trim`, `model:cache`, `model:rate_limited`, `text:delta`, `tool:args`, `turn:end`. Slimmed: `run:start` (no `input`),
 * `model:start` (message and tool counts instead of the request), `model:end` (`finishReason`,
 * `usage`, `durationMs`), `tool:end` (the outcome's `ok`, `output`, `error.code`/`error.message`,
 * `durationMs`, and `denied` for a call `beforeTool` denied), `tool:interrupt` (the interruption,
 * `args` bounded), `run:end` (the `status`, and the result's `status`, `interruptions`, `output`,
 * `text`, `turns`, `usage`, `finishReason`), `run:error` (see {@link toWireError}).
 * Instructions and the conversation never leave the server.
 *
 * Every event is bounded ({@link WIRE_LIMITS}): the free-form values (`tool:start`'s `args`,
 * `tool:end`'s output and error message, `model:retry`'s error message, `run:end`'s `output` and
 * `text`, every field of `run:error`'s error) are sent as they are while they fit; a value nested
 * deeper than `maxDepth` (64) or longer than `maxChars` (256 Ki characters) is sent as a string
 * holding its start and a `…[truncated: ...]` marker. Deltas are sent whole (joined, they must
 * give the text and the arguments); each is one chunk of the provider's stream.
 *
 * @param event - an event of the run.
 * @returns the object sent as the SSE `data`.
 */
export function toWireEvent(event: AgentEvent): WireEvent {
  const bounds = WIRE_LIMITS;
  const base = wireBase(event);
  switch (event.type) {
    case 'run:start':
      return {
        type: event.type,
        ...base,
        ...(event.sessionId !== undefined ? { sessionId: event.sessionId } : {}),
        ...(event.resumed ? { resumed: true as const } : {}),
      };
    case 'model:start':
      return {
        type: event.type,
        ...base,
        model: event.model,
        messages: event.request.messages.length,
        tools: event.request.tools?.length ?? 0,
      };
    case 'model:end':
      return {
        type: event.type,
        ...base,
        finishReason: event.response.finishReason,
        usage: event.usage,
        durationMs: event.durationMs,
      };
    case 'model:retry': {
      const message = boundWireString(event.error.message, bounds.maxChars);
      return message === event.error.message
        ? event
        : { ...event, error: { ...event.error, message } };
    }
    case 'tool:start': {
      const args = boundWireValue(event.args, bounds);
      return args === event.args ? event : { ...event, args };
    }
    case 'tool:end': {
      const { ok, output, error, durationMs } = event.outcome;
      return {
        type: event.type,
        ...base,
        toolCallId: event.toolCallId,
        name: event.name,
        outcome: {
          ok,
          output: boundWireString(output, bounds.maxChars),
          ...(error
            ? {
                error: {
                  code: error.code,
                  message: boundWireString(error.message, bounds.maxChars),
                },
              }
            : {}),
          durationMs,
        },
        ...(event.denied ? { denied: true as const } : {}),
      };
    }
    case 'tool:interrupt':
      return {
        type: event.type,
        ...base,
        toolCallId: event.toolCallId,
        name: event.name,
        interruption: wireInterruption(event.interruption),
      };
    case 'run:end': {
      const { status, interruptions, output, text, turns, usage, finishReason } = event.result;
      return {
        type: event.type,
        ...base,
        status,
        result: {
          status,
          interruptions: interruptions.map(wireInterruption),
          output: boundWireValue(output, bounds),
          text: boundWireString(text, bounds.maxChars),
          turns,
          usage,
          finishReason,
        },
      };
    }
    case 'run:error':
      return { type: event.type, ...base, error: toWireError(event.error) };
    default:
      return event;
  }
}

function wireInterruption(interruption: Interruption): WireInterruption {
  const args = boundWireValue(interruption.args, WIRE_LIMITS);
  const reason = interruption.reason;
  return {
    ...interruption,
    args,
    ...(reason !== undefined ? { reason: boundWireString(reason, WIRE_LIMITS.maxChars) } : {}),
  };
}
