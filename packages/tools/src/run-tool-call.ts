import { describeFault } from './describe-issues.js';
import { formatToolOutput } from './format-output.js';
import type { PreparedToolCall } from './prepare-tool-call.js';
import { runWithLimits } from './run-with-limits.js';
import { ToolContent } from './tool-content.js';
import { failure, unexpected } from './tool-failure.js';
import type { ToolContext, ToolOutcome } from './types.js';

/** What running one prepared call needs, resolved by the registry. */
export interface RunToolCallOptions<TContext> {
  signal: AbortSignal | undefined;
  settleOnAbort: boolean;
  runId: string | undefined;
  context: TContext;
  defaultTimeoutMs: number | undefined;
  defaultMaxOutputChars: number;
}

/**
 * Runs a prepared call (its arguments valid) under its timeout and the caller's signal, and
 * serialises the result. Never rejects.
 *
 * @param startedAt - When the call started (`performance.now()`), for the outcome's `durationMs`.
 */
export async function runToolCall<TContext>(
  prepared: PreparedToolCall<TContext>,
  options: RunToolCallOptions<TContext>,
  startedAt: number = performance.now(),
): Promise<ToolOutcome> {
  const { call, tool, args } = prepared;
  const { signal, settleOnAbort, runId, context } = options;
  let timeoutMs: number | undefined;
  let maxChars = options.defaultMaxOutputChars;
  try {
    maxChars = tool.maxOutputChars ?? maxChars;
    const attempt = { maxChars, startedAt };
    timeoutMs = tool.timeoutMs ?? options.defaultTimeoutMs;
    const outcome = await runWithLimits({
      signal,
      settleOnAbort,
      timeoutMs,
      timeoutReason: () =>
        new DOMException(`Tool "${tool.name}" timed out after ${timeoutMs} ms`, 'TimeoutError'),
      start: (toolSignal) => {
        const ctx: ToolContext<TContext> = {
          signal: toolSignal,
          toolCallId: call.id,
          runId,
          context,
          idempotencyKey: runId === undefined ? call.id : `${runId}:${call.id}`,
        };
        return tool.execute(args as never, ctx);
      },
    });

    switch (outcome.kind) {
      case 'ok': {
        const { value } = outcome;
        const content = ToolContent.isInstance(value) ? value : undefined;
        const images = content?.images;
        return {
          toolCallId: call.id,
          name: call.name,
          ok: true,
          // A text beside images is sent as it is, like any string a tool returns.
          output: formatToolOutput(content ? content.value : value, { maxChars }),
          value,
          args,
          ...(images && images.length > 0 ? { images } : {}),
          durationMs: performance.now() - startedAt,
        };
      }
      case 'error': {
        // Whatever the tool threw, however hostile, is described without throwing.
        const message = describeFault(outcome.error);
        return failure(
          call,
          attempt,
          { code: 'tool_error', message, cause: outcome.error },
          `Error: tool "${tool.name}" failed: ${message}`,
          args,
        );
      }
      case 'timeout': {
        const message = `timed out after ${timeoutMs} ms`;
        return failure(
          call,
          attempt,
          { code: 'timeout', message },
          `Error: tool "${tool.name}" timed out after ${timeoutMs} ms and was cancelled. Try again with a smaller request, or continue without this result.`,
          args,
        );
      }
      case 'aborted':
        return failure(
          call,
          attempt,
          { code: 'aborted', message: 'the run was aborted' },
          `Error: tool "${tool.name}" was not completed because the run was aborted.`,
          args,
        );
    }
  } catch (error) {
    // A last guard: nothing here is known to throw (serialising and describing never do), but
    // a call must not reject whatever a tool does.
    return unexpected(call, { maxChars, startedAt }, error, args);
  }
}
