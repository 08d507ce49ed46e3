/**
 * One line of a run log: an event as `toWireEvent` sends it (slim, bounded, no secrets), with the
 * time it was recorded and the few things a reader of a past run needs that the wire leaves out
 * because a live client already has them.
 *
 * @module
 */
import type {
  WireEvent,
  WireModelEndEvent,
  WireRunStartEvent,
  WireToolEndEvent,
} from '@agentloop/core';

/** What every line carries besides the event. */
export interface LoggedFields {
  /** When the event was recorded, in milliseconds since the epoch. */
  ts: number;
}

/** `run:start`, with the user's input as text (the wire leaves it out: the client sent it). */
export type LoggedRunStart = WireRunStartEvent &
  LoggedFields & {
    /** The text of the run's last user message, cut to the log's value limit. */
    input?: string;
  };

/** `model:end`, with what the reply said (the wire leaves it out: it was streamed already). */
export type LoggedModelEnd = WireModelEndEvent &
  LoggedFields & {
    /** The reply's text, cut to the log's value limit; absent when the reply had none. */
    text?: string;
    /** How many tool calls the reply asked for. */
    toolCalls?: number;
    /** The model name the provider reported, when it reported one. */
    model?: string;
  };

/** Any line of a run log. */
export type LoggedEvent =
  | LoggedRunStart
  | LoggedModelEnd
  | (Exclude<WireEvent, WireRunStartEvent | WireModelEndEvent> & LoggedFields);

/** A logged `tool:end`. */
export type LoggedToolEnd = WireToolEndEvent & LoggedFields;

/** The logged event of one type. */
export type LoggedOf<TType extends LoggedEvent['type']> = Extract<LoggedEvent, { type: TType }>;
