import { ModelError } from '../errors/errors.js';
import type { Model, ModelCallEvent, ModelRequest, ModelResponse } from '../models/model.js';
import { type RetryOptions, withRetry } from '../models/retry.js';
import { addUsage, cachedResponseUsage, usageFromCompletion } from '../models/usage.js';
import type { ActiveRun } from './active-run.js';
import { type BoundedAttempt, boundedModelCall } from './bounded-model-call.js';

/** How a model call is made. */
export interface CallModelOptions {
  model: Model;
  /** `stream` emits `text:delta` and `tool:args` as the reply arrives. */
  mode: 'generate' | 'stream';
  retry: RetryOptions | undefined;
}

/**
 * One model call, inside every `wrapModelCall` middleware (see `model-call-chain`):
 * `model:start`, the call with retries of transient faults (each announced by `model:retry`),
 * `model:end`, and the usage added to the run. A retry re-sends the same request; nothing else
 * of the run is repeated.
 */
export async function callModel<TContext>(
  state: ActiveRun<TContext>,
  finalRequest: ModelRequest,
  { model, mode, retry }: CallModelOptions,
): Promise<ModelResponse> {
  const { runId, turn } = state;
  if (state.bus.wants('model:start')) {
    state.bus.emit({ type: 'model:start', runId, turn, model: model.name, request: finalRequest });
  }
  const started = performance.now();
  const onEvent = (event: ModelCallEvent) => {
    if (event.type === 'cache') {
      if (state.bus.wants('model:cache')) {
        state.bus.emit({ type: 'model:cache', runId, turn, hit: event.hit, key: event.key });
      }
    } else if (state.bus.wants('model:rate_limited')) {
      state.bus.emit({
        type: 'model:rate_limited',
        runId,
        turn,
        waitMs: event.waitMs,
        limit: event.limit,
      });
    }
  };

  const response = await withRetry(
    () =>
      boundedModelCall(
        { signal: state.signal, model: model.name, mode, timeouts: state.timeouts, onEvent },
        (attempt) =>
          mode === 'stream'
            ? consumeStream(state, model, finalRequest, attempt)
            : model.generate(finalRequest, attempt.callOptions),
      ),
    {
      ...retry,
      signal: state.signal,
      onRetry: ({ attempt, delayMs, error }) => {
        state.bus.emit({
          type: 'model:retry',
          runId,
          turn,
          attempt,
          delayMs,
          error: { code: error.code, message: error.message, status: error.status },
        });
      },
    },
  );

  // A cached reply spent nothing: its usage is the original call's, counted when it was made.
  const usage = response.cached
    ? cachedResponseUsage()
    : usageFromCompletion(response.usage, response.model ?? model.name);
  // Added up the tree: a parent's usage is that of its own calls and of the runs it called.
  for (let run: ActiveRun<unknown> | undefined = state; run; run = run.parent) {
    run.usage = addUsage(run.usage, usage);
    const mine = run.usageByAgent[state.activeAgent];
    run.usageByAgent[state.activeAgent] = mine ? addUsage(mine, usage) : usage;
  }
  if (state.bus.wants('model:end')) {
    state.bus.emit({
      type: 'model:end',
      runId,
      turn,
      response,
      usage,
      durationMs: performance.now() - started,
    });
  }
  return response;
}

/**
 * Reads a streamed reply, emitting `text:delta` and `tool:args` events, and returns the whole
 * reply. A stream that fails after its first event is never retried: the text already shown
 * would be repeated. It fails with a `ModelError` marked `midStream`.
 */
async function consumeStream<TContext>(
  state: ActiveRun<TContext>,
  model: Model,
  request: ModelRequest,
  attempt: BoundedAttempt,
): Promise<ModelResponse> {
  const { runId, turn } = state;
  let received = false;
  let text = '';
  state.partialText = undefined;
  try {
    for await (const event of attempt.watch(model.stream(request, attempt.callOptions))) {
      // A model that ignores its signal would be read forever after an abort or a timeout;
      // throwing here closes its stream (the `for await` calls its `return()`).
      attempt.signal.throwIfAborted();
      received = true;
      const waitForConsumer = state.consumerReady?.();
      if (waitForConsumer) await waitForConsumer;
      if (event.type === 'text-delta') {
        text += event.delta;
        // Kept on the run too: a run aborted now reports the text already shown.
        state.partialText = text;
        if (state.bus.wants('text:delta')) {
          state.bus.emit({ type: 'text:delta', runId, turn, delta: event.delta });
        }
      } else if (event.type === 'tool-call-delta') {
        // Every delta carries the call's id and name from its first chunk on (the Model contract).
        if (event.argumentsDelta.length > 0 && state.bus.wants('tool:args')) {
          state.bus.emit({
            type: 'tool:args',
            runId,
            turn,
            toolCallId: event.id ?? '',
            index: event.index,
            name: event.name ?? '',
            delta: event.argumentsDelta,
          });
        }
      } else {
        // The whole reply arrived: from now on the response is what counts.
        state.partialText = undefined;
        return event.response;
      }
    }
  } catch (error) {
    if (!received || state.signal.aborted || (ModelError.isInstance(error) && !error.retryable)) {
      throw error;
    }
    throw new ModelError({
      message: `The model's stream failed after it had started (${describe(error)}); it is not retried because the text already streamed would be repeated.`,
      retryable: false,
      midStream: true,
      partialText: text,
      cause: error,
    });
  }
  throw new ModelError({
    message: `The model's stream ended without a final response (${text.length} characters of text had arrived). The provider closed the stream early; try again.`,
    retryable: false,
    midStream: received,
    partialText: text,
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
