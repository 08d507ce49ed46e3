import type { ServerResponse } from 'node:http';
import type { Agent, RunResult, Usage } from '@agentloop/core';
import { sendJson } from './http-error.js';
import { runErrorResponse, type ServiceLog } from './run-error.js';
import type { RunSlot } from './run-slots.js';
import type { ChatContext } from './service-options.js';

/** The answer of `POST /v1/chat`. */
export interface ChatResponse {
  runId: string;
  /** The session the turn was stored in: send it back to continue the conversation. */
  sessionId: string;
  /** The agent that answered. */
  agent: string;
  /** The final answer's text. */
  text: string;
  /** The validated structured output, for agents with an `output` schema. */
  output?: unknown;
  usage: Usage;
  /** Every tool call, in the order the model made them. */
  toolCalls: { name: string; ok: boolean; durationMs: number; error?: string }[];
  turns: number;
  /** Why the last model call stopped; `length` and `content_filter` mean the answer is cut. */
  finishReason: string | null;
}

/** What {@link runChatJson} needs. */
export interface ChatJsonOptions {
  agent: Agent<ChatContext, unknown>;
  message: string;
  context: ChatContext;
  slot: RunSlot;
  res: ServerResponse;
  log: ServiceLog;
}

/**
 * Runs an agent and answers with a {@link ChatResponse}, or with the run's error mapped to a
 * status (see `statusForRunError`). When the client disconnects first, the run is aborted (its
 * model request and tools are cancelled) and nothing is sent.
 *
 * @param options - the agent, the message, the run context, the admitted slot, the response.
 */
export async function runChatJson({
  agent,
  message,
  context,
  slot,
  res,
  log,
}: ChatJsonOptions): Promise<void> {
  // `res` (not `req`) is watched: a request's 'close' fires as soon as its body has been read.
  const onClose = () => {
    if (!res.writableFinished) {
      slot.abort(new DOMException('The client closed the connection.', 'AbortError'));
    }
  };
  res.once('close', onClose);
  // The client may have left while the body was being checked: then 'close' has already fired.
  if (res.destroyed) onClose();
  try {
    const result = await agent.run(message, {
      signal: slot.signal,
      sessionId: context.sessionId,
      context,
    });
    sendJson(res, 200, toChatResponse(result, context));
  } catch (error) {
    if (res.destroyed) return;
    const { status, body } = runErrorResponse(error, log);
    sendJson(res, status, body);
  } finally {
    res.off('close', onClose);
  }
}

/**
 * The JSON answer for a finished run: the conversation and the tools' raw values stay on the
 * server.
 *
 * @param result - the run's result.
 * @param context - the session and agent of the run.
 * @returns the body of `POST /v1/chat`.
 */
export function toChatResponse(result: RunResult<unknown>, context: ChatContext): ChatResponse {
  const structured = result.output !== result.text;
  return {
    runId: result.runId,
    sessionId: context.sessionId,
    agent: context.agent,
    text: result.text,
    ...(structured ? { output: result.output } : {}),
    usage: result.usage,
    toolCalls: result.toolCalls.map((call) => ({
      name: call.name,
      ok: call.outcome.ok,
      durationMs: call.durationMs,
      ...(call.outcome.error ? { error: call.outcome.error.code } : {}),
    })),
    turns: result.turns,
    finishReason: result.finishReason,
  };
}
