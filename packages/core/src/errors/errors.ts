/**
 * The errors agentloop throws, grouped by whose fault they are:
 *
 * - the user's configuration: {@link ConfigurationError} (`invalid_config`), thrown as early as
 *   the fault can be seen;
 * - the model's behaviour: {@link MaxTurnsExceededError} (`max_turns_exceeded`) and
 *   {@link OutputValidationError} (`output_validation_failed`), carrying what the run produced;
 * - the system (network, provider, cancellation): {@link ModelError} (`model_error`),
 *   {@link RunAbortedError} (`run_aborted`) and `DeadlineExceededError` (`deadline_exceeded`).
 *
 * Faults the model causes inside a turn (bad tool arguments, unknown tools, tools that throw) are
 * not exceptions: the model sees them as tool messages and carries on.
 *
 * `AgentError` itself lives in `@agentloop/protocol`, at the bottom of the package graph, and the
 * errors of `@agentloop/tools` and `@agentloop/memory` extend it too: `instanceof AgentError`
 * holds for all of them, and {@link AgentError.isInstance}, which checks the
 * `Symbol.for('agentloop.error')` marker, recognises them even across duplicate copies of a
 * package, where `instanceof` fails.
 *
 * @module
 */

import type { PartialRunResult } from '../run/run-result.js';
import { AgentError, type AgentErrorOptions, hasCode, serializeCause } from './agent-error.js';

export {
  AGENT_ERROR_MARKER,
  AgentError,
  type AgentErrorCode,
  type AgentErrorInit,
  type AgentErrorLike,
  type AgentErrorOptions,
} from './agent-error.js';
export { DeadlineExceededError } from './deadline-error.js';
export { MaxHandoffsExceededError } from './max-handoffs-error.js';
export {
  ModelError,
  type ModelErrorOptions,
  type ModelTimeoutKind,
  type PartialToolCall,
} from './model-error.js';

/** Options of {@link ConfigurationError}. */
export interface ConfigurationErrorOptions extends AgentErrorOptions {
  /** The option at fault, e.g. `apiKey` or `maxTurns`. */
  option?: string | undefined;
}

/**
 * The user's configuration is wrong or incomplete (a missing API key, an invalid option).
 * Code `invalid_config`. Fix the configuration; retrying cannot help.
 *
 * `invalid_config` is the code of a misconfiguration in every package, and each names the option
 * at fault in `option`, so {@link ConfigurationError.isInstance} is also true for the
 * misconfiguration errors of tools (`ToolDefinitionError`, `BuiltinToolError`) and memory
 * (`InvalidOptionError`).
 */
export class ConfigurationError extends AgentError {
  /** The option at fault, when one can be named. */
  readonly option: string | undefined;

  /**
   * @param message - what is wrong and how to fix it.
   * @param options - `option`, `cause`.
   */
  constructor(message: string, options: ConfigurationErrorOptions = {}) {
    super({ code: 'invalid_config', message, cause: options.cause });
    this.option = options.option;
  }

  /**
   * True for a misconfiguration (code `invalid_config`) from any agentloop package or copy of
   * one: a {@link ConfigurationError}, or tools' or memory's error of the same code.
   */
  static override isInstance(error: unknown): error is ConfigurationError {
    return hasCode(error, 'invalid_config');
  }

  protected override details(): Record<string, unknown> {
    return { option: this.option };
  }
}

/**
 * The model kept calling tools until the turn limit. Code `max_turns_exceeded`. `result` is the
 * partial run result (messages and usage so far).
 *
 * @typeParam TResult - the type of the partial result. @default {@link PartialRunResult}
 */
export class MaxTurnsExceededError<TResult = PartialRunResult> extends AgentError {
  /** The limit that was reached. */
  readonly maxTurns: number;
  /** The partial result of the run: its messages, usage and tool calls so far. */
  readonly result: TResult;

  /**
   * @param options - `maxTurns`, the partial `result`, an optional `message` and `cause`.
   */
  constructor(
    options: { maxTurns: number; result: TResult; message?: string } & AgentErrorOptions,
  ) {
    super({
      code: 'max_turns_exceeded',
      message:
        options.message ??
        `The run reached maxTurns (${options.maxTurns}) and the model was still calling tools, so there is no final answer. Raise maxTurns, or set onMaxTurns: 'final-answer' to ask for one last answer without tools; the partial result is on error.result.`,
      cause: options.cause,
    });
    this.maxTurns = options.maxTurns;
    this.result = options.result;
  }

  /** True for a {@link MaxTurnsExceededError} from any copy of the package. */
  static override isInstance(error: unknown): error is MaxTurnsExceededError {
    return hasCode(error, 'max_turns_exceeded');
  }

  /** The partial result is left out: it holds the whole conversation. */
  protected override details(): Record<string, unknown> {
    return { maxTurns: this.maxTurns };
  }
}

/** One reason a structured output failed its schema. */
export interface OutputValidationIssue {
  /** Where in the output, e.g. `['items', 0, 'price']`; empty for the root. */
  readonly path: ReadonlyArray<PropertyKey>;
  /** What was wrong there. */
  readonly message: string;
}

/**
 * The model's final answer did not match the `output` schema, even after the repairs allowed.
 * Code `output_validation_failed`. Carries the last raw text and the validation issues.
 */
export class OutputValidationError extends AgentError {
  /** The last raw text the model returned. */
  readonly text: string;
  /** Why it failed validation. */
  readonly issues: readonly OutputValidationIssue[];
  /** How many answers were validated in all (the first plus the repairs). */
  readonly attempts: number | undefined;

  /**
   * @param options - the last `text`, its `issues`, `attempts`, an optional `message` and `cause`.
   */
  constructor(
    options: {
      text: string;
      issues: readonly OutputValidationIssue[];
      attempts?: number | undefined;
      message?: string;
    } & AgentErrorOptions,
  ) {
    const listed = options.issues
      .slice(0, 5)
      .map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
      .join('; ');
    const after = options.attempts === undefined ? '' : ` after ${options.attempts} attempt(s)`;
    super({
      code: 'output_validation_failed',
      message:
        options.message ??
        `The model's final answer did not match the output schema${after} (${listed || 'it was not valid JSON'}). Describe the expected fields in the instructions, loosen the schema, or allow more repairs; the raw text is on error.text.`,
      cause: options.cause,
    });
    this.text = options.text;
    this.issues = options.issues;
    this.attempts = options.attempts;
  }

  /** True for an {@link OutputValidationError} from any copy of the package. */
  static override isInstance(error: unknown): error is OutputValidationError {
    return hasCode(error, 'output_validation_failed');
  }

  protected override details(): Record<string, unknown> {
    return {
      text: this.text,
      issues: this.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      attempts: this.attempts,
    };
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/**
 * The run was cancelled through its `signal`. Code `run_aborted`. Carries the abort `reason`
 * and the partial result of the run (`error.result?.text` is the text already streamed).
 *
 * @typeParam TResult - the type of the partial result. @default {@link PartialRunResult}
 */
export class RunAbortedError<TResult = PartialRunResult> extends AgentError {
  /** The signal's `reason` (a `DOMException` named `AbortError` unless the caller gave one). */
  readonly reason: unknown;
  /**
   * What the run had produced when it was aborted (its messages, usage, tool calls, and the text
   * already streamed). Always set on the errors a run rejects with; `undefined` only for an
   * error built without one.
   */
  readonly result: TResult | undefined;

  /**
   * @param options - the abort `reason`, the partial `result`, an optional `message` and `cause`.
   */
  constructor(
    options: {
      reason?: unknown;
      result?: TResult | undefined;
      message?: string;
    } & AgentErrorOptions = {},
  ) {
    super({
      code: 'run_aborted',
      message:
        options.message ??
        `The run was aborted through its signal${describeReason(options.reason)}; what it had produced is on error.result.`,
      cause: options.cause ?? (options.reason instanceof Error ? options.reason : undefined),
    });
    this.reason = options.reason;
    this.result = options.result;
  }

  /** True for a {@link RunAbortedError} from any copy of the package. */
  static override isInstance(error: unknown): error is RunAbortedError {
    return hasCode(error, 'run_aborted');
  }

  protected override details(): Record<string, unknown> {
    return { reason: serializeCause(this.reason) };
  }
}

function describeReason(reason: unknown): string {
  if (reason === undefined) return '';
  if (reason instanceof Error) {
    return reason.name === 'AbortError' && /aborted/i.test(reason.message)
      ? ''
      : `: ${reason.message}`;
  }
  return `: ${typeof reason === 'string' ? reason : (JSON.stringify(reason) ?? String(reason))}`;
}
