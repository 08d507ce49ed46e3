import type { ToolImage } from './tool-content.js';

/**
 * The part of the Standard Schema interface (https://standardschema.dev) that agentloop reads.
 * zod 4 and zod 3.25+ (`zod/v3`) both implement it; its `types` carry the inferred input and
 * output types, which is how tool arguments are typed for either zod version.
 */
export interface StandardSchemaV1<TInput = unknown, TOutput = TInput> {
  /** The Standard Schema properties. */
  readonly '~standard': {
    /** The version of the Standard Schema interface. */
    readonly version: 1;
    /** The library that implements it (`'zod'`). */
    readonly vendor: string;
    /** Validates a value; may answer asynchronously. */
    readonly validate: (
      value: unknown,
    ) => StandardResult<TOutput> | Promise<StandardResult<TOutput>>;
    /** Type-only: the schema's input and output types. */
    readonly types?: { readonly input: TInput; readonly output: TOutput } | undefined;
  };
}

/** The result of a Standard Schema validation. */
export type StandardResult<TOutput> =
  | { readonly value: TOutput; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

/** One validation issue of a Standard Schema. */
export interface StandardIssue {
  /** The message of the issue. */
  readonly message: string;
  /** Where in the value the issue is. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * What `parameters` of a tool accepts at the type level: a zod v4 or zod v3 schema whose input
 * and output are objects. At runtime the schema must also be a zod object schema
 * (`z.object(...)`, possibly refined); anything else is an `invalid_parameters` error.
 */
export type ToolParameters = StandardSchemaV1<object, object>;

/** The arguments `execute` receives: the output type of the parameters schema (defaults applied). */
export type InferToolArgs<TSchema extends ToolParameters> = NonNullable<
  TSchema['~standard']['types']
>['output'];

/** How a tool's schema is sent: `'auto'` (strict when the schema allows it), or forced. */
export type StrictMode = boolean | 'auto';

/**
 * What a tool's `execute` receives besides its arguments.
 *
 * @typeParam TContext - The run's user context object.
 */
export interface ToolContext<TContext = unknown> {
  /**
   * Aborted when the run is aborted or the tool exceeds its `timeoutMs`; `signal.reason` says
   * which. Pass it to `fetch` and other cancellable work.
   */
  readonly signal: AbortSignal;
  /** The id of the tool call the model made. */
  readonly toolCallId: string;
  /** The id of the run, or `undefined` when the registry is used outside a run. */
  readonly runId: string | undefined;
  /** The run's user context object (`undefined` when none was given). */
  readonly context: TContext;
  /**
   * The same for every attempt of this call, across a crash and a resume: `${runId}:${toolCallId}`
   * in a run (the call id alone outside one). Pass it to a payment or mail API as its idempotency
   * key, so that an `idempotent` tool re-run after a crash has its effect once.
   */
  readonly idempotencyKey: string;
}

/**
 * What a `needsApproval` function receives besides the arguments.
 *
 * @typeParam TContext - The run's user context object.
 */
export interface ApprovalContext<TContext = unknown> {
  /** The id of the tool call the model made. */
  readonly toolCallId: string;
  /** The id of the run. */
  readonly runId: string | undefined;
  /** The run's user context object. */
  readonly context: TContext;
}

/**
 * Whether a call must wait for a person's (or a program's) approval before it runs: `true` for
 * every call, or a function of the validated arguments (`(args) => args.amount > 100`).
 *
 * @typeParam TArgs - The tool's validated arguments.
 * @typeParam TContext - The run's user context object.
 */
export type NeedsApproval<TArgs = never, TContext = unknown> =
  | boolean
  | ApprovalCheck<TArgs, TContext>;

/*
 * Declared as a method so that its parameters are bivariant: a tool of specific arguments and
 * context stays assignable to `AnyTool` (whose arguments are `never`), as with `execute`.
 */
type ApprovalCheck<TArgs, TContext> = {
  check(args: TArgs, ctx: ApprovalContext<TContext>): boolean | PromiseLike<boolean>;
}['check'];

/**
 * A tool call as the model sent it: the `function` part of an OpenAI tool call plus its id.
 * `arguments` is the raw JSON text, unparsed.
 */
export interface ToolCall {
  /** The tool call id (`call_...`). */
  id: string;
  /** The tool name the model asked for. */
  name: string;
  /** The arguments as the raw JSON text the model produced. */
  arguments: string;
}

/**
 * Why a tool call failed. The core loop relies on these exact strings.
 *
 * - `invalid_json`: the arguments are not valid JSON.
 * - `invalid_arguments`: the arguments do not match the tool's parameters schema.
 * - `unknown_tool`: no tool of that name is registered.
 * - `tool_error`: the tool threw or rejected.
 * - `timeout`: the tool ran past its `timeoutMs`.
 * - `aborted`: the run was aborted while the tool ran (or before it started).
 * - `denied`: an interceptor or a person refused the call (produced by `@agentloop/core`, never by
 *   the registry).
 */
export type ToolErrorCode =
  | 'invalid_json'
  | 'invalid_arguments'
  | 'unknown_tool'
  | 'tool_error'
  | 'timeout'
  | 'aborted'
  | 'denied';

/** The error of a failed {@link ToolOutcome}. */
export interface ToolOutcomeError {
  /** Why the call failed. */
  code: ToolErrorCode;
  /** A short description for the program (the model sees `output`). */
  message: string;
  /** For `tool_error`: the value the tool threw, stack and all, for logging. */
  cause?: unknown;
}

/** Fields every {@link ToolOutcome} has. */
interface ToolOutcomeBase {
  /** The id of the tool call this outcome answers. */
  toolCallId: string;
  /** The tool name the model asked for. */
  name: string;
  /** The exact string the model sees as the tool message content. */
  output: string;
  /** The parsed arguments (validated, defaults applied, when `ok`); `undefined` for `invalid_json`. */
  args?: unknown;
  /** Wall-clock time from the call to its outcome, in milliseconds. */
  durationMs: number;
}

/**
 * A tool call that returned.
 *
 * @typeParam TValue - What the tool returned.
 * @typeParam TArgs - The arguments it ran with.
 */
export interface ToolSuccess<TValue = unknown, TArgs = unknown> extends ToolOutcomeBase {
  /** `true`: the tool returned. */
  ok: true;
  /** The arguments the tool ran with: validated, defaults applied. */
  args: TArgs;
  /** The raw value the tool returned. */
  value: TValue;
  /**
   * The images the tool returned (`withImages`): sent after the turn's tool messages in a user
   * message, since a tool message carries only text. Absent when it returned none.
   */
  images?: readonly ToolImage[];
  /** Absent on success. */
  error?: undefined;
}

/** A tool call that failed; `output` tells the model what went wrong and what to do. */
export interface ToolFailure extends ToolOutcomeBase {
  /** `false`: the call failed. */
  ok: false;
  /** Absent on failure. */
  value?: undefined;
  /** Absent on failure. */
  images?: undefined;
  /** Why the call failed. */
  error: ToolOutcomeError;
}

/**
 * The result of `ToolRegistry.execute`: always a value, never a rejection, for every fault the
 * model or the tool caused. Narrow on `ok`.
 *
 * @typeParam TValue - What the tool returns (`value` of a success).
 * @typeParam TArgs - The tool's validated arguments (`args` of a success).
 */
export type ToolOutcome<TValue = unknown, TArgs = unknown> =
  | ToolSuccess<TValue, TArgs>
  | ToolFailure;

/**
 * What `tool()` takes.
 *
 * @typeParam TSchema - The zod object schema of the arguments.
 * @typeParam TResult - What `execute` resolves to.
 * @typeParam TContext - The run's user context object.
 * @typeParam TName - The tool's name, kept as a literal type so an agent can type its calls.
 */
export interface ToolDefinition<
  TSchema extends ToolParameters,
  TResult,
  TContext = unknown,
  TName extends string = string,
> {
  /** The name the model calls the tool by: `^[a-zA-Z0-9_-]{1,64}$`. */
  name: TName;
  /** What the tool does and when to use it; the model reads this. */
  description: string;
  /** A zod v4 (`zod`) or zod v3 (`zod/v3`) object schema of the arguments. */
  parameters: TSchema;
  /**
   * Runs the tool. Its return value (or resolved value) becomes the tool message: a string as
   * is, anything else as JSON.
   */
  execute: (
    args: InferToolArgs<TSchema>,
    ctx: ToolContext<TContext>,
  ) => TResult | PromiseLike<TResult>;
  /** Abort the tool and answer `timeout` after this many milliseconds. @default no timeout (or the registry's `timeoutMs`) */
  timeoutMs?: number | undefined;
  /**
   * `'auto'` sends the schema with `strict: true` when it can be made strict-compatible;
   * `true` requires it (an error at definition when impossible); `false` never.
   * @default 'auto'
   */
  strict?: StrictMode | undefined;
  /** Outputs longer than this many characters are cut with a marker. @default the registry's (20,000) */
  maxOutputChars?: number | undefined;
  /**
   * Pause the run for an approval before the call runs: `true`, or a function of the validated
   * arguments. The run resolves with `status: 'interrupted'`; `state.approve(i)` or
   * `state.reject(i, { message })`, then `agent.run(state)`, continues it.
   * @default false
   */
  needsApproval?: NeedsApproval<InferToolArgs<TSchema>, TContext> | undefined;
  /**
   * The tool may run twice for one call with no harm (a lookup, or a write keyed by
   * `ctx.idempotencyKey`): after a crash mid-call, `agent.resume` runs it again. A tool that is
   * not idempotent is never re-run: its call becomes an `unknown_outcome` interruption.
   * @default false
   */
  idempotent?: boolean | undefined;
}

/**
 * A tool made by `tool()`: a name, a description, a schema and an `execute` function.
 *
 * A bare `Tool` (arguments `never`) is the type of "any tool": every tool that needs no particular
 * context is assignable to it, so `tools: Tool[]` accepts them all.
 *
 * @typeParam TArgs - The arguments `execute` receives.
 * @typeParam TResult - What `execute` resolves to.
 * @typeParam TContext - The run's user context object.
 * @typeParam TName - The tool's name: the literal given to `tool()`, so that an agent's events
 *   and results narrow on it; `string` when it is not known.
 */
export interface Tool<
  TArgs = never,
  TResult = unknown,
  TContext = unknown,
  TName extends string = string,
> {
  /** The name the model calls the tool by. */
  readonly name: TName;
  /** What the tool does; sent to the model. */
  readonly description: string;
  /** The zod schema of the arguments. */
  readonly parameters: ToolParameters;
  /** The JSON Schema sent to the model (the strict form when `strict` is `true`). */
  readonly jsonSchema: Record<string, unknown>;
  /** Whether the schema is sent with `strict: true`. */
  readonly strict: boolean;
  /** The tool's own timeout in milliseconds, if it has one. */
  readonly timeoutMs: number | undefined;
  /** The tool's own output limit in characters, if it has one. */
  readonly maxOutputChars: number | undefined;
  /** Whether a call waits for an approval first (see {@link ToolDefinition.needsApproval}). */
  readonly needsApproval: NeedsApproval<TArgs, TContext>;
  /** Whether a call may run again after a crash (see {@link ToolDefinition.idempotent}). */
  readonly idempotent: boolean;
  /** Runs the tool with validated arguments. Call it through `ToolRegistry.execute` to get validation, timeouts and safe output. */
  readonly execute: (args: TArgs, ctx: ToolContext<TContext>) => TResult | PromiseLike<TResult>;
}

/**
 * Any tool a registry of context `TContext` can hold, whatever its arguments and result.
 *
 * @typeParam TContext - The run's user context object.
 */
export type AnyTool<TContext = unknown> = Tool<never, unknown, TContext>;
