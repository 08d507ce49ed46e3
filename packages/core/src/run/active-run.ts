import type { SessionLease, SummaryState } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { EventBus } from '../events/event-bus.js';
import type { FinishReason } from '../models/model.js';
import type { Usage } from '../models/usage.js';
import type { RunBudget } from '../tree/budget.js';
import type { ChildLink } from '../tree/child-link.js';
import type { PendingHandoff } from './handoff-calls.js';
import type { ResolvedModelTimeouts } from './model-timeouts.js';
import type { ToolCallRecord } from './run-result.js';
import type { PendingToolCall, RunStatus, SnapshotInterruption } from './run-snapshot.js';

/**
 * Everything one run owns. It lives on the stack of `executeRun`, never on the agent, so one
 * agent serves any number of concurrent runs.
 *
 * Two halves: the runtime handles (`signal`, `bus`, `context`, `consumerReady`, `timeouts`,
 * `checkpoint`, `sessionLease`), which never leave the process, and the progress (every other field), which
 * `snapshotOf` turns into the JSON `RunSnapshot` a run store keeps and a resumed run starts
 * from. The loop's steps keep all progress here, none in local variables, so that a snapshot
 * taken at any checkpoint is enough to continue.
 */
export interface ActiveRun<TContext> {
  readonly runId: string;
  /** The agent the run was started with (the root of its handoffs), by name. */
  readonly agent: string;
  readonly context: TContext;
  /** Aborted when the caller aborts; handed to the model and to every tool. */
  readonly signal: AbortSignal;
  /**
   * Makes `signal` abort when `source` does too: a source learned once the run has started (a
   * session lease that can be lost).
   */
  readonly follow: (source: AbortSignal) => void;
  readonly bus: EventBus;
  readonly sessionId: string | undefined;
  /**
   * The session held across processes while the run goes on (`memory.sessionLock`); the turns
   * are appended under it.
   */
  sessionLease: SessionLease | undefined;
  /** The bounds of every model call of the run (see `ModelTimeouts`). */
  readonly timeouts: ResolvedModelTimeouts;
  /** In streamed runs: resolves when the consumer has caught up (backpressure). */
  readonly consumerReady: (() => Promise<void> | undefined) | undefined;
  /** How its model calls are made; a child run is made the way its parent is. */
  readonly mode: 'generate' | 'stream';
  /** The run whose tool call started this one (`agent.asTool()`); `undefined` for a root run. */
  readonly parent: ActiveRun<unknown> | undefined;
  /** The agents from the root run down to this one, root first (the active agent last). */
  path: readonly string[];
  /** The tree's budget: the root run's `budget` option, shared by every run below it. */
  readonly budget: RunBudget | undefined;
  /** The child runs of the turn's agent-tool calls, by call id, while they go on. */
  readonly children: Map<string, ChildLink>;
  turn: number;
  /** The agent answering now: `agent` until a handoff makes another one active. */
  activeAgent: string;
  /** The handoffs made so far. */
  handoffs: number;
  /** A handoff decided by the turn in progress, carried out once its calls have results. */
  handoff: PendingHandoff | undefined;
  /** The whole conversation: instructions, history, input and what the run added. */
  messages: ChatCompletionMessageParam[];
  /** Where this run's own messages start in `messages` (after instructions and history). */
  firstNew: number;
  /** How many of `messages` the session store already holds (or never will: instructions). */
  saved: number;
  /** Tokens and cost of this run's model calls and of every run it called (the tree below it). */
  usage: Usage;
  /** `usage` split by the agent that made the calls. */
  usageByAgent: Record<string, Usage>;
  /** The model calls of this run and of every run it called (what `budget.maxTurns` counts). */
  treeTurns: number;
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
  /** Structured-output repairs asked for so far. */
  repairs: number;
  status: RunStatus;
  /** The tool calls of the turn in progress, while their results are not all in `messages`. */
  pending: PendingToolCall[] | undefined;
  /** What the run waits for once it is `interrupted`. */
  interruptions: SnapshotInterruption[];
  /** What its `wrapRun` middleware keep with the run (`ctx.metadata`), saved in every snapshot. */
  metadata: Record<string, string>;
  /**
   * Saves a snapshot with the run store, when the agent has one; resolves once it is stored.
   * Checkpoints asked for while one is being written share the next write.
   */
  readonly checkpoint: () => Promise<void> | undefined;
}
