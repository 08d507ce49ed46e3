import { describeThrownSafely } from './describe-issues.js';
import { truncateOutput } from './format-output.js';
import type { ToolCall, ToolErrorCode, ToolFailure } from './types.js';

/** A failed outcome; `args` is left out when the arguments never parsed. */
export function failure(
  call: ToolCall,
  { maxChars, startedAt }: { maxChars: number; startedAt: number },
  error: { code: ToolErrorCode; message: string; cause?: unknown },
  output: string,
  args?: unknown,
): ToolFailure {
  const outcome: ToolFailure = {
    toolCallId: call.id,
    name: call.name,
    ok: false,
    output: truncateOutput(output, maxChars),
    error:
      error.cause === undefined
        ? { code: error.code, message: error.message }
        : { code: error.code, message: error.message, cause: error.cause },
    durationMs: performance.now() - startedAt,
  };
  if (args !== undefined) outcome.args = args;
  return outcome;
}

/** The outcome of a fault nothing expected: a last guard, so that a call never rejects. */
export function unexpected(
  call: ToolCall,
  limits: { maxChars: number; startedAt: number },
  error: unknown,
  args?: unknown,
): ToolFailure {
  const message = `unexpected failure: ${describeThrownSafely(error)}`;
  return failure(
    call,
    limits,
    { code: 'tool_error', message, cause: error },
    `Error: tool "${call.name}" failed: ${message}`,
    args,
  );
}
