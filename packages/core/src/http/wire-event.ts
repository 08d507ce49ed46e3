import { AgentError } from '../agent-error.js';
import type {
  AgentEvent,
  EventBase,
  MemoryTrimEvent,
  ModelRetryEvent,
  TextDeltaEvent,
  ToolArgsEvent,
  ToolStartEvent,
  TurnEndEvent,
  TurnStartEvent,
} from '../events.js';
import type { FinishReason } from '../model.js';
import type { Usage } from '../usage.js';

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
  agent: string;
  sessionId?: string;
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
    /** The exact string the model sees. */
    output: string;
    error?: { code: string; message: string };
    durationMs: number;
  };
}
/** `run:end` with the answer and totals, without the conversation (it holds the instructions). */
export interface WireRunEndEvent extends EventBase {
  type: 'run:end';
  result: {
    output: unknown;
    text: string;
    turns: number;
    usage: Usage;
    finishReason: FinishReason | null;
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
  | WireModelEndEvent
  | TextDeltaEvent
  | ToolArgsEvent
  | ToolStartEvent
  | WireToolEndEvent
  | TurnEndEvent
  | WireRunEndEvent
  | WireRunErrorEvent;

/**
 * The JSON-safe form of an error for a client. An agentloop error (any error carrying the
 * `Symbol.for('agentloop.error')` marker, from core, tools or memory) is sent through its
 * `toJSON()` (a `ModelError` never holds the API key; a mid-stream one carries `partialText`).
 * Any other error may hold internals (connection strings, paths), so only a generic message is
 * sent; log the real one on the server.
 *
 * @param error - the run's error.
 * @returns the object sent in `run:error`.
 */
export function toWireError(error: unknown): WireError {
  if (AgentError.isInstance(error)) {
    const json = (error as { toJSON?: unknown }).toJSON;
    const fields =
      typeof json === 'function' ? (json.call(error) as Record<string, unknown>) : undefined;
    return { ...fields, name: error.name, code: error.code, message: error.message };
  }
  return {
    name: 'Error',
    code: 'internal_error',
    message: 'The run failed with an unexpected error; the server logged it.',
  };
}

/**
 * The default serialisation of an event for server-sent events. Sent as is: `turn:start`,
 * `memory:trim`, `model:retry`, `text:delta`, `tool:args`, `tool:start`, `turn:end`. Slimmed:
 * `run:start` (no `input`), `model:start` (message and tool counts instead of the request),
 * `model:end` (`finishReason`, `usage`, `durationMs`), `tool:end` (the outcome's `ok`, `output`,
 * `error.code`/`error.message`, `durationMs`), `run:end` (the result's `output`, `text`, `turns`,
 * `usage`, `finishReason`), `run:error` (see {@link toWireError}). Instructions and the
 * conversation never leave the server.
 *
 * @param event - an event of the run.
 * @returns the object sent as the SSE `data`.
 */
export function toWireEvent(event: AgentEvent): WireEvent {
  const base = { runId: event.runId, turn: event.turn };
  switch (event.type) {
    case 'run:start':
      return {
        type: event.type,
        ...base,
        agent: event.agent,
        ...(event.sessionId !== undefined ? { sessionId: event.sessionId } : {}),
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
    case 'tool:end': {
      const { ok, output, error, durationMs } = event.outcome;
      return {
        type: event.type,
        ...base,
        toolCallId: event.toolCallId,
        name: event.name,
        outcome: {
          ok,
          output,
          ...(error ? { error: { code: error.code, message: error.message } } : {}),
          durationMs,
        },
      };
    }
    case 'run:end': {
      const { output, text, turns, usage, finishReason } = event.result;
      return { type: event.type, ...base, result: { output, text, turns, usage, finishReason } };
    }
    case 'run:error':
      return { type: event.type, ...base, error: toWireError(event.error) };
    default:
      return event;
  }
}
