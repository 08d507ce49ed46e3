import type { EventHooks } from '../events/event-bus.js';
import { isBeforeToolHook } from './interceptor-middleware.js';
import type { Middleware, WrapModelCall, WrapRun, WrapToolCall } from './middleware.js';

/** The hooks of a run's middleware, by step, outermost first. */
export interface MiddlewareStack<TContext> {
  wrapRun: WrapRun<TContext>[];
  wrapModelCall: WrapModelCall<TContext>[];
  wrapToolCall: WrapToolCall<TContext>[];
}

/**
 * The hooks of a run: the agent's middleware around the run's (each level's `beforeModel` /
 * `beforeTool` shortcuts already first in its list), sorted by the step they wrap. Each hook is
 * called as a method of its middleware, so a middleware written as a class keeps its `this`.
 */
export function middlewareStack<TContext>(
  ...levels: readonly (readonly Middleware<TContext>[])[]
): MiddlewareStack<TContext> {
  const stack: MiddlewareStack<TContext> = { wrapRun: [], wrapModelCall: [], wrapToolCall: [] };
  for (const level of levels) {
    for (const middleware of level) {
      const { wrapRun, wrapModelCall, wrapToolCall } = middleware;
      if (wrapRun) stack.wrapRun.push((ctx, next) => wrapRun.call(middleware, ctx, next));
      if (wrapModelCall) {
        stack.wrapModelCall.push((ctx, next) => wrapModelCall.call(middleware, ctx, next));
      }
      if (wrapToolCall) {
        // beforeTool's own hook is kept as it is, so the loop can tell it apart (it needs no `this`).
        stack.wrapToolCall.push(
          isBeforeToolHook(wrapToolCall)
            ? wrapToolCall
            : (ctx, next) => wrapToolCall.call(middleware, ctx, next),
        );
      }
    }
  }
  return stack;
}

/**
 * The event listeners of a run's middleware (their `events`), the agent's first: the event bus
 * calls them as it calls the run's hooks.
 */
export function middlewareEvents(
  ...levels: readonly (readonly Middleware<never>[] | undefined)[]
): EventHooks[] {
  const observers: EventHooks[] = [];
  for (const level of levels) {
    for (const middleware of level ?? []) {
      if (middleware.events) observers.push(middleware.events as EventHooks);
    }
  }
  return observers;
}
