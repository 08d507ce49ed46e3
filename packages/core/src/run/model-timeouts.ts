/**
 * Bounds on every model call of a run, so a provider that accepts the connection and then says
 * nothing (or only sends keep-alive comments) cannot hold a run. Set on the agent
 * (`new Agent({ timeouts })`) and per run (`agent.run(input, { timeouts })`, which wins).
 *
 * A bound that fires cancels the attempt (its `signal` aborts, so the HTTP request and its socket
 * are released) and fails it with a retryable `ModelError` whose `timeout` says which
 * bound fired (`'first_byte'` or `'idle'`) and `timeoutMs` its value; the run's `retry` policy
 * then applies, so a silent provider costs at most `(maxRetries + 1)` bounds plus the backoff.
 * A stream that had already delivered text is the exception, as for any stream that breaks:
 * it is not retried, because the text shown would be repeated (`midStream`).
 */
export interface ModelTimeouts {
  /**
   * How long a model call may wait for its first data. In a streamed run (`agent.stream()`),
   * until the first chunk arrives; in `agent.run()`, where the reply is not streamed and arrives
   * whole, for the whole reply, which a reasoning model may think over for minutes.
   * @default 300000 (5 minutes) in `stream()`, 600000 (10 minutes, the `openai` client's own
   * request timeout) in `run()`; see {@link DEFAULT_MODEL_TIMEOUTS}
   */
  firstByteMs?: number | undefined;
  /**
   * Streamed runs: the longest wait for the next data-bearing chunk once the stream has started.
   * SSE comments and keep-alives (`: keep-alive`, `: OPENROUTER PROCESSING`) do not count: a
   * stream that sends only those times out. Chunks that carry no text (the role chunk, reasoning
   * text, usage) do count, when the model reports them (`openai()` does, through `onChunk`).
   * Time spent waiting for a slow `stream()` consumer is not counted.
   * @default 120000 (2 minutes)
   */
  idleMs?: number | undefined;
}

/**
 * The default bounds of {@link ModelTimeouts}, chosen as hang detectors, not latency targets:
 * a bound that fires on a slow but healthy call wastes the tokens spent and sends the request
 * again, so they leave room for reasoning models. `firstByteMs.run` matches the `openai`
 * client's 10-minute request timeout, the bound its users have lived with; a streamed reply
 * starts once the model has finished reasoning, so `firstByteMs.stream` allows 5 minutes for
 * that; `idleMs` is 2 minutes, as LangChain's `stream_chunk_timeout`, which likewise measures
 * the gap between parsed chunks so that keep-alives do not reset it (the Vercel AI SDK's
 * `timeout.chunkMs` and the Agents SDK set no default).
 */
export const DEFAULT_MODEL_TIMEOUTS = {
  firstByteMs: { run: 600_000, stream: 300_000 },
  idleMs: 120_000,
} as const;

/** The longest bound a timer can hold (about 24.8 days); Node fires longer ones at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** The bounds of one run, defaults filled in. */
export interface ResolvedModelTimeouts {
  readonly firstByteMs: number;
  readonly idleMs: number;
}

/**
 * The bounds for a run: the run's own, then the agent's, then the defaults for the mode.
 * @param mode - `generate` for `run()`, `stream` for `stream()`.
 * @param layers - the agent's `timeouts`, then the run's (later ones win).
 */
export function resolveModelTimeouts(
  mode: 'generate' | 'stream',
  ...layers: readonly (ModelTimeouts | undefined)[]
): ResolvedModelTimeouts {
  let firstByteMs: number =
    mode === 'stream'
      ? DEFAULT_MODEL_TIMEOUTS.firstByteMs.stream
      : DEFAULT_MODEL_TIMEOUTS.firstByteMs.run;
  let idleMs: number = DEFAULT_MODEL_TIMEOUTS.idleMs;
  for (const layer of layers) {
    if (layer?.firstByteMs !== undefined) firstByteMs = layer.firstByteMs;
    if (layer?.idleMs !== undefined) idleMs = layer.idleMs;
  }
  return { firstByteMs, idleMs };
}
