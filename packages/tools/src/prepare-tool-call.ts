import { describeIssues, describeThrown } from './describe-issues.js';
import { optionalNullsToUndefined } from './optional-nulls.js';
import { parseToolArguments } from './parse-tool-arguments.js';
import { convertParameters } from './to-json-schema.js';
import { failure, unexpected } from './tool-failure.js';
import type { AnyTool, StandardResult, ToolCall, ToolFailure } from './types.js';

/** What preparing one call needs, resolved by the registry. */
export interface PrepareToolCallOptions<TContext> {
  call: ToolCall;
  /** The registered tools by name: the call's tool, and the names to list for an unknown one. */
  tools: ReadonlyMap<string, AnyTool<TContext>>;
  /** The arguments already parsed by {@link parseToolArguments}; `call.arguments` is then not parsed again. */
  args: unknown;
  defaultMaxOutputChars: number;
}

/**
 * A call ready to run: its tool is registered and its arguments are valid. Made by
 * `ToolRegistry.prepare`, run by `ToolRegistry.run`.
 *
 * @typeParam TContext - The run's user context object.
 * @typeParam TArgs - The validated arguments' type.
 */
export interface PreparedToolCall<TContext = unknown, TArgs = unknown> {
  /** `true`: the call can run (a failed preparation is a {@link ToolFailure}). */
  ok: true;
  /** The call as the model made it. */
  call: ToolCall;
  /** The registered tool of `call.name`. */
  tool: AnyTool<TContext>;
  /**
   * The arguments the tool will run with: parsed, `null`s for optional fields turned into absent
   * ones, validated by the tool's schema (defaults applied, transforms run).
   */
  args: TArgs;
}

/**
 * What preparing a call comes to: a {@link PreparedToolCall}, or the failed outcome (`unknown_tool`,
 * `invalid_json`, `invalid_arguments`, or `tool_error` when validating threw). Narrow on `ok`.
 *
 * @typeParam TContext - The run's user context object.
 */
export type ToolPreparation<TContext = unknown> = PreparedToolCall<TContext> | ToolFailure;

/** Clips a text shown inside an error message. */
const clip = (text: string, max = 200): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;

/** Describes the JSON type of a value: `array`, `null`, `string`, ... */
const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** One call in progress: what every step after the lookup needs. */
interface Attempt<TContext> {
  call: ToolCall;
  tool: AnyTool<TContext>;
  maxChars: number;
  startedAt: number;
}

/**
 * Looks the call's tool up, parses its JSON arguments (unless given), turns `null`s sent for
 * optional fields into absent ones and validates them with the tool's schema. Synchronous when
 * the schema validates synchronously (zod's do, unless a refinement awaits); never throws or
 * rejects: every fault becomes a failed outcome.
 *
 * @param startedAt - When the call started (`performance.now()`), for the failure's `durationMs`.
 */
export function prepareToolCall<TContext>(
  options: PrepareToolCallOptions<TContext>,
  startedAt: number = performance.now(),
): ToolPreparation<TContext> | Promise<ToolPreparation<TContext>> {
  const { call, tools } = options;
  const tool = tools.get(call.name);
  const limits = { maxChars: tool?.maxOutputChars ?? options.defaultMaxOutputChars, startedAt };
  // The parsed arguments, once known, so even the last guard's outcome carries them.
  let parsedArgs: unknown;
  try {
    if (tool === undefined) {
      const list = tools.size > 0 ? [...tools.keys()].join(', ') : '(none)';
      const message = `unknown tool "${call.name}"; available tools: ${list}`;
      return failure(
        call,
        limits,
        { code: 'unknown_tool', message },
        `Error: ${message}. Call one of the available tools by its exact name.`,
      );
    }

    const parsing =
      options.args === undefined
        ? parseToolArguments(call.arguments)
        : { ok: true as const, value: options.args };
    if (!parsing.ok) {
      const message = `the arguments are not valid JSON (${parsing.reason})`;
      return failure(
        call,
        limits,
        { code: 'invalid_json', message },
        `Error: the arguments for tool "${tool.name}" are not valid JSON (${parsing.reason}). Received: ${clip(parsing.text)}. Send the arguments as one JSON object matching the tool's parameters and call the tool again.`,
      );
    }
    const parsed = parsing.value;
    parsedArgs = parsed;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const message = `expected a JSON object, received ${jsonTypeOf(parsed)}`;
      return failure(
        call,
        limits,
        { code: 'invalid_arguments', message },
        `Error: invalid arguments for tool "${tool.name}": ${message}. Fix the arguments and call the tool again.`,
        parsed,
      );
    }

    const attempt: Attempt<TContext> = { call, tool, ...limits };
    const { plain } = convertParameters(tool.parameters, tool.name);
    const candidate = optionalNullsToUndefined(parsed, plain);
    let validating: ReturnType<AnyTool<TContext>['parameters']['~standard']['validate']>;
    try {
      validating = tool.parameters['~standard'].validate(candidate);
    } catch (error) {
      return guarded(attempt, parsed, () => validationThrew(attempt, parsed, error));
    }
    // zod validates synchronously; an async schema (a refinement that awaits) gives a promise.
    if (!(validating instanceof Promise)) return afterValidation(attempt, parsed, validating);
    return validating.then(
      (result) => {
        // Inside a callback the outer guard no longer holds: a result whose `issues` getter
        // throws must not reject the call.
        try {
          return afterValidation(attempt, parsed, result);
        } catch (error) {
          return unexpected(call, limits, error, parsed);
        }
      },
      (error: unknown) => guarded(attempt, parsed, () => validationThrew(attempt, parsed, error)),
    );
  } catch (error) {
    // A last guard: nothing the model or a tool does may turn into a rejection.
    return unexpected(call, limits, error, parsedArgs);
  }
}

/**
 * Describes a failure, falling back to `unexpected failure` when describing it throws (a thrown
 * value whose `message` getter throws): a call never rejects.
 */
function guarded<TContext>(
  attempt: Attempt<TContext>,
  parsed: unknown,
  describe: () => ToolFailure,
): ToolFailure {
  try {
    return describe();
  } catch (error) {
    return unexpected(attempt.call, attempt, error, parsed);
  }
}

/** The prepared call when the arguments are valid; otherwise says what is wrong with them. */
function afterValidation<TContext>(
  attempt: Attempt<TContext>,
  parsed: unknown,
  result: StandardResult<unknown>,
): ToolPreparation<TContext> {
  if (!result.issues)
    return { ok: true, call: attempt.call, tool: attempt.tool, args: result.value };
  const message = describeIssues(result.issues);
  return failure(
    attempt.call,
    attempt,
    { code: 'invalid_arguments', message },
    `Error: invalid arguments for tool "${attempt.tool.name}": ${message}. Fix the arguments and call the tool again.`,
    parsed,
  );
}

function validationThrew<TContext>(
  attempt: Attempt<TContext>,
  parsed: unknown,
  error: unknown,
): ToolFailure {
  const message = `validating the arguments threw: ${describeThrown(error)}`;
  return failure(
    attempt.call,
    attempt,
    { code: 'tool_error', message, cause: error },
    `Error: tool "${attempt.tool.name}" failed: ${message}.`,
    parsed,
  );
}
