import type { ToolList } from '../agent/tool-calls.js';
import { checkModelRequest, checkToolDecision } from '../run/interceptor-results.js';
import type { BeforeModel, BeforeTool } from './interceptors.js';
import type { Middleware, WrapToolCall } from './middleware.js';

/**
 * `beforeModel` as a middleware: it is awaited with the request as it reaches it, and what it
 * returns (checked: nothing, or a request with messages) is passed on to `next`.
 */
export function beforeModelMiddleware<TContext>(
  beforeModel: BeforeModel<TContext>,
): Middleware<TContext> {
  return {
    wrapModelCall: async (ctx, next) => {
      const info = { runId: ctx.runId, turn: ctx.turn, agent: ctx.agent, context: ctx.context };
      return next(checkModelRequest(await beforeModel(ctx.request, info)));
    },
  };
}

/** The `wrapToolCall` hooks made from `beforeTool`: not asked again about a restarted call. */
const beforeToolHooks = new WeakSet<object>();

/** Whether a hook is a `beforeTool` made into middleware (see {@link beforeToolMiddleware}). */
export function isBeforeToolHook(hook: object): boolean {
  return beforeToolHooks.has(hook);
}

/**
 * `beforeTool` as a middleware: a denial answers with `ctx.deny(reason)` (the tool does not
 * run), a rewrite goes on with the new arguments (validated again by `next`: an invalid rewrite
 * asks no middleware inside it), an interrupt pauses the run with `ctx.interrupt(reason)` (for a
 * call already approved it goes on instead), anything it does not understand fails the run.
 */
export function beforeToolMiddleware<TContext>(
  beforeTool: BeforeTool<TContext>,
): Middleware<TContext> {
  const wrapToolCall: WrapToolCall<TContext> = async (ctx, next) => {
    const { runId, turn, agent, context, toolCallId, name, args } = ctx;
    const info = { runId, turn, agent, context, toolCallId, name, args };
    const decision = checkToolDecision(await beforeTool(info), name);
    if (decision?.action === 'deny') return ctx.deny(decision.reason);
    if (decision?.action === 'interrupt') ctx.interrupt(decision.reason);
    if (decision?.action === 'rewrite') return next(decision.args);
    return next();
  };
  beforeToolHooks.add(wrapToolCall);
  return { wrapToolCall };
}

/**
 * The middleware of one level (the agent, or one run), outermost first: its `beforeModel` and
 * `beforeTool` shortcuts, then its `middleware` list.
 */
export function middlewareOfLevel<TContext>(level: {
  beforeModel?: BeforeModel<TContext> | undefined;
  beforeTool?: BeforeTool<TContext, ToolList> | undefined;
  middleware?: readonly Middleware<TContext, ToolList>[] | undefined;
}): Middleware<TContext>[] {
  return [
    ...(level.beforeModel ? [beforeModelMiddleware(level.beforeModel)] : []),
    ...(level.beforeTool ? [beforeToolMiddleware(level.beforeTool)] : []),
    ...(level.middleware ?? []),
  ];
}
