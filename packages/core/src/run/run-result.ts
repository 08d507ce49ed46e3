import type { ToolOutcome } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ToolCallShape, ToolCallShapes, ToolList } from '../agent/tool-calls.js';
import type { FinishReason } from '../models/model.js';
import type { Usage } from '../models/usage.js';
import type { Interruption, RunState } from './run-state.js';

/** How a run came back: with its answer, or paused for decisions (see {@link RunResult.interruptions}). */
export type RunResultStatus = 'completed' | 'interrupted';

/**
 * One tool call of a run, with what came of it.
 *
 * A run's `toolCalls` are the union {@link ToolCallRecordOf} of the agent's tools: narrow on
 * `name`, then on `outcome.ok`, to get the tool's `outcome.value` and validated `outcome.args`.
 *
 * @typeParam TName - The tool's name.
 * @typeParam TOutcome - The outcome's type.
 */
export interface ToolCallRecord<
  TName extends string = string,
  TOutcome extends ToolOutcome = ToolOutcome,
> {
  /** The call id the model gave. */
  id: string;
  /** The tool's name. */
  name: TName;
  /**
   * The arguments as the model sent them (parsed, or rewritten by `beforeTool`), or the raw
   * string when they were not valid JSON: a record of the call for logs and replays, not
   * validated, hence `unknown`. The validated arguments (what `beforeTool` and `tool:start`
   * saw) of a call that ran are `outcome.args`.
   */
  arguments: unknown;
  /** The turn the call was made in, from 1. */
  turn: number;
  /** What came of the call; `outcome.error` says why when it failed or was denied. */
  outcome: TOutcome;
  /** How long the call took, in ms. */
  durationMs: number;
}

/**
 * The tool call records of an agent with these tools: one member per tool, typed by its name,
 * plus one for a name the model invented (always a failed outcome, `unknown_tool`). A wide list
 * gives {@link ToolCallRecord}, plus that redundant failure member.
 *
 * @typeParam TTools - The agent's tools.
 */
export type ToolCallRecordOf<TTools extends ToolList = ToolList> = Records<ToolCallShapes<TTools>>;

type Records<TShape> = TShape extends ToolCallShape
  ? ToolCallRecord<TShape['name'], TShape['outcome']>
  : never;

/**
 * Why a run ended: the last model call's finish reason (`stop` for an answer; `length` and
 * `content_filter` mean it is incomplete), or `stop_when` when a `stopWhen` condition ended the
 * run after a turn (its answer is then a tool's result or the turn's text, see `stopWhen`).
 */
export type RunFinishReason = FinishReason | 'stop_when';

/**
 * What a finished run returns.
 *
 * @typeParam TOutput - the validated structured output when the agent has an `output` schema,
 * else the final text.
 * @typeParam TTools - the agent's tools, which type `toolCalls` (see {@link ToolCallRecordOf}).
 */
export interface RunResult<TOutput = string, TTools extends ToolList = ToolList> {
  /** A unique id, the same on every event of the run and of its resumptions. */
  runId: string;
  /**
   * The name of the agent that was active when the run ended: the agent that was run, or the
   * last one a handoff made active.
   */
  agent: string;
  /**
   * `completed`: the model answered. `interrupted`: the run paused for decisions on
   * `interruptions`; decide them on `state`, then `agent.run(state)` continues it.
   */
  status: RunResultStatus;
  /**
   * The structured output (validated) with an `output` schema, else the final text. While the
   * run is `interrupted` it has no answer yet: `output` is `undefined` and `text` is `''`.
   */
  output: TOutput;
  /** The text of the final answer (`''` when the model gave none, or while interrupted). */
  text: string;
  /** What the run waits for when `interrupted` (approvals, unknown outcomes); empty otherwise. */
  interruptions: Interruption[];
  /**
   * The run as data: `state.toString()` to store it, `state.approve(i)` / `state.reject(i)` to
   * decide its interruptions, `agent.run(state)` to continue it.
   */
  state: RunState;
  /** The whole conversation as the run ended: instructions, loaded history, input and new messages. */
  messages: ChatCompletionMessageParam[];
  /** The messages this run added: the input, then every assistant and tool message. */
  newMessages: ChatCompletionMessageParam[];
  /** How many model calls the run made. */
  turns: number;
  /**
   * Tokens summed over every model call, and the cost when the model's price is known: the
   * run's own calls and those of every agent it called as a tool (`agent.asTool()`).
   */
  usage: Usage;
  /** `usage` split by agent name: this agent's own calls, and each agent it called. */
  usageByAgent: Record<string, Usage>;
  /** Every tool call in the order the model made them. */
  toolCalls: ToolCallRecordOf<TTools>[];
  /**
   * Why the last model call stopped (`length` and `content_filter` mean the answer is
   * incomplete), or `'stop_when'` when a `stopWhen` condition ended the run.
   */
  finishReason: RunFinishReason | null;
}

/**
 * What a run had produced when it ended early: the `result` of `RunAbortedError` and
 * `MaxTurnsExceededError`. Every field of a {@link RunResult}, so far: the messages, usage and tool
 * calls up to the end, and as `text` (and `output`, never a validated structured output) the
 * text of the reply being streamed when the run was cancelled (what was already shown), else of
 * the last answer (`''` when there was none).
 */
export type PartialRunResult = Omit<RunResult<string>, 'status' | 'interruptions' | 'state'>;
