import { AgentError, type AgentErrorOptions, hasCode } from './agent-error.js';

/** A tool call that had partly arrived when a stream failed. */
export interface PartialToolCall {
  /** The call's index in the reply. */
  readonly index: number;
  /** The call id, when it had arrived. */
  readonly id: string | undefined;
  /** The tool name, when it had arrived. */
  readonly name: string | undefined;
  /** The argument text received so far (usually incomplete JSON). */
  readonly arguments: string;
}

/** Options of {@link ModelError}. */
export interface ModelErrorOptions extends AgentErrorOptions {
  /** What happened and what to do. */
  message: string;
  /** Whether sending the same request again may succeed (429, 408, 409, 5xx, connection faults). */
  retryable: boolean;
  /** The HTTP status, when the provider answered. */
  status?: number | undefined;
  /** How long the provider asked to wait before retrying (`retry-after-ms` / `retry-after`). */
  retryAfterMs?: number | undefined;
  /** The provider's own error message (with any API key scrubbed). */
  providerMessage?: string | undefined;
  /** The provider's error code or type, e.g. `rate_limit_exceeded`. */
  providerCode?: string | undefined;
  /** The provider's request id (`x-request-id`), for support tickets. */
  requestId?: string | undefined;
  /** True when a stream failed after its first chunk: never retried, text was already shown. */
  midStream?: boolean | undefined;
  /** The text that had arrived before a stream failed. */
  partialText?: string | undefined;
  /** The tool calls that had partly arrived before a stream failed. */
  partialToolCalls?: readonly PartialToolCall[] | undefined;
  /** The model name the request was for. */
  model?: string | undefined;
  /** Which of the loop's bounds fired, when the call timed out (see `ModelTimeouts`). */
  timeout?: ModelTimeoutKind | undefined;
  /** The value of the bound that fired, in milliseconds. */
  timeoutMs?: number | undefined;
}

/**
 * Which bound of `ModelTimeouts` cancelled a model call: `'first_byte'` (no data within
 * `timeouts.firstByteMs`) or `'idle'` (a started stream went quiet for `timeouts.idleMs`).
 */
export type ModelTimeoutKind = 'first_byte' | 'idle';

/**
 * A model call failed: the provider answered with an error, the connection failed or timed out,
 * the reply could not be read, or a stream broke off. Code `model_error`, a system fault.
 * When one of the loop's bounds cancelled the call, `timeout` says which (`'first_byte'`,
 * `'idle'`) and `timeoutMs` its value; such a call is retryable unless text had streamed.
 *
 * `retryable` says whether the same request may succeed if sent again; the loop retries those
 * (see `withRetry`), honouring `retryAfterMs`. A stream that failed after its first chunk is
 * `midStream` and never retryable: retrying would repeat text already shown. A `ModelError` never
 * contains the API key, in its message, fields, cause chain or JSON.
 */
export class ModelError extends AgentError {
  /** The HTTP status, when the provider answered. */
  readonly status: number | undefined;
  /** Whether the loop may send the same request again. */
  readonly retryable: boolean;
  /** How long the provider asked to wait before retrying, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The provider's own error message. */
  readonly providerMessage: string | undefined;
  /** The provider's error code or type. */
  readonly providerCode: string | undefined;
  /** The provider's request id. */
  readonly requestId: string | undefined;
  /** True when a stream failed after its first chunk. */
  readonly midStream: boolean;
  /** The text that had arrived before a stream failed (empty otherwise). */
  readonly partialText: string;
  /** The tool calls that had partly arrived before a stream failed. */
  readonly partialToolCalls: readonly PartialToolCall[];
  /** The model name the request was for. */
  readonly model: string | undefined;
  /** Which of the loop's bounds fired, when the call timed out; `undefined` otherwise. */
  readonly timeout: ModelTimeoutKind | undefined;
  /** The value of the bound that fired, in milliseconds. */
  readonly timeoutMs: number | undefined;

  /** @param options - the message, `retryable` and whatever the provider told. */
  constructor(options: ModelErrorOptions) {
    super({ code: 'model_error', message: options.message, cause: options.cause });
    this.status = options.status;
    // A stream that already delivered text must never be sent again.
    this.midStream = options.midStream ?? false;
    this.retryable = options.retryable && !this.midStream;
    this.retryAfterMs = options.retryAfterMs;
    this.providerMessage = options.providerMessage;
    this.providerCode = options.providerCode;
    this.requestId = options.requestId;
    this.partialText = options.partialText ?? '';
    this.partialToolCalls = options.partialToolCalls ?? [];
    this.model = options.model;
    this.timeout = options.timeout;
    this.timeoutMs = options.timeoutMs;
  }

  /** True for a {@link ModelError} from any copy of the package. */
  static override isInstance(error: unknown): error is ModelError {
    return hasCode(error, 'model_error');
  }

  protected override details(): Record<string, unknown> {
    return {
      status: this.status,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      providerMessage: this.providerMessage,
      providerCode: this.providerCode,
      requestId: this.requestId,
      midStream: this.midStream,
      model: this.model,
      ...(this.timeout !== undefined ? { timeout: this.timeout, timeoutMs: this.timeoutMs } : {}),
      ...(this.midStream
        ? { partialText: this.partialText, partialToolCalls: this.partialToolCalls }
        : {}),
    };
  }
}
