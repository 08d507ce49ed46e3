import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ToolList, ToolNameOf } from '../agent/tool-calls.js';
import { ConfigurationError } from '../errors/errors.js';
import type { Usage } from '../models/usage.js';
import type { ToolCallRecordOf } from './run-result.js';

/**
 * A stop condition made by {@link stopAtTool}: the run ends when a call to this tool succeeds.
 *
 * @typeParam TName - The tool's name.
 */
export interface StopAtTool<TName extends string = string> {
  readonly kind: 'stop_at_tool';
  /** The tool whose successful call ends the run. */
  readonly toolName: TName;
}

/**
 * What a stop predicate sees after a turn: the run so far, as the loop holds it.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools, which type `toolCalls`.
 */
export interface StopView<TContext = unknown, TTools extends ToolList = ToolList> {
  /** The run's id. */
  runId: string;
  /** The agent's `name`. */
  agent: string;
  /** The run's `context` option. */
  context: TContext;
  /** The turn that just ended, from 1. */
  turn: number;
  /** The whole conversation so far: instructions, history, input and what the run added. */
  messages: readonly ChatCompletionMessageParam[];
  /** Every tool call of the run so far, in call order (`turn` says which turn made it). */
  toolCalls: readonly ToolCallRecordOf<TTools>[];
  /** Tokens (and cost) summed over the model calls so far. */
  usage: Usage;
  /** The text the model wrote in the turn that just ended (`''` when none, as beside tool calls). */
  text: string;
}

/**
 * A stop predicate: checked after each turn that did not end the run; `true` ends it.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools.
 */
export type StopPredicate<TContext = unknown, TTools extends ToolList = ToolList> = (
  run: StopView<TContext, TTools>,
) => boolean | Promise<boolean>;

/**
 * When a run ends before the model answers (`stopWhen`): a successful call to a tool
 * ({@link stopAtTool}), or a predicate over the run so far ({@link StopPredicate}). A list stops
 * when any holds; the first listed that holds decides the answer (the agent's before the run's).
 *
 * Conditions are checked after each turn that did not end the run (a turn that ran tools, or
 * one that asked for a structured-output repair), after `turn:end` and before `maxTurns` is
 * looked at: a condition that holds after the last allowed turn ends the run normally instead
 * of with `MaxTurnsExceededError`. A stopped run ends with `run:end` and
 * `result.finishReason === 'stop_when'`.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools: `stopAtTool` takes one of their names.
 */
export type StopCondition<TContext = unknown, TTools extends ToolList = ToolList> =
  | StopAtTool<ToolNameOf<TTools>>
  | StopPredicate<TContext, TTools>;

/**
 * A stop condition of one run (`run(input, { stopWhen })`): as {@link StopCondition}, with any
 * tool name (checked when the run starts), so that run options written for any agent fit every
 * agent.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools, which type what a predicate sees.
 */
export type RunStopCondition<TContext = unknown, TTools extends ToolList = ToolList> =
  | StopAtTool
  | StopPredicate<TContext, TTools>;

/**
 * A stop condition: the run ends when a call to the tool `toolName` succeeds (`outcome.ok`),
 * with that call's result as the answer. The other calls of the same turn still run to their
 * end (their results stay in the conversation); when the tool is called more than once in the
 * turn, the first successful call in call order is the answer. A call that fails (invalid
 * arguments, a throw, a denial) does not stop the run: the model sees the failure and goes on.
 *
 * The answer: `result.text` is the call's `outcome.output` (the string the model would have
 * seen). Without an `output` schema `result.output` is that text too (the tool's own value
 * stays on `result.toolCalls`); with one, `result.output` is the tool's value validated by the
 * schema (a string value is parsed as JSON first), and a value that does not fit fails the run
 * with `OutputValidationError`.
 *
 * @param toolName - A tool of the agent (checked when a run starts).
 * @returns the condition, for `stopWhen`.
 * @example
 * ```ts
 * const agent = new Agent({ name: 'a', model, tools: [search, answer], stopWhen: stopAtTool('answer') });
 * const { text } = await agent.run('...'); // the output of the `answer` call
 * ```
 */
export function stopAtTool<const TName extends string>(toolName: TName): StopAtTool<TName> {
  if (typeof toolName !== 'string' || toolName === '') {
    throw new ConfigurationError(
      `stopAtTool(name) expects the name of one of the agent's tools; got ${typeof toolName === 'string' ? 'an empty string' : typeof toolName}.`,
      { option: 'stopWhen' },
    );
  }
  return Object.freeze({ kind: 'stop_at_tool', toolName });
}

/** Whether a value is a condition made by {@link stopAtTool}. */
export function isStopAtTool(value: unknown): value is StopAtTool {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as StopAtTool).kind === 'stop_at_tool' &&
    typeof (value as StopAtTool).toolName === 'string'
  );
}

/** The `stopWhen` option as a list: nothing, one condition, or a list of them. */
export function stopConditions<TContext>(
  option: StopCondition<TContext> | readonly StopCondition<TContext>[] | undefined,
): readonly StopCondition<TContext>[] {
  if (option === undefined) return [];
  return Array.isArray(option) ? option : [option as StopCondition<TContext>];
}
