import { compose } from '../middleware/compose.js';
import type { WrapModelCall } from '../middleware/middleware.js';
import type { ModelCallContext } from '../middleware/middleware-context.js';
import { checkModelReply, checkNextRequest } from '../middleware/middleware-results.js';
import type { ModelRequest, ModelResponse } from '../models/model.js';
import type { ActiveRun } from './active-run.js';
import { type CallModelOptions, callModel } from './call-model.js';

/** How a model call goes through the run's middleware. */
export interface ModelCallChainOptions<TContext> extends CallModelOptions {
  /** The run's `wrapModelCall` hooks, outermost first (`beforeModel` among them). */
  middleware: readonly WrapModelCall<TContext>[];
}

/**
 * One model call through the `wrapModelCall` middleware: at the centre `callModel` (with
 * `model:start`, retries, `model:end` and the usage), around it the middleware, which may
 * change the request, the reply, call the model again or not at all. In `stream()` a reply
 * that came from no model call (a short-circuit) is emitted as one `text:delta`, so a stream's
 * reader shows its text.
 */
export function callModelThroughMiddleware<TContext>(
  state: ActiveRun<TContext>,
  request: ModelRequest,
  { middleware, ...options }: ModelCallChainOptions<TContext>,
): Promise<ModelResponse> {
  // Not an async function: returning `callModel`'s promise from one would cost a few ticks more.
  if (middleware.length === 0) return callModel(state, request, options);
  return throughMiddleware(state, request, middleware, options);
}

async function throughMiddleware<TContext>(
  state: ActiveRun<TContext>,
  request: ModelRequest,
  middleware: readonly WrapModelCall<TContext>[],
  options: CallModelOptions,
): Promise<ModelResponse> {
  let called = false;
  const chain = compose<ModelCallContext<TContext>, ModelRequest, ModelResponse>({
    layers: middleware,
    core: (ctx) => {
      called = true;
      return callModel(state, ctx.request, options);
    },
    advance: (ctx, next) => ({ ctx: { ...ctx, request: checkNextRequest(next) } }),
    check: checkModelReply,
    signal: state.signal,
  });
  const response = await chain({
    runId: state.runId,
    turn: state.turn,
    agent: state.activeAgent,
    context: state.context,
    model: options.model.name,
    request,
    signal: state.signal,
  });
  const text = response.message.content;
  if (!called && options.mode === 'stream' && typeof text === 'string' && text !== '') {
    const waitForConsumer = state.consumerReady?.();
    if (waitForConsumer) await waitForConsumer;
    if (state.bus.wants('text:delta')) {
      state.bus.emit({ type: 'text:delta', runId: state.runId, turn: state.turn, delta: text });
    }
  }
  return response;
}
