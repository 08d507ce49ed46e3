import { ConfigurationError } from '../errors/errors.js';
import { raceAbort } from '../run/abort.js';

/**
 * One layer of an onion: it gets the context and a `next` that runs the layers inside it (and
 * at the centre the step itself), optionally with a changed input.
 */
export type Layer<TCtx, TInput, TResult> = (
  ctx: TCtx,
  next: (input?: TInput) => Promise<TResult>,
) => Promise<TResult>;

/** How {@link compose} builds one onion. */
export interface ComposeOptions<TCtx, TInput, TResult> {
  /** The layers, outermost first. */
  layers: readonly Layer<TCtx, TInput, TResult>[];
  /** The step itself, inside every layer. */
  core: (ctx: TCtx) => Promise<TResult>;
  /**
   * The context the layer inside gets when `next` is given an input, or a result to resolve
   * `next` with at once, going no further in (an invalid rewrite of a tool's arguments).
   */
  advance?: (
    ctx: TCtx,
    input: TInput,
  ) => { ctx: TCtx } | { result: TResult } | Promise<{ ctx: TCtx } | { result: TResult }>;
  /** Checks what a layer resolved to: returns it as a result, or throws. */
  check: (returned: unknown) => TResult;
  /** The run's signal: an abort rejects whatever layer is awaited, at once. */
  signal: AbortSignal;
  /** When set, a layer calling `next` twice is refused with this message. */
  onceMessage?: string;
}

/**
 * Composes layers around a step, as hono's `compose` does: the first layer is the outermost,
 * each reaches the next through `next`. Every layer is raced against the run's signal (an
 * abort while one awaits rejects with the signal's reason, whether or not it listens), and what
 * each resolves to is checked. Without layers the step is returned as it is: nothing is paid
 * for middleware nobody uses.
 *
 * @returns the onion: call it with the outermost layer's context.
 */
export function compose<TCtx, TInput, TResult>({
  layers,
  core,
  advance,
  check,
  signal,
  onceMessage,
}: ComposeOptions<TCtx, TInput, TResult>): (ctx: TCtx) => Promise<TResult> {
  if (layers.length === 0) return core;
  const dispatch = async (index: number, ctx: TCtx): Promise<TResult> => {
    const layer = layers[index];
    if (!layer) return core(ctx);
    let calls = 0;
    const next = async (input?: TInput): Promise<TResult> => {
      calls += 1;
      if (onceMessage !== undefined && calls > 1) throw new ConfigurationError(onceMessage);
      signal.throwIfAborted();
      if (input === undefined || !advance) return dispatch(index + 1, ctx);
      const moved = await raceAbort(Promise.resolve(advance(ctx, input)), signal);
      return 'result' in moved ? moved.result : dispatch(index + 1, moved.ctx);
    };
    return check(await raceAbort(Promise.resolve(layer(ctx, next)), signal));
  };
  return (ctx) => dispatch(0, ctx);
}
