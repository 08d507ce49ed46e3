import type { SummaryState } from '@agentloop/memory';
import type { ToolImage } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { FinishReason } from '../models/model.js';
import type { Usage } from '../models/usage.js';

/** The snapshot format this version of agentloop writes; `RunState.parse` refuses newer ones. */
export const RUN_SNAPSHOT_VERSION = 1;

/**
 * Where a run is: `running` (between checkpoints, or its process died), `interrupted` (waiting
 * for approvals or a decision on an unknown outcome), `completed` (it answered), `failed` (it
 * ended with an error; the error is not kept).
 */
export type RunStatus = 'running' | 'interrupted' | 'completed' | 'failed';

/**
 * Where one tool call of the turn in progress stands:
 * - `waiting`: not started yet (a crash here: it simply runs on resume);
 * - `started`: its tool began and did not finish as far as anyone recorded (a crash here: re-run
 *   on resume only when the tool is `idempotent`, otherwise an `unknown_outcome` interruption);
 * - `done`: it has its outcome and never runs again;
 * - `interrupted`: it waits for a person or program (see the run's `interruptions`);
 * - `approved` / `rejected`: decided; an approved call runs on resume without asking again, a
 *   rejected one answers the model with the rejection's message.
 */
export type PendingToolCallStatus =
  | 'waiting'
  | 'started'
  | 'done'
  | 'interrupted'
  | 'approved'
  | 'rejected';

/** The JSON form of a finished tool call's outcome (`ToolOutcome` without its `value`). */
export interface SnapshotToolOutcome {
  ok: boolean;
  /** The string the model sees. */
  output: string;
  error?: { code: string; message: string };
  durationMs: number;
  /** The tool's return value when it is plain JSON; absent otherwise. */
  value?: unknown;
  /** The validated arguments the tool ran with, when they are plain JSON. */
  args?: unknown;
  /** The images the tool returned (`image_url` parts), sent to the model after the tool messages. */
  images?: ToolImage[];
}

/** One tool call of the turn in progress: the assistant message has it, its result is not in `messages` yet. */
export interface PendingToolCall {
  toolCallId: string;
  name: string;
  /** The arguments as the model sent them (a JSON string, possibly invalid). */
  arguments: string;
  status: PendingToolCallStatus;
  /** Set when `done`. */
  outcome?: SnapshotToolOutcome;
  /** Set when `rejected`: what the model is told. */
  rejection?: string;
  /** Set after a `beforeTool` rewrite or an approval with other arguments: what the tool runs with. */
  args?: unknown;
  /**
   * For a call of an agent tool (`agent.asTool()`): the child run's snapshot while the call is
   * not done (it ran, paused for decisions, or a crash cut it short), so that continuing the
   * parent continues the child where it stopped. Removed once the call is done.
   */
  child?: RunSnapshot;
}

/** Why a run paused, for someone to decide. */
export interface SnapshotInterruption {
  /** Stable within the run: what `state.approve(i)` / `state.reject(i)` refer to. */
  id: string;
  /** `approval`: the call needs a yes or no. `unknown_outcome`: the call may or may not have run before a crash. */
  kind: 'approval' | 'unknown_outcome';
  /** The agent whose tool it is. */
  agent: string;
  /** The agents from the top-level one down to `agent` (one element until agents call agents). */
  path: string[];
  toolCallId: string;
  name: string;
  /** The validated arguments when they were valid, else the raw string. */
  args: unknown;
  /** What asked for the interruption (`beforeTool`'s reason, or a default sentence). */
  reason?: string;
}

/**
 * A run's progress as plain JSON: everything needed to continue it in another process, and
 * nothing of the runtime (no signal, listeners or user context). The loop's steps read and
 * write it; `RunState` wraps it for users; run stores save it at every checkpoint.
 */
export interface RunSnapshot {
  version: typeof RUN_SNAPSHOT_VERSION;
  runId: string;
  /** The name of the agent the run was started with (the root of its handoffs). */
  agent: string;
  /**
   * The agent answering now, when a handoff made another agent than `agent` active; resolved by
   * name among the agents `agent` reaches through its handoffs.
   */
  activeAgent?: string;
  /** The handoffs made so far, when there were any. */
  handoffs?: number;
  /**
   * A handoff the turn in progress decided (its winning call, `from` and `to`), carried out once
   * the turn's calls all have results.
   */
  handoff?: { toolCallId: string; toolName: string; from: string; to: string; done?: true };
  status: RunStatus;
  sessionId?: string;
  /** The last turn begun, from 1 (0 before the first model call). */
  turn: number;
  /** The whole conversation: resolved instructions, history, input and what the run added. */
  messages: ChatCompletionMessageParam[];
  /** Where the run's own messages start in `messages`. */
  firstNew: number;
  /** How many of `messages` the session store holds (or never will: instructions). */
  saved: number;
  /** Tokens and cost of the run's model calls and of the runs it called. */
  usage: Usage;
  /** `usage` split by agent; absent in snapshots of versions that did not split it. */
  usageByAgent?: Record<string, Usage>;
  /** Model calls of the run and of the runs it called; `turn` when absent. */
  treeTurns?: number;
  /** The finished tool calls of earlier turns, in call order. */
  toolCalls: Array<{
    id: string;
    name: string;
    arguments: unknown;
    turn: number;
    outcome: SnapshotToolOutcome;
  }>;
  finishReason: FinishReason | null;
  /** The answer's text, once there is one. */
  text: string;
  /** Structured-output repairs asked for so far. */
  repairs: number;
  summary?: SummaryState;
  /**
   * The tool calls of the last assistant message while their results are not all in
   * `messages`, in call order; absent between turns.
   */
  pending?: PendingToolCall[];
  /** What the run waits for, when `status` is `interrupted`. */
  interruptions: SnapshotInterruption[];
  /**
   * Strings the run's `wrapRun` middleware keep with it (`ctx.metadata`), such as a tracer's
   * span ids; absent when none were written.
   */
  metadata?: Record<string, string>;
  /** ISO time of this checkpoint. */
  savedAt: string;
}
