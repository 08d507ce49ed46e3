import type { SummaryState } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { EventBus } from '../events/event-bus.js';
import type { FinishReason } from '../models/model.js';
import type { Usage } from '../models/usage.js';
import type { ResolvedModelTimeouts } from './model-timeouts.js';
import type { ToolCallRecord } from './run-result.js';

/**
 * Everything one run owns. It lives on the stack of `executeRun`, never on the agent, so one
 * agent serves any number of concurrent runs.
 */
export interface ActiveRun<TContext> {
  readonly runId: string;
  readonly agent: string;
  readonly context: TContext;
  /** Aborted when the caller aborts; handed to the model and to every tool. */
  readonly signal: AbortSignal;
  readonly bus: EventBus;
  readonly sessionId: string | undefined;
  /** The bounds of every model call of the run (see `ModelTimeouts`). */
  readonly timeouts: ResolvedModelTimeouts;
  /** In streamed runs: resolves when the consumer has caught up (backpressure). */
  readonly consumerReady: (() => Promise<void> | undefined) | undefined;
  turn: number;
  /** The whole conversation: instructions, history, input and what the run added. */
  messages: ChatCompletionMessageParam[];
  /** Where this run's own messages start in `messages` (after instructions and history). */
  firstNew: number;
  /** How many of `messages` the session store already holds (or never will: instructions). */
  saved: number;
  usage: Usage;
  toolCalls: ToolCallRecord[];
  finishReason: FinishReason | null;
  text: string;
  /**
   * The text streamed so far by the model call in progress (`undefined` between calls and in
   * `generate` mode), so that a run cancelled mid-reply keeps the text already shown.
   */
  partialText: string | undefined;
  /** The conversation summary when memory summarises, extended from turn to turn. */
  summary: SummaryState | undefined;
}
