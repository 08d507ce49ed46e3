/**
 * The base of agentloop's errors and the helpers its subclasses share. See `errors.ts` for the
 * subclasses and how they are grouped.
 *
 * @module
 */

import type { RunStateErrorCode } from './run-state-error.js';

/** The marker every agentloop error carries; shared with `@agentloop/tools` and `@agentloop/memory`. */
export const AGENT_ERROR_MARKER: unique symbol = Symbol.for('agentloop.error');

/** The stable codes of the errors defined in `@agentloop/core`. */
export type AgentErrorCode =
  | 'invalid_config'
  | 'max_turns_exceeded'
  | 'output_validation_failed'
  | 'model_error'
  | 'run_aborted'
  | 'deadline_exceeded'
  | 'run_store_error'
  | RunStateErrorCode;

/**
 * What {@link AgentError.isInstance} guarantees about an error from any agentloop package: an
 * `Error` with a stable snake_case `code` (core's codes or those of tools and memory).
 */
export interface AgentErrorLike extends Error {
  /** A stable snake_case code, e.g. `model_error` or `context_overflow`. */
  readonly code: string;
}

/** Options shared by every {@link AgentError} constructor. */
export interface AgentErrorOptions {
  /** The underlying error, kept on `error.cause`. */
  cause?: unknown;
}

/** @internal True when `error` carries the agentloop marker and a string `code`. */
export function hasMarker(error: unknown): error is AgentErrorLike {
  return (
    error instanceof Error &&
    (error as unknown as Record<symbol, unknown>)[AGENT_ERROR_MARKER] === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** @internal True when `error` is an agentloop error with exactly this `code`. */
export function hasCode(error: unknown, code: AgentErrorCode): boolean {
  return hasMarker(error) && error.code === code;
}

/** @internal A JSON-safe summary of a cause chain: name, message, code; nothing else. */
export function serializeCause(cause: unknown, depth = 0): unknown {
  if (cause === undefined || depth > 4) return undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return {
      name: cause.name,
      message: cause.message,
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      ...(cause.cause !== undefined ? { cause: serializeCause(cause.cause, depth + 1) } : {}),
    };
  }
  if (typeof cause === 'object' && cause !== null) {
    try {
      return JSON.parse(JSON.stringify(cause)) as unknown;
    } catch {
      return String(cause);
    }
  }
  return typeof cause === 'bigint' || typeof cause === 'symbol' ? String(cause) : cause;
}

/**
 * The base of every error `@agentloop/core` throws: a stable `code`, context fields on the
 * subclasses, `cause`, and a JSON form for logs.
 *
 * @example
 * ```ts
 * try { await agent.run('hi'); }
 * catch (e) { if (AgentError.isInstance(e)) log.error(e.code, e.message); }
 * ```
 */
export class AgentError extends Error {
  /** The stable, snake_case code of this kind of error. */
  readonly code: string;
  /** The marker that {@link AgentError.isInstance} checks. */
  readonly [AGENT_ERROR_MARKER] = true as const;

  /**
   * @param options - `code` (stable, snake_case), `message` (what happened and what to do about
   * it) and `cause`.
   */
  constructor({ code, message, cause }: { code: string; message: string } & AgentErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }

  /**
   * True for any agentloop error, from core, tools or memory, even from another copy of the
   * package: it checks the `Symbol.for('agentloop.error')` marker, not the class.
   * @param error - anything caught.
   * @returns whether `error` is an agentloop error with a `code`.
   */
  static isInstance(error: unknown): error is AgentErrorLike {
    return hasMarker(error);
  }

  /** The context fields of the error, for {@link AgentError.toJSON}. Subclasses add theirs. */
  protected details(): Record<string, unknown> {
    return {};
  }

  /**
   * A plain object for logs and HTTP responses: `name`, `code`, `message`, the context fields
   * and a summary of the `cause` chain (name, message, code).
   */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...this.details(),
      ...(this.cause !== undefined ? { cause: serializeCause(this.cause) } : {}),
    };
  }
}
