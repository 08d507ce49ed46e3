import { pipeSSEToResponse } from '@agentloop/core';
import type { ChatJsonOptions } from './chat-json.js';
import { reportRunError } from './run-error.js';

/** What {@link runChatStream} needs: what a JSON chat needs, plus the SSE timings. */
export interface ChatStreamOptions extends ChatJsonOptions {
  /** SSE keep-alive interval, `0` for none. */
  heartbeatMs: number;
  /** How long a write may wait for a client that reads nothing; `0` for ever. */
  drainTimeoutMs: number;
}

/**
 * Runs an agent (or continues a paused run) and streams its events to the client as server-sent
 * events with core's `pipeSSEToResponse` (`event: <type>` + `data: <toWireEvent JSON>`, ending
 * with `run:end`, whose `status` says whether the run answered or paused, or `run:error`). The session id is also sent in the `x-session-id` header. A client that
 * disconnects aborts the run; a slow one slows it down (backpressure); one that takes nothing
 * for `drainTimeoutMs` is cut off (run aborted, connection destroyed). Resolves once the run has
 * wound down, so the slot is only freed when its tools are no longer running.
 *
 * @param options - the agent, the input, the run context, the admitted slot, the response.
 */
export async function runChatStream({
  agent,
  input,
  context,
  hooks,
  slot,
  res,
  log,
  heartbeatMs,
  drainTimeoutMs,
}: ChatStreamOptions): Promise<void> {
  const stream = agent.stream(input, {
    signal: slot.signal,
    sessionId: context.sessionId,
    context,
    ...(hooks ? { hooks } : {}),
  });
  try {
    await pipeSSEToResponse(stream, res, {
      headers: { 'x-session-id': context.sessionId },
      heartbeatMs,
      drainTimeoutMs,
    });
  } catch (error) {
    // The events could not be written (not a run failure: those are sent as `run:error`).
    log.error('Streaming a run failed.', error);
    stream.abort(error);
    res.destroy();
  }
  // Read only now: reading `result` before the stream is iterated would start the run unseen.
  await stream.result.then(
    () => undefined,
    (error: unknown) => reportRunError(error, log),
  );
}
