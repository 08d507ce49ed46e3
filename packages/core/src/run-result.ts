import type { ToolOutcome } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { FinishReason } from './model.js';
import type { Usage } from './usage.js';

/** One tool call of a run, with what came of it. */
export interface ToolCallRecord {
  /** The call id the model gave. */
  id: string;
  /** The tool's name. */
  name: string;
  /** The arguments the tool ran with (parsed), or the raw string when they were not valid JSON. */
  arguments: unknown;
  /** The turn the call was made in, from 1. */
  turn: number;
  /** What came of the call; `outcome.error` says why when it failed or was denied. */
  outcome: ToolOutcome;
  /** How long the call took, in ms. */
  durationMs: number;
}

/**
 * What a finished run returns.
 *
 * @typeParam TOutput - the validated structured output when the agent has an `output` schema,
 * else the final text.
 */
export interface RunResult<TOutput = string> {
  /** A unique id, the same on every event of the run. */
  runId: string;
  /** The structured output (validated) with an `output` schema, else the final text. */
  output: TOutput;
  /** The text of the final answer (`''` when the model gave none). */
  text: string;
  /** The whole conversation as the run ended: instructions, loaded history, input and new messages. */
  messages: ChatCompletionMessageParam[];
  /** The messages this run added: the input, then every assistant and tool message. */
  newMessages: ChatCompletionMessageParam[];
  /** How many model calls the run made. */
  turns: number;
  /** Tokens summed over every model call, and the cost when the model's price is known. */
  usage: Usage;
  /** Every tool call in the order the model made them. */
  toolCalls: ToolCallRecord[];
  /** Why the last model call stopped: `length` and `content_filter` mean the answer is incomplete. */
  finishReason: FinishReason | null;
}

/**
 * What a run had produced when it ended early: the `result` of `RunAbortedError` and
 * `MaxTurnsExceededError`. Every field of a {@link RunResult}, so far: the messages, usage and tool
 * calls up to the end, and as `text` (and `output`, never a validated structured output) the
 * text of the reply being streamed when the run was cancelled (what was already shown), else of
 * the last answer (`''` when there was none).
 */
export type PartialRunResult = RunResult<string>;
