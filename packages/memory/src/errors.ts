/**
 * The errors `@agentloop/memory` throws. Each is an `AgentError` (the base in
 * `@agentloop/protocol`, the class `@agentloop/core` exports; this package never imports core)
 * with a stable snake_case `code`, context fields and an optional `cause`.
 *
 * @module
 */

import { AgentError, type ConfigErrorCode } from '@agentloop/protocol';

/** The stable codes of the errors thrown by `@agentloop/memory`. */
export type MemoryErrorCode =
  | 'context_overflow'
  | 'invalid_session_id'
  | 'session_store_error'
  /** A wrong option ({@link InvalidOptionError}): the code every package gives a misconfiguration. */
  | ConfigErrorCode
  /** Counting tokens where tiktoken cannot load: a runtime without Node builtins (edge). */
  | 'unsupported_runtime'
  /** Counting tokens without tiktoken installed (an optional peer dependency). */
  | 'missing_dependency';

/** Marks a {@link MemoryError} in every copy of the package. */
const MEMORY_ERROR: unique symbol = Symbol.for('agentloop.error.memory');

/** True for a {@link MemoryError} of this code from any copy of the package. */
function isMemoryError(error: unknown, code: MemoryErrorCode): boolean {
  return MemoryError.isInstance(error) && error.code === code;
}

/**
 * Base class of every error thrown by `@agentloop/memory`, itself an `AgentError`.
 *
 * @example
 * ```ts
 * try { await store.load(id); } catch (e) { if (MemoryError.isInstance(e)) console.log(e.code); }
 * ```
 */
export class MemoryError extends AgentError {
  /** The stable code of the fault. */
  declare readonly code: MemoryErrorCode;
  /** Tells a {@link MemoryError} from other packages' errors of the same code. */
  readonly [MEMORY_ERROR] = true as const;

  /**
   * @param message - What was expected, what came, and what to do.
   * @param code - The stable code.
   * @param cause - The underlying error, if any.
   */
  constructor(message: string, code: MemoryErrorCode, cause?: unknown) {
    super({ code, message, cause });
    this.name = 'MemoryError';
  }

  /** True for a {@link MemoryError} (or a subclass) from any copy of the package. */
  static override isInstance(error: unknown): error is MemoryError {
    return AgentError.hasMarker(error, MEMORY_ERROR);
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

  /** True for a {@link ContextOverflowError} from any copy of the package. */
  static override isInstance(error: unknown): error is ContextOverflowError {
    return isMemoryError(error, 'context_overflow');
  }

  protected override details(): Record<string, unknown> {
    return { budget: this.budget, needed: this.needed, largestMessage: this.largestMessage };
  }
}

/**
 * Thrown for a misconfiguration: an option of `trimMessages`, `trimWithSummary`, `TokenCounter` or
 * `FileStore` that has the wrong type or range. Code `invalid_config`, the code every package
 * gives a misconfiguration (`ConfigurationError.isInstance` in `@agentloop/core` is true for it).
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
    super(`Invalid option '${option}': expected ${expected}, got ${shown}.`, 'invalid_config');
    this.name = 'InvalidOptionError';
    this.option = option;
  }

  /** True for an {@link InvalidOptionError} from any copy of the package. */
  static override isInstance(error: unknown): error is InvalidOptionError {
    return isMemoryError(error, 'invalid_config');
  }

  protected override details(): Record<string, unknown> {
    return { option: this.option };
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

  /** True for an {@link InvalidSessionIdError} from any copy of the package. */
  static override isInstance(error: unknown): error is InvalidSessionIdError {
    return isMemoryError(error, 'invalid_session_id');
  }

  protected override details(): Record<string, unknown> {
    return {
      sessionId: typeof this.sessionId === 'string' ? this.sessionId : typeof this.sessionId,
    };
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

  /** True for a {@link SessionStoreError} from any copy of the package. */
  static override isInstance(error: unknown): error is SessionStoreError {
    return isMemoryError(error, 'session_store_error');
  }

  protected override details(): Record<string, unknown> {
    return { sessionId: this.sessionId, file: this.file };
  }
}
