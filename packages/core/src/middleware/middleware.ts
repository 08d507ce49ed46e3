import type { ToolOutcome } from '@agentloop/tools';
import type { ToolList } from '../agent/tool-calls.js';
import type { EventHooks } from '../events/event-bus.js';
import type { ModelRequest, ModelResponse } from '../models/model.js';
import type { RunResult } from '../run/run-result.js';
import type {
  ModelCallContext,
  RunMiddlewareContext,
  ToolCallContext,
  ToolCallContextOf,
} from './middleware-context.js';

/**
 * Wraps a whole run: from after `run:start` to the result that `run:end` carries. Call `next()`
 * once to run the loop and return its result, changed or not.
 *
 * `next()` may be called once only (a second call rejects with a `ConfigurationError`): a run
 * cannot be run twice.
 *
 * @typeParam TContext - The run's user context.
 */
export type WrapRun<TContext> = (
  ctx: RunMiddlewareContext<TContext>,
  next: () => Promise<RunResult<unknown>>,
) => Promise<RunResult<unknown>>;

/**
 * Wraps one model call: from the request trimmed to the budget to the reply the loop goes on
 * with. `next(request?)` sends the request (`ctx.request`, or the one given) through the
 * middleware inside this one and then to the model, with its retries of transient faults and
 * `model:start` / `model:end`; return its reply, changed or not, or a reply of your own without
 * calling `next` (a cached one: the model is not called, no `model:start` / `model:end` fire, no
 * usage is counted; in `stream()` its text is emitted as one `text:delta`).
 *
 * `next` may be called more than once (to retry, or to ask a second model): each call is a
 * model call of its own, with its events and usage; in `stream()` each streams its text.
 *
 * @typeParam TContext - The run's user context.
 */
export type WrapModelCall<TContext> = (
  ctx: ModelCallContext<TContext>,
  next: (request?: ModelRequest) => Promise<ModelResponse>,
) => Promise<ModelResponse>;

/**
 * Wraps one tool call the model made to a known tool with valid arguments (calls that cannot
 * run fail before any middleware, as they do before `beforeTool`). `next(args?)` runs the call
 * with `ctx.args`, or with the arguments given, validated by the tool's schema first (invalid
 * ones resolve to the `invalid_arguments` failure without going further in); `tool:start` fires
 * only when the tool itself starts, after every middleware called `next`. Return its outcome,
 * changed or not, or an outcome of your own without calling `next` (a cached result, or
 * `ctx.deny(reason)`): the tool does not run and the call gets only its `tool:end`. Or pause
 * the run for a person's decision with `ctx.interrupt(reason)` (see {@link ToolCallContext}).
 * A tool's `needsApproval` is asked before any middleware; a call a person rejected answers the
 * model without going through the middleware.
 *
 * `next` may be called more than once (to retry): each call runs the tool again, with its own
 * `tool:start`.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools: `ctx` is the union {@link ToolCallContextOf} of them.
 */
export type WrapToolCall<TContext, TTools extends ToolList = ToolList> = (
  ctx: ToolCallContextOf<TContext, TTools>,
  next: (args?: unknown) => Promise<ToolOutcome>,
) => Promise<ToolOutcome>;

/**
 * Code that wraps the steps of a run, as hono's `compose` and the AI SDK's `wrapGenerate` do:
 * each hook is `(ctx, next) => Promise`, and a middleware list runs in onion order (the first
 * listed is the outermost: its code before `next` runs first, its code after `next` last). The
 * agent's `middleware` wrap the run's: `beforeModel` / `beforeTool` are middleware too, each
 * placed just before the list of its level: agent `beforeX`, agent `middleware`, run
 * `hooks.beforeX`, run `middleware`, then the step itself.
 *
 * The rules of the loop hold for whatever middleware does:
 * - A middleware that throws (or rejects) fails the run with that error, in exactly one
 *   `run:error`, as a throwing `beforeTool` does: it is your code, not the model's fault. A
 *   failed tool outcome it returns is a value the model sees, like any tool failure.
 * - What a hook resolves to is checked: a `wrapModelCall` must give a reply (`{ message }`),
 *   a `wrapToolCall` an outcome (`{ ok, output }`; its `toolCallId` and `name` are set to the
 *   call's), a `wrapRun` a result; anything else (say a forgotten `return next()`) fails the run
 *   with a `ConfigurationError`.
 * - `ctx.signal` is the run's: an abort while a middleware awaits ends the run at once with
 *   `RunAbortedError` (or `DeadlineExceededError`), whether or not the middleware listens.
 *
 * @typeParam TContext - The run's user context.
 * @typeParam TTools - The agent's tools, which type `wrapToolCall`'s `ctx`.
 * @example
 * ```ts
 * const cache = new Map<string, ModelResponse>();
 * const caching: Middleware = {
 *   wrapModelCall: async (ctx, next) => {
 *     const key = JSON.stringify(ctx.request.messages);
 *     const hit = cache.get(key);
 *     if (hit) return hit; // the model is not called
 *     const reply = await next();
 *     cache.set(key, reply);
 *     return reply;
 *   },
 * };
 * const agent = new Agent({ name: 'a', model, middleware: [caching] });
 * ```
 */
export interface Middleware<TContext = unknown, TTools extends ToolList = ToolList> {
  /** Wraps the whole run (see {@link WrapRun}). */
  wrapRun?: WrapRun<TContext>;
  /** Wraps every model call (see {@link WrapModelCall}). */
  wrapModelCall?: WrapModelCall<TContext>;
  /** Wraps every tool call that can run (see {@link WrapToolCall}). */
  wrapToolCall?: WrapToolCall<TContext, TTools>;
  /**
   * Listeners for the events of every run this middleware is in, keyed by event type (or
   * `onEvent` for all), as a run's `hooks` take them: for what only events tell, such as a
   * model call's retries (`model:retry`) or its first streamed chunk (`text:delta`). Each is
   * called when the event is emitted, inside the step that emits it (a `model:retry` inside the
   * `wrapModelCall` chain of its call); its return value is ignored and a throw never breaks the
   * run. Events of other runs (another agent's, a child's) do not reach them.
   */
  events?: EventHooks<TTools>;
}
