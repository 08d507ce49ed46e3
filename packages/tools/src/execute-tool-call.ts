import { describeIssues, describeThrown } from './describe-issues.js';
import { formatToolOutput, truncateOutput } from './format-output.js';
import { optionalNullsToUndefined } from './optional-nulls.js';
import { parseToolArguments } from './parse-tool-arguments.js';
import { runWithLimits } from './run-with-limits.js';
import { convertParameters } from './to-json-schema.js';
import type {
  AnyTool,
  StandardResult,
  ToolCall,
  ToolContext,
  ToolErrorCode,
  ToolFailure,
  ToolOutcome,
} from './types.js';

/** Everything one call needs, resolved by the registry. */
export interface ExecuteToolCallOptions<TContext> {
  call: ToolCall;
  tool: AnyTool<TContext> | undefined;
  /** The names of the registered tools, asked for only to explain an unknown tool. */
  available: () => readonly string[];
  /** The arguments already parsed by {@link parseToolArguments}; `call.arguments` is then not parsed again. */
  args: unknown;
  signal: AbortSignal | undefined;
  runId: string | undefined;
  context: TContext;
  defaultTimeoutMs: number | undefined;
  defaultMaxOutputChars: number;
}

/** Clips a text shown inside an error message. */
const clip = (text: string, max = 200): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;

/** Describes the JSON type of a value: `array`, `null`, `string`, ... */
const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** What a failed call needs to describe itself. */
interface FailureInput {
  call: ToolCall;
  code: ToolErrorCode;
  message: string;
  output: string;
  maxChars: number;
  startedAt: number;
  args: unknown;
  cause?: unknown;
}

function failure({
  call,
  code,
  message,
  output,
  maxChars,
  startedAt,
  args,
  cause,
}: FailureInput): ToolFailure {
  const outcome: ToolFailure = {
    toolCallId: call.id,
    name: call.name,
    ok: false,
    output: truncateOutput(output, maxChars),
    error: cause === undefined ? { code, message } : { code, message, cause },
    durationMs: performance.now() - startedAt,
  };
  if (args !== undefined) outcome.args = args;
  return outcome;
}

/**
 * Runs one tool call from start to outcome. Never rejects: every fault becomes a failed
 * outcome whose `output` the model can act on.
 */
export function executeToolCall<TContext>(
  options: ExecuteToolCallOptions<TContext>,
): Promise<ToolOutcome> {
  const startedAt = performance.now();
  const { call, tool } = options;
  const maxChars = tool?.maxOutputChars ?? options.defaultMaxOutputChars;
  const fail = (
    code: ToolErrorCode,
    message: string,
    output: string,
    args?: unknown,
    cause?: unknown,
  ) => Promise.resolve(failure({ call, code, message, output, maxChars, startedAt, args, cause }));
  try {
    if (tool === undefined) {
      const names = options.available();
      const list = names.length > 0 ? names.join(', ') : '(none)';
      const message = `unknown tool "${call.name}"; available tools: ${list}`;
      return fail(
        'unknown_tool',
        message,
        `Error: ${message}. Call one of the available tools by its exact name.`,
      );
    }

    const parsing =
      options.args === undefined
        ? parseToolArguments(call.arguments)
        : { ok: true as const, value: options.args };
    if (!parsing.ok) {
      const message = `the arguments are not valid JSON (${parsing.reason})`;
      return fail(
        'invalid_json',
        message,
        `Error: the arguments for tool "${tool.name}" are not valid JSON (${parsing.reason}). Received: ${clip(parsing.text)}. Send the arguments as one JSON object matching the tool's parameters and call the tool again.`,
      );
    }
    const parsed = parsing.value;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const message = `expected a JSON object, received ${jsonTypeOf(parsed)}`;
      return fail(
        'invalid_arguments',
        message,
        `Error: invalid arguments for tool "${tool.name}": ${message}. Fix the arguments and call the tool again.`,
        parsed,
      );
    }

    const { plain } = convertParameters(tool.parameters, tool.name);
    const candidate = optionalNullsToUndefined(parsed, plain);
    const validating = tool.parameters['~standard'].validate(candidate);
    const checked = (result: StandardResult<unknown>): Promise<ToolOutcome> => {
      if (!result.issues) return run(options, tool, result.value, maxChars, startedAt);
      const message = describeIssues(result.issues);
      return fail(
        'invalid_arguments',
        message,
        `Error: invalid arguments for tool "${tool.name}": ${message}. Fix the arguments and call the tool again.`,
        parsed,
      );
    };
    const thrown = (error: unknown): Promise<ToolOutcome> => {
      const message = `validating the arguments threw: ${describeThrown(error)}`;
      return fail(
        'tool_error',
        message,
        `Error: tool "${tool.name}" failed: ${message}.`,
        parsed,
        error,
      );
    };
    // zod validates synchronously; an async schema (a refinement that awaits) gives a promise.
    return validating instanceof Promise ? validating.then(checked, thrown) : checked(validating);
  } catch (error) {
    // A last guard: nothing the model or a tool does may turn into a rejection.
    const message = `unexpected failure: ${describeThrown(error)}`;
    return fail(
      'tool_error',
      message,
      `Error: tool "${call.name}" failed: ${message}`,
      undefined,
      error,
    );
  }
}

/** Runs a call whose arguments are valid, under its timeout and the caller's signal. */
async function run<TContext>(
  { call, signal, runId, context, defaultTimeoutMs }: ExecuteToolCallOptions<TContext>,
  tool: AnyTool<TContext>,
  args: unknown,
  maxChars: number,
  startedAt: number,
): Promise<ToolOutcome> {
  const timeoutMs = tool.timeoutMs ?? defaultTimeoutMs;
  const fail = (code: ToolErrorCode, message: string, output: string, cause?: unknown) =>
    failure({ call, code, message, output, maxChars, startedAt, args, cause });
  try {
    const outcome = await runWithLimits({
      signal,
      timeoutMs,
      timeoutReason: () =>
        new DOMException(`Tool "${tool.name}" timed out after ${timeoutMs} ms`, 'TimeoutError'),
      start: (toolSignal) => {
        const ctx: ToolContext<TContext> = {
          signal: toolSignal,
          toolCallId: call.id,
          runId,
          context,
        };
        return tool.execute(args as never, ctx);
      },
    });

    switch (outcome.kind) {
      case 'ok':
        return {
          toolCallId: call.id,
          name: call.name,
          ok: true,
          output: formatToolOutput(outcome.value, { maxChars }),
          value: outcome.value,
          args,
          durationMs: performance.now() - startedAt,
        };
      case 'error': {
        const message = describeThrown(outcome.error);
        return fail(
          'tool_error',
          message,
          `Error: tool "${tool.name}" failed: ${message}`,
          outcome.error,
        );
      }
      case 'timeout': {
        const message = `timed out after ${timeoutMs} ms`;
        return fail(
          'timeout',
          message,
          `Error: tool "${tool.name}" timed out after ${timeoutMs} ms and was cancelled. Try again with a smaller request, or continue without this result.`,
        );
      }
      case 'aborted':
        return fail(
          'aborted',
          'the run was aborted',
          `Error: tool "${tool.name}" was not completed because the run was aborted.`,
        );
    }
  } catch (error) {
    // A last guard: serialising the output threw in a way the safe path did not catch.
    const message = `unexpected failure: ${describeThrown(error)}`;
    return fail('tool_error', message, `Error: tool "${call.name}" failed: ${message}`, error);
  }
}
