/**
 * What the middleware knows of each run it traces while the run goes on: its `invoke_agent`
 * span and the context that holds it, its open `chat` calls (which events such as retries and
 * first chunks are put on), and the tokens of this part of the run.
 *
 * @module
 */
import type { Usage } from '@agentloop/core';
import type { Context, Span } from '@opentelemetry/api';

/** One model call being traced. */
export interface ChatCall {
  readonly span: Span;
  readonly turn: number;
  /** `performance.now()` when the span started, for the time to the first chunk. */
  readonly startedAt: number;
  /** Whether the first streamed chunk has been seen. */
  chunked: boolean;
  /** The call's usage as the loop counted it (`model:end`); absent when no model was called. */
  usage: Usage | undefined;
}

/** One part of a run being traced (a run, or one continuation of it). */
export interface RunTrace {
  readonly span: Span;
  /** The context the run's steps run in: the caller's, with the `invoke_agent` span. */
  readonly context: Context;
  readonly sessionId: string | undefined;
  /** The model calls under way, oldest first (one at a time, unless a middleware calls `next` twice at once). */
  readonly chats: ChatCall[];
  /** Whether `gen_ai.request.model` is on the run's span yet (from its first model call). */
  modelKnown: boolean;
  /** The tokens of this part's model calls, summed. */
  usage: {
    input: number;
    output: number;
    cached: number;
    reasoning: number;
    cost: number | undefined;
  };
}

/** The run traces of one middleware, by run id. */
export class RunTraces {
  readonly #runs = new Map<string, RunTrace>();

  get(runId: string): RunTrace | undefined {
    return this.#runs.get(runId);
  }

  set(runId: string, trace: RunTrace): void {
    this.#runs.set(runId, trace);
  }

  delete(runId: string, trace: RunTrace): void {
    // A later part of the same run may have taken the id over already.
    if (this.#runs.get(runId) === trace) this.#runs.delete(runId);
  }

  /** The newest open model call of a run's turn, which an event of that turn belongs to. */
  chatOf(runId: string, turn: number): ChatCall | undefined {
    const chats = this.#runs.get(runId)?.chats;
    if (!chats) return undefined;
    for (let i = chats.length - 1; i >= 0; i--) {
      const chat = chats[i] as ChatCall;
      if (chat.turn === turn) return chat;
    }
    return undefined;
  }
}

/** Adds one model call's usage to its run's. */
export function addUsage(run: RunTrace, usage: CallTokens): void {
  const total = run.usage;
  total.input += usage.input;
  total.output += usage.output;
  total.cached += usage.cached;
  total.reasoning += usage.reasoning;
  total.cost =
    total.cost === undefined || usage.cost === undefined ? undefined : total.cost + usage.cost;
}

/** The tokens of one model call. */
export interface CallTokens {
  input: number;
  output: number;
  cached: number;
  reasoning: number;
  cost: number | undefined;
}
