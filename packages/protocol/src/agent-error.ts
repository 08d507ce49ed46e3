/**
 * The one error base of every agentloop package: `@agentloop/core`, `@agentloop/tools` and
 * `@agentloop/memory` all throw subclasses of this `AgentError`, so `instanceof AgentError` holds
 * for any of them, and `AgentError.isInstance` recognises them even across duplicate copies of a
 * package, where `instanceof` fails.
 *
 * @module
 */

import { serializeCause } from './serialize-cause.js';

/**
 * The marker every agentloop error carries, `Symbol.for('agentloop.error')`: the same symbol in
 * every copy of every package, which is what {@link AgentError.isInstance} checks.
 */
export const AGENT_ERROR_MARKER: unique symbol = Symbol.for('agentloop.error');

/**
 * What {@link AgentError.isInstance} guarantees about an error from any agentloop package, or any
 * copy of one: an `Error` with a stable snake_case `code`.
 */
export interface AgentErrorLike extends Error {
  /** A stable snake_case code, e.g. `model_error`, `invalid_config` or `context_overflow`. */
  readonly code: string;
}

/** Options shared by every {@link AgentError} constructor. */
export interface AgentErrorOptions {
  /** The underlying error, kept on `error.cause`. */
  cause?: unknown;
}

/** What {@link AgentError}'s own constructor takes. */
export interface AgentErrorInit extends AgentErrorOptions {
  /** The stable, snake_case code of this kind of fault. */
  code: string;
  /** What happened, what was expected, and what to do about it. */
  message: string;
}

/**
 * The base of every error agentloop throws: a stable `code`, context fields on the subclasses,
 * `cause`, and a JSON form for logs.
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
   * @param init - `code` (stable, snake_case), `message` (what happened and what to do about
   * it) and `cause`.
   */
  constructor({ code, message, cause }: AgentErrorInit) {
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
    return hasMarker(error, AGENT_ERROR_MARKER);
  }

  /**
   * True when `error` is an agentloop error (an `Error` with a string `code`) that carries
   * `marker` as `true`. A subclass whose errors share a code with another package's (as every
   * package's `invalid_config` does) marks its instances with a `Symbol.for` of its own and
   * recognises them with this in its `isInstance`, across copies of the package.
   * @param error - anything caught.
   * @param marker - the symbol the subclass sets on its instances.
   * @returns whether `error` carries the marker.
   */
  protected static hasMarker(error: unknown, marker: symbol): error is AgentErrorLike {
    return hasMarker(error, marker);
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

/**
 * {@link AgentError.hasMarker}, outside the class: a class that names itself in its body is
 * renamed by the bundler (see scripts/bundle-package.mjs), and its errors' `name` with it.
 */
function hasMarker(error: unknown, marker: symbol): error is AgentErrorLike {
  return (
    error instanceof Error &&
    (error as unknown as Record<symbol, unknown>)[marker] === true &&
    (error as unknown as Record<symbol, unknown>)[AGENT_ERROR_MARKER] === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
