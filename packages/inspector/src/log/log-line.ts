/**
 * An event as one line of a run log: its wire form (`toWireEvent`: no instructions, no
 * conversation, no raw errors), the time, the run's input and each reply's text, bounded and
 * scrubbed (`boundLogValue`).
 *
 * @module
 */
import { type AgentEvent, type RunStartEvent, toWireEvent } from '@agentloop/core';
import type { LoggedEvent } from '../model/logged-event.js';
import { boundLogValue, type LogValueLimits } from './bound-log-value.js';

/** What {@link toLogLine} needs besides the event. */
export interface LogLineOptions extends LogValueLimits {
  /** Whether `text:delta` and `tool:args` are written (the reply's text is in `model:end`). */
  deltas: boolean;
}

/**
 * The JSON line (newline included) recording `event` at time `ts`, or `undefined` for an event
 * the log leaves out (`text:delta` and `tool:args` unless `deltas`). Never throws for the values
 * an event carries (cycles, `bigint`, getters that throw).
 *
 * @param event - an event of a run.
 * @param ts - when it happened, in milliseconds since the epoch.
 * @param options - the limits, the secrets and `deltas`.
 * @returns the line, or `undefined`.
 */
export function toLogLine(
  event: AgentEvent,
  ts: number,
  options: LogLineOptions,
): string | undefined {
  if (!options.deltas && (event.type === 'text:delta' || event.type === 'tool:args')) {
    return undefined;
  }
  const line = boundLogValue({ ts, ...toWireEvent(event), ...extras(event) }, options);
  return `${JSON.stringify(line)}\n`;
}

/** What a reader of a past run needs that the wire form leaves out. */
function extras(event: AgentEvent): Partial<LoggedEvent> {
  if (event.type === 'run:start') {
    const input = inputText(event.input);
    return input === undefined ? {} : { input };
  }
  if (event.type === 'model:end') {
    const { message, model } = event.response;
    const text = contentText(message.content);
    const calls = message.tool_calls?.length ?? 0;
    return {
      ...(text ? { text } : {}),
      ...(calls > 0 ? { toolCalls: calls } : {}),
      ...(typeof model === 'string' && model !== '' ? { model } : {}),
    };
  }
  return {};
}

/** The text of the last user message of a run's input. */
function inputText(input: RunStartEvent['input']): string | undefined {
  if (typeof input === 'string') return input === '' ? undefined : input;
  for (let index = input.length - 1; index >= 0; index--) {
    const message = input[index];
    if (message?.role === 'user') return contentText(message.content);
  }
  return undefined;
}

/** The text of a message's content: a string, or the text parts of a list of parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((part: unknown) =>
    typeof part === 'object' &&
    part !== null &&
    typeof (part as { text?: unknown }).text === 'string'
      ? [(part as { text: string }).text]
      : [],
  );
  return texts.length > 0 ? texts.join('\n') : undefined;
}
