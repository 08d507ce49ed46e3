import { createAbortError, isAbortError } from '../errors/abort-error.js';
import { AgentError } from '../errors/agent-error.js';
import { ModelError, type PartialToolCall } from '../errors/model-error.js';
import { safeUrl, sanitizeError, scrub, scrubOptional } from './redact.js';

/** What the model knew when a call failed. */
export interface FailureContext {
  /** The model name. */
  model: string;
  /** The endpoint, for connection errors. */
  baseURL: string;
  /** Strings that must never appear in the error (the API key). */
  secrets: readonly string[];
  /** The caller's signal: when it has aborted, the failure is a cancellation. */
  signal?: AbortSignal | undefined;
  /** What a stream had delivered before it failed; chunks > 0 makes the error `midStream`. */
  stream?: { chunks: number; text: string; toolCalls: readonly PartialToolCall[] } | undefined;
  /** The current time in ms, for an HTTP-date `retry-after`. */
  now?: number | undefined;
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** The three forms of an HTTP date (RFC 9110 5.6.7): IMF-fixdate, RFC 850 and asctime. */
const HTTP_DATE = new RegExp(
  `^(?:${[
    `${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT`,
    `${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT`,
    `${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}`,
  ].join('|')})$`,
);

/**
 * How long a provider asked to wait, from `retry-after-ms` (milliseconds, a number >= 0) or
 * `retry-after` (whole seconds, or an HTTP date in the future, as RFC 9110 allows). Anything
 * else (`-5`, `1.5`, `5.5.5`, a date in the past) is ignored, so the retry waits the backoff
 * rather than not at all.
 *
 * @param headers - the response headers.
 * @param now - the current time in ms (for an HTTP date).
 * @returns the wait in ms, or `undefined` when neither header is present and valid.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number.parseFloat(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number.parseInt(value, 10) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  // An asctime date has no zone: HTTP dates are in GMT.
  const date = Date.parse(value.endsWith('GMT') ? value : `${value} GMT`);
  return Number.isNaN(date) || date <= now ? undefined : date - now;
}

/** True when `error`'s class, or one of its ancestors, has this name (works across package copies). */
function isClass(error: unknown, name: string): boolean {
  let proto: unknown =
    typeof error === 'object' && error !== null ? Object.getPrototypeOf(error) : null;
  while (proto && proto !== Object.prototype) {
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === name) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

const NETWORK_FAULT =
  /terminated|fetch failed|network|socket|other side closed|premature close|ECONN|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR/i;

function looksLikeNetworkFault(error: Error): boolean {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = (error as { code?: unknown }).code;
  return (
    NETWORK_FAULT.test(error.message) ||
    (typeof code === 'string' && NETWORK_FAULT.test(code)) ||
    (typeof cause?.code === 'string' && NETWORK_FAULT.test(cause.code)) ||
    (typeof cause?.message === 'string' && NETWORK_FAULT.test(cause.message))
  );
}

/** The messages along a cause chain, outermost first: `fetch failed: other side closed`. */
function causeMessages(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.message && !parts.includes(e.message)) parts.push(e.message);
  }
  return parts.join(': ');
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

const ADVICE: Record<number, string> = {
  400: 'The provider rejected the request as invalid: check the messages, tools and model settings sent (a beforeModel interceptor may have changed them).',
  401: 'Authentication failed: check OPENAI_API_KEY or the apiKey option.',
  403: 'Permission denied: check that the key and its project or organization may use this model.',
  404: 'Not found: check the model name and that baseURL points at an OpenAI-compatible /v1 endpoint.',
  408: 'The provider timed out; the request will be retried.',
  409: 'The provider reported a conflict; the request will be retried.',
  422: 'The provider could not process the request: check the messages and settings sent.',
  429: 'Rate limited; the request will be retried after the wait the provider asked for.',
};

/** Whether a failed request with this HTTP status may succeed if sent again. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function providerDetails(error: Error, secrets: readonly string[]) {
  const body = (error as { error?: unknown }).error as
    | { message?: unknown; code?: unknown; type?: unknown; status?: unknown }
    | undefined;
  const raw =
    typeof body?.message === 'string' ? body.message : error.message.replace(/^\d{3}\s+/, '');
  const code = (error as { code?: unknown }).code ?? body?.code;
  const type = (error as { type?: unknown }).type ?? body?.type;
  const headers = (error as { headers?: { get(name: string): string | null } }).headers;
  const requestId = (error as { requestID?: unknown }).requestID;
  return {
    providerMessage: scrub(raw, secrets),
    providerCode: scrubOptional(
      [code, type, body?.status].find((value): value is string => typeof value === 'string'),
      secrets,
    ),
    requestId: scrubOptional(typeof requestId === 'string' ? requestId : undefined, secrets),
    headers: headers && typeof headers.get === 'function' ? headers : undefined,
  };
}

/**
 * A copy of a {@link ModelError} with the secrets scrubbed from every text it holds: message,
 * stack, provider fields, partial text and tool calls, and its cause chain. Everything in a
 * `ModelError` may come from a provider's reply, and a provider may echo the request's
 * Authorization header (gateways and captive portals do).
 *
 * @param error - the error.
 * @param secrets - strings that must not appear (the API key).
 */
export function redactModelError(error: ModelError, secrets: readonly string[]): ModelError {
  const cause = sanitizeError(error.cause, secrets);
  const copy = new ModelError({
    message: scrub(error.message, secrets),
    retryable: error.retryable,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    providerMessage: scrubOptional(error.providerMessage, secrets),
    providerCode: scrubOptional(error.providerCode, secrets),
    requestId: scrubOptional(error.requestId, secrets),
    midStream: error.midStream,
    partialText: scrub(error.partialText, secrets),
    partialToolCalls: error.partialToolCalls.map((call) => ({
      index: call.index,
      id: scrubOptional(call.id, secrets),
      name: scrubOptional(call.name, secrets),
      arguments: scrub(call.arguments, secrets),
    })),
    model: scrubOptional(error.model, secrets),
    ...(cause ? { cause } : {}),
  });
  if (typeof error.stack === 'string') copy.stack = scrub(error.stack, secrets);
  return copy;
}

/**
 * Turns whatever a call to an OpenAI-compatible endpoint threw into the error the loop expects:
 * an abort error when the caller's signal aborted, otherwise a {@link ModelError} that says
 * whether a retry may help and never contains the API key: every text in it, the partial text of
 * a broken stream and its cause chain included, is scrubbed here, in one place (see
 * {@link redactModelError}). Other agentloop errors pass through.
 *
 * @param error - what the `openai` client (or the stream, or the adapter itself) threw.
 * @param context - the model, endpoint, secrets, signal and what a stream had delivered.
 */
export function toModelError(error: unknown, context: FailureContext): Error {
  const converted = classify(error, context);
  return ModelError.isInstance(converted)
    ? redactModelError(converted, context.secrets)
    : converted;
}

function classify(error: unknown, context: FailureContext): Error {
  const { model, secrets, signal, stream } = context;
  if (signal?.aborted) return createAbortError(signal);
  if (AgentError.isInstance(error)) return error;
  if (isClass(error, 'APIUserAbortError')) return createAbortError(signal);

  const cause = sanitizeError(error, secrets);
  const midStream = (stream?.chunks ?? 0) > 0;
  const partial = midStream
    ? { midStream, partialText: stream?.text, partialToolCalls: stream?.toolCalls }
    : {};
  const fail = (message: string, retryable: boolean, extra: object = {}) => {
    const what = midStream
      ? `The stream from ${model} failed after ${stream?.chunks} chunk(s) had arrived: ${message} It is not retried, because the text already streamed would be repeated.`
      : message;
    return new ModelError({
      message: scrub(what, secrets),
      retryable,
      model,
      cause,
      ...partial,
      ...extra,
    });
  };

  if (!(error instanceof Error)) {
    return fail(`The request to ${model} failed with a non-error value.`, false);
  }
  const endpoint = safeUrl(context.baseURL, secrets);

  if (isClass(error, 'APIConnectionTimeoutError') || isAbortError(error)) {
    return fail(`The request to ${model} at ${endpoint} timed out.`, true);
  }
  if (isClass(error, 'APIConnectionError')) {
    const chain = causeMessages(error.cause);
    const reason = chain ? ` (${chain})` : '';
    return fail(
      `Could not connect to ${endpoint} for ${model}${scrub(reason, secrets)}. Check baseURL and that the server is running.`,
      true,
    );
  }
  if (isClass(error, 'APIError')) {
    const status = (error as { status?: unknown }).status;
    const details = providerDetails(error, secrets);
    const { headers, ...fields } = details;
    if (typeof status === 'number') {
      const retryable = isRetryableStatus(status);
      const advice =
        ADVICE[status] ??
        (status >= 500
          ? 'The provider had a server error; the request will be retried.'
          : 'Check the request and the provider documentation.');
      return fail(
        `The request to ${model} failed with HTTP ${status}: ${sentence(fields.providerMessage)} ${advice}`,
        retryable,
        {
          status,
          retryAfterMs: retryable ? parseRetryAfter(headers, context.now) : undefined,
          ...fields,
        },
      );
    }
    // An error event inside a stream: no status. Server-side faults may pass on a new request.
    const transient = /server_error|overloaded|rate_limit|timeout|unavailable/i.test(
      `${fields.providerCode ?? ''} ${fields.providerMessage}`,
    );
    return fail(
      `The provider reported an error for ${model}: ${fields.providerMessage}`,
      transient,
      fields,
    );
  }
  if (error instanceof SyntaxError) {
    return fail(
      `The response from ${endpoint} for ${model} could not be parsed as JSON (${error.message}). Check that baseURL points at an OpenAI-compatible /v1 endpoint.`,
      false,
    );
  }
  if (looksLikeNetworkFault(error)) {
    return fail(
      `The connection to ${endpoint} failed while reading the reply from ${model} (${causeMessages(error)}).`,
      true,
    );
  }
  return fail(`The request to ${model} failed: ${error.name}: ${error.message}`, false);
}
