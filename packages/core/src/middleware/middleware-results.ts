import type { ToolFailure, ToolOutcome } from '@agentloop/tools';
import { ConfigurationError } from '../errors/errors.js';
import type { ModelRequest, ModelResponse } from '../models/model.js';
import { describeValue } from '../run/interceptor-results.js';
import type { RunResult } from '../run/run-result.js';

/**
 * Checks what a `wrapModelCall` middleware resolved to: a reply with a `message` object. A
 * reply without `finishReason` gets `null` (the provider did not say).
 *
 * @throws ConfigurationError for anything else: the loop cannot go on without a reply.
 */
export function checkModelReply(returned: unknown): ModelResponse {
  if (typeof returned === 'object' && returned !== null) {
    const reply = returned as Partial<ModelResponse>;
    if (typeof reply.message === 'object' && reply.message !== null) {
      return reply.finishReason === undefined
        ? { ...(reply as ModelResponse), finishReason: null }
        : (reply as ModelResponse);
    }
  }
  throw new ConfigurationError(
    `A wrapModelCall middleware must resolve to the model's reply: what next() resolved to, changed or not, or one of yours such as { message: { role: 'assistant', content: '...' }, finishReason: 'stop' }. It resolved to ${describeValue(returned)}; did it forget to return next()?`,
    { option: 'middleware' },
  );
}

/**
 * Checks a request a `wrapModelCall` middleware passed to `next(request)`: it must have a
 * non-empty `messages` array (the API refuses any other).
 *
 * @throws ConfigurationError for anything else, before the model is called.
 */
export function checkNextRequest(request: unknown): ModelRequest {
  const messages =
    typeof request === 'object' && request !== null
      ? (request as { messages?: unknown }).messages
      : undefined;
  if (Array.isArray(messages) && messages.length > 0) return request as ModelRequest;
  throw new ConfigurationError(
    `A wrapModelCall middleware called next(request) with ${describeValue(request)}; pass a request with a non-empty "messages" array, such as next({ ...ctx.request, messages }), or call next() to send ctx.request.`,
    { option: 'middleware' },
  );
}

/**
 * Checks what a `wrapToolCall` middleware resolved to: an outcome (`ok` a boolean, `output` the
 * string the model sees; a failure with an `error`). Its `toolCallId` and `name` are set to the
 * call's, so an outcome kept from another call (a cache) answers this one; a missing
 * `durationMs` is 0.
 *
 * @throws ConfigurationError for anything else: the tool message cannot be written.
 */
export function checkToolOutcome(
  returned: unknown,
  call: { toolCallId: string; name: string },
): ToolOutcome {
  if (typeof returned === 'object' && returned !== null) {
    const outcome = returned as Partial<ToolOutcome>;
    const error = outcome.error as { code?: unknown } | undefined;
    const errorOk =
      outcome.ok === true || (typeof error === 'object' && typeof error.code === 'string');
    if (typeof outcome.ok === 'boolean' && typeof outcome.output === 'string' && errorOk) {
      if (
        outcome.toolCallId === call.toolCallId &&
        outcome.name === call.name &&
        typeof outcome.durationMs === 'number'
      ) {
        return outcome as ToolOutcome;
      }
      return {
        ...(outcome as ToolOutcome),
        toolCallId: call.toolCallId,
        name: call.name,
        durationMs: typeof outcome.durationMs === 'number' ? outcome.durationMs : 0,
      };
    }
  }
  throw new ConfigurationError(
    `A wrapToolCall middleware must resolve to a tool outcome for the call to "${call.name}": what next() resolved to, changed or not, ctx.deny(reason), or one of yours such as { ok: true, output: '...', value, durationMs: 0 } (a failure needs error: { code, message }). It resolved to ${describeValue(returned)}; did it forget to return next()?`,
    { option: 'middleware' },
  );
}

/**
 * Checks what a `wrapRun` middleware resolved to: a run result (an object with the `text` and
 * `messages` of one).
 *
 * @throws ConfigurationError for anything else: `run:end` needs a result.
 */
export function checkRunResult(returned: unknown): RunResult<unknown> {
  if (
    typeof returned === 'object' &&
    returned !== null &&
    typeof (returned as RunResult<unknown>).text === 'string' &&
    Array.isArray((returned as RunResult<unknown>).messages)
  ) {
    return returned as RunResult<unknown>;
  }
  throw new ConfigurationError(
    `A wrapRun middleware must resolve to the run's result: what next() resolved to, changed or not. It resolved to ${describeValue(returned)}; did it forget to return next()?`,
    { option: 'middleware' },
  );
}

/** The outcome of a call refused by `beforeTool` or by a middleware's `ctx.deny(reason)`. */
export function deniedOutcome(toolCallId: string, name: string, reason: string): ToolFailure {
  const text = typeof reason === 'string' && reason.trim() !== '' ? reason : 'no reason was given';
  const output = `Error: the call to "${name}" was denied: ${text}. Do not retry it unchanged.`;
  return {
    toolCallId,
    name,
    ok: false,
    output,
    value: undefined,
    error: { code: 'denied', message: output.replace(/^Error: /, '') },
    durationMs: 0,
  };
}
