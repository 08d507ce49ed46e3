/**
 * The errors `@agentloop/memory` throws. Each has a stable snake_case `code`, context fields, an
 * optional `cause`, and the `Symbol.for('agentloop.error')` marker that `AgentError.isInstance`
 * in `@agentloop/core` checks (this package never imports core).
 *
 * @module
 */

const AGENT_ERROR_MARKER = Symbol.for('agentloop.error');

/** The stable codes of the errors thrown by `@agentloop/memory`. */
export type MemoryErrorCode =
  | 'context_overflow'
  | 'invalid_session_id'
  | 'session_store_error'
  | 'invalid_option'
  /** Counting tokens where tiktoken cannot load: a runtime without Node builtins (edge). */
  | 'unsupported_runtime';

/**
 * Base class of every error thrown by `@agentloop/memory`.
 *
 * @example
 * ```ts
 * try { await store.load(id); } catch (e) { if (e instanceof MemoryError) console.log(e.code); }
 * ```
 */
export class MemoryError extends Error {
  /** The stable code of the fault. */
  readonly code: MemoryErrorCode;
  /** Marks agentloop errors across package copies; read by `AgentError.isInstance`. */
  readonly [AGENT_ERROR_MARKER] = true;

  /**
   * @param message - What was expected, what came, and what to do.
   * @param code - The stable code.
   * @param cause - The underlying error, if any.
   */
  constructor(message: string, code: MemoryErrorCode, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MemoryError';
    this.code = code;
  }
}

/** The message that could not be made to fit, as reported by {@link ContextOverflowError}. */
export interface OverflowingMessage {
  /** Its index in the `messages` given to `trimMessages`, or -1 for a message the trimmer made (the summary). */
  index: number;
  /** Its role. */
  role: string;
  /** Its size in tokens, framing included (after any shrinking). */
  tokens: number;
}

/**
 * Thrown by `trimMessages` when even the smallest valid request (the kept system messages, the
 * newest turn with its tool outputs shrunk, the tool definitions and the reserved reply tokens)
 * needs more than `maxTokens`.
 */
export class ContextOverflowError extends MemoryError {
  /** The budget that was given (`maxTokens`). */
  readonly budget: number;
  /** The tokens the smallest valid request needs, reserved reply tokens included. */
  readonly needed: number;
  /** The biggest message that had to be kept: the one to shorten. */
  readonly largestMessage: OverflowingMessage | undefined;

  /**
   * @param details - The budget, the size needed and the largest kept message.
   */
  constructor(details: {
    budget: number;
    needed: number;
    largestMessage: OverflowingMessage | undefined;
    reason: string;
  }) {
    const { budget, needed, largestMessage, reason } = details;
    const culprit = largestMessage
      ? ` The largest message that must be kept is messages[${largestMessage.index}] (role '${largestMessage.role}', ${largestMessage.tokens} tokens).`
      : '';
    super(
      `The conversation does not fit the token budget: it needs at least ${needed} tokens but maxTokens is ${budget} (${reason}).${culprit} Raise maxTokens, lower reserveOutputTokens, send fewer tool definitions, or shorten that message.`,
      'context_overflow',
    );
    this.name = 'ContextOverflowError';
    this.budget = budget;
    this.needed = needed;
    this.largestMessage = largestMessage;
  }
}

/**
 * Thrown for a misconfiguration: an option of `trimMessages`, `trimWithSummary`, `TokenCounter` or
 * `FileStore` that has the wrong type or range.
 */
export class InvalidOptionError extends MemoryError {
  /** The option at fault. */
  readonly option: string;

  /**
   * @param option - The option at fault.
   * @param expected - What it should be.
   * @param got - What came.
   */
  constructor(option: string, expected: string, got: unknown) {
    let shown: string;
    try {
      shown = typeof got === 'string' ? JSON.stringify(got) : String(JSON.stringify(got) ?? got);
    } catch {
      shown = typeof got;
    }
    super(`Invalid option '${option}': expected ${expected}, got ${shown}.`, 'invalid_option');
    this.name = 'InvalidOptionError';
    this.option = option;
  }
}

/** Thrown by the stores for a session id that is not a safe file name. */
export class InvalidSessionIdError extends MemoryError {
  /** The refused id (as given, when it was a string). */
  readonly sessionId: unknown;

  /**
   * @param sessionId - The refused id.
   * @param reason - What is wrong with it.
   */
  constructor(sessionId: unknown, reason: string) {
    const shown =
      typeof sessionId === 'string'
        ? JSON.stringify(sessionId.length > 80 ? `${sessionId.slice(0, 80)}…` : sessionId)
        : typeof sessionId;
    super(
      `Invalid session id ${shown}: ${reason}. A session id is 1 to 128 characters from letters, digits, '_', '-', '.' and '@', and does not start with '.'; map other ids (emails, paths, UUIDs with braces) to such a string first.`,
      'invalid_session_id',
    );
    this.name = 'InvalidSessionIdError';
    this.sessionId = sessionId;
  }
}

/** Thrown by `FileStore` when the file system fails (permissions, disk full, ...). */
export class SessionStoreError extends MemoryError {
  /** The session concerned. */
  readonly sessionId: string;
  /** The file concerned. */
  readonly file: string;

  /**
   * @param message - What failed and what to do.
   * @param details - The session, the file and the underlying error.
   */
  constructor(message: string, details: { sessionId: string; file: string; cause: unknown }) {
    super(message, 'session_store_error', details.cause);
    this.name = 'SessionStoreError';
    this.sessionId = details.sessionId;
    this.file = details.file;
  }
}
