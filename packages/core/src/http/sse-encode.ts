import { AgentError } from '../errors/agent-error.js';
import type { AgentEvent } from '../events/events.js';
import { safeJson } from './wire-bounds.js';
import { toWireEvent, type WireRunErrorEvent, wireBase } from './wire-event.js';

/** Options shared by the server-sent-events helpers. */
export interface SSEOptions {
  /**
   * Turns an event into the object sent as its `data` line, or `undefined` to skip the event.
   * @default {@link toWireEvent}
   */
  serialize?: ((event: AgentEvent) => unknown) | undefined;
  /**
   * While no event is sent for this long (say, during a slow tool), a comment line `: keep-alive`
   * is sent so proxies do not close the idle connection. `0` turns it off.
   * @default 15000
   */
  heartbeatMs?: number | undefined;
}

/** The response headers of an event stream: `text/event-stream`, no caching, no proxy buffering. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
});

const DEFAULT_HEARTBEAT_MS = 15_000;
const HEARTBEAT = ': keep-alive\n\n';
const TIMED_OUT = Symbol('timed out');

/**
 * Frames one server-sent event: `event: <type>`, `data: <JSON on one line>`, a blank line.
 * Values JSON cannot hold are written safely: a `bigint` as a string, a circular reference as
 * `"[Circular]"`, and a value nested too deep for `JSON.stringify` is cut at 1,000 levels
 * (`"[Too deep]"`) rather than throwing. It does not bound sizes: {@link toWireEvent} does.
 *
 * @param type - the event name (the agent event's `type`).
 * @param data - the payload.
 * @returns the event's text.
 * @example
 * ```ts
 * formatSSE('text:delta', { delta: 'Hi' }); // 'event: text:delta\ndata: {"delta":"Hi"}\n\n'
 * ```
 */
export function formatSSE(type: string, data: unknown): string {
  if (/[\r\n]/.test(type)) {
    throw new TypeError(
      `An SSE event name cannot contain a line break, got ${JSON.stringify(type)}.`,
    );
  }
  return `event: ${type}\ndata: ${safeStringify(data)}\n\n`;
}

/**
 * The bytes of a stream as server-sent events, one array per event (or heartbeat), pulled on
 * demand so the run's backpressure reaches the writer. Ends after `run:end` or `run:error` (whose
 * error is sent in the event, not thrown). Ending the iteration early aborts the run.
 *
 * The stream always ends with exactly one terminal event: when an event cannot be encoded (the
 * serializer throws), the run is aborted (its `RunAbortedError`'s `reason` is an
 * `event_encoding_failed` error holding the fault as `cause`) and a `run:error` with code
 * `event_encoding_failed` is sent in its place, last.
 *
 * @internal Used by `toSSEStream` and `pipeSSEToResponse`.
 */
export async function* encodeSSE(
  events: AsyncIterable<AgentEvent> & { abort?(reason?: unknown): void },
  { serialize = toWireEvent, heartbeatMs = DEFAULT_HEARTBEAT_MS }: SSEOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  if (!(Number.isFinite(heartbeatMs) && heartbeatMs >= 0)) {
    throw new TypeError(`heartbeatMs must be a number of milliseconds >= 0, got ${heartbeatMs}.`);
  }
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  let finished = false;
  let terminalSent = false;
  try {
    for (;;) {
      const pending = iterator.next();
      let item = await withHeartbeat(pending, heartbeatMs);
      while (item === TIMED_OUT) {
        yield encoder.encode(HEARTBEAT);
        item = await withHeartbeat(pending, heartbeatMs);
      }
      if (item.done) {
        finished = true;
        return;
      }
      const event = item.value;
      // Only the streamed run's own end is terminal; a child's (agent.asTool) is not.
      const terminal =
        (event.type === 'run:end' || event.type === 'run:error') && event.parentRunId === undefined;
      let frame: string | undefined;
      try {
        const data = serialize(event);
        frame = data === undefined ? undefined : formatSSE(event.type, data);
      } catch (error) {
        // Stop the run before anything else is sent, so this error is the last event.
        const failure = encodingFailure(event, error);
        if (!terminal) events.abort?.(failure.error);
        terminalSent = true;
        yield encoder.encode(formatSSE('run:error', failure.wire));
        return;
      }
      if (terminal) terminalSent = true;
      if (frame !== undefined) yield encoder.encode(frame);
    }
  } catch (error) {
    finished = true;
    // The run's error already went out as `run:error`; anything else is a real fault.
    if (!terminalSent) throw error;
  } finally {
    if (!finished) await iterator.return?.();
  }
}

/** The run:error sent in place of an event that could not be encoded, and the abort reason. */
function encodingFailure(
  event: AgentEvent,
  cause: unknown,
): { wire: WireRunErrorEvent; error: AgentError } {
  const error = new AgentError({
    code: 'event_encoding_failed',
    message: `The server could not encode the run's "${event.type}" event for the client (${cause instanceof Error ? cause.name : typeof cause}), so it stopped the run. Check the \`serialize\` option of the SSE helper; the cause is on the run's error.`,
    cause,
  });
  return {
    error,
    wire: {
      type: 'run:error',
      ...wireBase(event),
      // The cause's message may hold internals: only its kind is named.
      error: { name: error.name, code: error.code, message: error.message },
    },
  };
}

function withHeartbeat<T>(pending: Promise<T>, heartbeatMs: number): Promise<T | typeof TIMED_OUT> {
  if (heartbeatMs === 0) return pending;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), heartbeatMs);
  });
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

function safeStringify(value: unknown): string {
  const bigints = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  try {
    return JSON.stringify(value, bigints) ?? 'null';
  } catch {
    // A cycle, or nesting too deep for the native call stack: copy it safely first.
    return safeJson(value);
  }
}
