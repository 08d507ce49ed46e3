import type { AgentStream } from '../agent-stream.js';
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
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Options of {@link pipeSSEToResponse}. */
export interface PipeSSEOptions extends SSEOptions {
  /** The HTTP status, when the headers were not sent yet. @default 200 */
  status?: number | undefined;
  /** Headers added to (or overriding) {@link SSE_HEADERS}, when the headers were not sent yet. */
  headers?: Record<string, string> | undefined;
}

/**
 * Writes a run's events to a Node `http.ServerResponse` as server-sent events (see
 * `toWireEvent` for what each event sends), then ends the response.
 *
 * It respects the socket's backpressure: when `res.write()` returns `false` it waits for
 * `'drain'` before writing more, and meanwhile the run itself pauses (its buffer fills, then the
 * model's stream is no longer read), so a slow client never makes the server buffer a reply.
 * When the client disconnects (`'close'` before the response ended) the run is aborted: the
 * model's stream and running tools are cancelled.
 *
 * @param stream - from `agent.stream()`, not yet iterated.
 * @param res - the response to write to.
 * @param options - `status`, `headers`, `serialize`, `heartbeatMs`.
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
  { status = 200, headers, ...options }: PipeSSEOptions = {},
): Promise<void> {
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
  try {
    for await (const chunk of encodeSSE(stream, options)) {
      if (closed) break;
      if (!res.write(chunk)) {
        await drained(res, (wake) => {
          wakeWriter = wake;
        });
        wakeWriter = undefined;
        if (closed) break;
      }
    }
  } finally {
    res.off('close', onClose);
    if (!closed && !res.writableEnded) res.end();
  }
}

/** Resolves on `'drain'`, or when `onWake` is called (the connection closed). */
function drained(res: SSEServerResponse, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      resolve();
    };
    res.once('drain', done);
    onWake(done);
  });
}
