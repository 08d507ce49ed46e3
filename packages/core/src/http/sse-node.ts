import type { AgentStream } from '../agent/agent-stream.js';
import { AgentError } from '../errors/agent-error.js';
import { encodeSSE, SSE_HEADERS, type SSEOptions } from './sse-encode.js';

/**
 * The part of Node's `http.ServerResponse` that {@link pipeSSEToResponse} uses; a
 * `ServerResponse` (and so an Express or Fastify raw response) fits.
 */
export interface SSEServerResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  setHeader(name: string, value: string): unknown;
  flushHeaders(): void;
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  /** Closes the connection at once; used for a client that stopped reading (else `end()`). */
  destroy?(): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** The default {@link PipeSSEOptions.drainTimeoutMs}: 30 seconds. */
const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** Options of {@link pipeSSEToResponse}. */
export interface PipeSSEOptions extends SSEOptions {
  /** The HTTP status, when the headers were not sent yet. @default 200 */
  status?: number | undefined;
  /** Headers added to (or overriding) {@link SSE_HEADERS}, when the headers were not sent yet. */
  headers?: Record<string, string> | undefined;
  /**
   * How long a write may wait for the client to take the data (`'drain'`). A client that takes
   * nothing for this long counts as stalled: the run is aborted (its `RunAbortedError`'s
   * `reason` is an error with code `client_stalled`) and the connection destroyed, so a client
   * that never reads cannot hold the run, and its share of the server, forever. `0` waits
   * forever.
   * @default 30000
   */
  drainTimeoutMs?: number | undefined;
}

/**
 * Writes a run's events to a Node `http.ServerResponse` as server-sent events (see
 * `toWireEvent` for what each event sends), then ends the response.
 *
 * It respects the socket's backpressure: when `res.write()` returns `false` it waits for
 * `'drain'` before writing more, and meanwhile the run itself pauses (its buffer fills, then the
 * model's stream is no longer read), so a slow client never makes the server buffer a reply.
 * When the client disconnects (`'close'` before the response ended) the run is aborted: the
 * model's stream and running tools are cancelled. A client that stops reading altogether (no
 * `'drain'` within `drainTimeoutMs`) is treated the same way, and its connection destroyed.
 *
 * @param stream - from `agent.stream()`, not yet iterated.
 * @param res - the response to write to.
 * @param options - `status`, `headers`, `serialize`, `heartbeatMs`, `drainTimeoutMs`.
 * @returns a promise that resolves once the response ended or the client went away. It does not
 * reject for a failed run (that is sent as `run:error`, and `stream.result` rejects with it);
 * only for a stream that cannot be iterated (already iterated) or a failing `res.write()`.
 * @example
 * ```ts
 * http.createServer(async (req, res) => {
 *   await pipeSSEToResponse(agent.stream('Weather in Paris?'), res);
 * }).listen(3000);
 * ```
 */
export async function pipeSSEToResponse<TOutput>(
  stream: AgentStream<TOutput>,
  res: SSEServerResponse,
  {
    status = 200,
    headers,
    drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS,
    ...options
  }: PipeSSEOptions = {},
): Promise<void> {
  if (!(Number.isFinite(drainTimeoutMs) && drainTimeoutMs >= 0)) {
    throw new TypeError(
      `drainTimeoutMs must be a number of milliseconds >= 0 (0: wait forever), got ${drainTimeoutMs}.`,
    );
  }
  if (res.destroyed) {
    // The client left before anything was written: run nothing, but let `result` settle.
    stream.abort(new DOMException('The client closed the connection.', 'AbortError'));
    for await (const _ of stream) {
      // run:start, then run:error (RunAbortedError)
    }
    return;
  }
  if (!res.headersSent) {
    res.statusCode = status;
    for (const [name, value] of Object.entries({ ...SSE_HEADERS, ...headers })) {
      res.setHeader(name, value);
    }
    res.flushHeaders();
  }
  let closed = false;
  let wakeWriter: (() => void) | undefined;
  const onClose = () => {
    closed = true;
    // Abort at once, even while waiting for the next event (say, during a slow tool).
    if (!res.writableFinished) {
      stream.abort(new DOMException('The client closed the connection.', 'AbortError'));
    }
    wakeWriter?.();
  };
  res.once('close', onClose);
  let stalled = false;
  try {
    for await (const chunk of encodeSSE(stream, options)) {
      if (closed) break;
      if (!res.write(chunk)) {
        const inTime = await drained(res, drainTimeoutMs, (wake) => {
          wakeWriter = wake;
        });
        wakeWriter = undefined;
        if (closed) break;
        if (!inTime) {
          // Abort first, so the run's error names the stall rather than a closed connection.
          stalled = true;
          stream.abort(stalledClient(drainTimeoutMs));
          break;
        }
      }
    }
  } finally {
    res.off('close', onClose);
    if (stalled) {
      if (res.destroy) res.destroy();
      else if (!res.writableEnded) res.end();
    } else if (!closed && !res.writableEnded) res.end();
  }
}

/**
 * Resolves `true` on `'drain'` or when `onWake` is called (the connection closed), `false` when
 * `timeoutMs` passed first (`0`: never).
 */
function drained(
  res: SSEServerResponse,
  timeoutMs: number,
  onWake: (wake: () => void) => void,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (inTime: boolean) => {
      clearTimeout(timer);
      res.off('drain', done);
      resolve(inTime);
    };
    const done = () => settle(true);
    res.once('drain', done);
    onWake(done);
    if (timeoutMs > 0) timer = setTimeout(() => settle(false), timeoutMs);
  });
}

function stalledClient(drainTimeoutMs: number): AgentError {
  return new AgentError({
    code: 'client_stalled',
    message: `The client took none of the event stream for ${drainTimeoutMs} ms (its connection's buffers stayed full), so the run was stopped and the connection closed. Raise drainTimeoutMs for clients that read this slowly.`,
  });
}
