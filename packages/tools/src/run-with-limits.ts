/** How a guarded tool call ended. */
export type GuardedResult =
  | { kind: 'ok'; value: unknown }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'aborted' };

/** Options of {@link runWithLimits}. */
export interface RunWithLimitsOptions {
  /** Starts the tool with the signal it must honour. */
  start: (signal: AbortSignal) => unknown;
  /** The caller's signal: aborting it aborts the tool and answers `aborted` at once. */
  signal?: AbortSignal | undefined;
  /**
   * Whether an abort of `signal` answers `aborted` at once. Off, the tool still gets a signal
   * that aborts, and the call settles when the tool does (or at the timeout). @default true
   */
  settleOnAbort?: boolean | undefined;
  /** Answer `timeout` (and abort the tool) after this many milliseconds. */
  timeoutMs?: number | undefined;
  /** The reason the tool's signal carries on timeout. */
  timeoutReason: () => unknown;
}

/**
 * Runs a tool so that the call always settles: with its value or error, at `timeoutMs`, or as
 * soon as the caller's signal aborts, whichever comes first, even if the tool never settles.
 * The tool's own signal is aborted on timeout and on the caller's abort. Nothing stays attached
 * afterwards (timer cleared, listener removed), and a promise the tool settles later, rejection
 * included, is handled.
 */
export function runWithLimits({
  start,
  signal,
  settleOnAbort = true,
  timeoutMs,
  timeoutReason,
}: RunWithLimitsOptions): Promise<GuardedResult> {
  if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
  const timed = timeoutMs !== undefined && Number.isFinite(timeoutMs);
  // Without settling early, nothing needs to hear the caller's abort unless it must be passed
  // on to a controller of the call's own (the timed case).
  const watched = settleOnAbort || timed ? signal : undefined;
  // Without a timeout the tool can share the caller's signal: a controller per call costs
  // about a third of a tool call's overhead on Node 20, and nothing else would abort it.
  const controller = timed || !signal ? new AbortController() : undefined;
  const toolSignal = controller?.signal ?? (signal as AbortSignal);
  return new Promise<GuardedResult>((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (result: GuardedResult): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      watched?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    function onAbort(): void {
      if (settleOnAbort) finish({ kind: 'aborted' });
      controller?.abort(signal?.reason);
    }
    watched?.addEventListener('abort', onAbort, { once: true });
    if (timed) {
      timer = setTimeout(() => {
        finish({ kind: 'timeout' });
        controller?.abort(timeoutReason());
      }, timeoutMs);
    }
    try {
      // The prototype's `then`, not the value's: a promise the tool returns may carry an own
      // `then` or `constructor` that throws. What `Promise.resolve` or `then` throws (a
      // `constructor` getter) is the tool's error like any other.
      Promise.prototype.then.call(
        Promise.resolve(start(toolSignal)),
        (value) => finish({ kind: 'ok', value }),
        (error: unknown) => finish({ kind: 'error', error }),
      );
    } catch (error) {
      finish({ kind: 'error', error });
    }
  });
}
