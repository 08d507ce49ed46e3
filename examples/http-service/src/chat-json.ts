import type { ServerResponse } from 'node:http';
import type { Agent, Interruption, RunHooks, RunResult, RunState, Usage } from '@agentloop/core';
import { sendJson } from './http-error.js';
import { runErrorResponse, type ServiceLog } from './run-error.js';
import type { RunSlot } from './run-slots.js';
import type { ChatContext } from './service-options.js';

/** What the JSON answers of a run share, paused or not. */
interface RunResponseBase {
  /** The run's id; a paused run is continued with `POST /v1/runs/<runId>/approve`. */
  runId: string;
  /** The session the turn was stored in: send it back to continue the conversation. */
  sessionId: string;
  /** The agent that answered. */
  agent: string;
  /** Usage of the whole run so far (every continuation included). */
  usage: Usage;
  /** Every finished tool call, in the order the model made them. */
  toolCalls: { name: string; ok: boolean; durationMs: number; error?: string }[];
  turns: number;
}

/** The answer of a run that answered. */
export interface CompletedChatResponse extends RunResponseBase {
  status: 'completed';
  /** The final answer's text. */
  text: string;
  /** The validated structured output, for agents with an `output` schema. */
  output?: unknown;
  /** Why the last model call stopped; `length` and `content_filter` mean the answer is cut. */
  finishReason: string | null;
}

/** A call a paused run waits on, as the client sees it. */
export type WaitingCall = Pick<Interruption, 'id' | 'kind' | 'name' | 'args' | 'reason'>;

/**
 * The answer of a run that paused: it waits for a decision on each of `interruptions`
 * (`POST /v1/runs/<runId>/approve`).
 */
export interface InterruptedChatResponse extends RunResponseBase {
  status: 'interrupted';
  /** The calls waiting for a yes or no: `id` is what the approval names. */
  interruptions: WaitingCall[];
}

/** The answer of `POST /v1/chat` and of `POST /v1/runs/:id/approve`. */
export type ChatResponse = CompletedChatResponse | InterruptedChatResponse;

/** What {@link runChatJson} needs. */
export interface ChatJsonOptions {
  agent: Agent<ChatContext, unknown>;
  /** The user's message, or the state of a paused run whose interruptions were decided. */
  input: string | RunState;
  context: ChatContext;
  /** Listeners for this run (the service watches run ids through them). */
  hooks?: RunHooks<ChatContext> | undefined;
  slot: RunSlot;
  res: ServerResponse;
  log: ServiceLog;
}

/**
 * Runs an agent (or continues a paused run) and answers with a {@link ChatResponse}, or with the
 * run's error mapped to a status (see `statusForRunError`). When the client disconnects first,
 * the run is aborted (its model request and tools are cancelled) and nothing is sent.
 *
 * @param options - the agent, the input, the run context, the admitted slot, the response.
 */
export async function runChatJson({
  agent,
  input,
  context,
  hooks,
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
    const result = await agent.run(input, {
      signal: slot.signal,
      sessionId: context.sessionId,
      context,
      ...(hooks ? { hooks } : {}),
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
 * The JSON answer for a run that answered or paused: the conversation and the tools' raw values
 * stay on the server. A paused run's answer lists what it waits for instead of an answer.
 *
 * @param result - the run's result.
 * @param context - the session and agent of the run.
 * @returns the body of `POST /v1/chat` (and of `POST /v1/runs/:id/approve`).
 */
export function toChatResponse(result: RunResult<unknown>, context: ChatContext): ChatResponse {
  const base: RunResponseBase = {
    runId: result.runId,
    sessionId: context.sessionId,
    agent: context.agent,
    usage: result.usage,
    toolCalls: result.toolCalls.map((call) => ({
      name: call.name,
      ok: call.outcome.ok,
      durationMs: call.durationMs,
      ...(call.outcome.error ? { error: call.outcome.error.code } : {}),
    })),
    turns: result.turns,
  };
  if (result.status === 'interrupted') {
    return {
      status: 'interrupted',
      ...base,
      interruptions: result.interruptions.map(({ id, kind, name, args, reason }) => ({
        id,
        kind,
        name,
        args,
        ...(reason !== undefined ? { reason } : {}),
      })),
    };
  }
  const structured = result.output !== result.text;
  return {
    status: 'completed',
    ...base,
    text: result.text,
    ...(structured ? { output: result.output } : {}),
    finishReason: result.finishReason,
  };
}
