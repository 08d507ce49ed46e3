import type { AgentStream } from '../agent/agent-stream.js';
import { encodeSSE, SSE_HEADERS, type SSEOptions } from './sse-encode.js';

/** Options of {@link toSSEResponse}. */
export interface SSEResponseOptions extends SSEOptions {
  /** The HTTP status. @default 200 */
  status?: number | undefined;
  /** Headers added to (or overriding) {@link SSE_HEADERS}, e.g. CORS headers. */
  headers?: Record<string, string> | undefined;
}

/**
 * A run's events as server-sent events in a web `ReadableStream` of bytes (see `toWireEvent`
 * for what each event sends). The stream is pulled: the run starts when the body is first read,
 * and a reader that stops reading pauses the run (its backpressure reaches the model's stream).
 * It closes after `run:end` or `run:error`; a failed run is reported by `run:error`, never by
 * erroring the stream. Cancelling the stream (the client went away) aborts the run, cancelling
 * the model's stream and running tools.
 *
 * @param stream - from `agent.stream()`, not yet iterated.
 * @param options - `serialize`, `heartbeatMs`.
 * @returns a byte stream for any web-standard server (Deno, Bun, hono, Next.js route handlers).
 */
export function toSSEStream<TOutput>(
  stream: AgentStream<TOutput>,
  options: SSEOptions = {},
): ReadableStream<Uint8Array> {
  let chunks: AsyncGenerator<Uint8Array, void, undefined> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        chunks ??= encodeSSE(stream, options);
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel(reason) {
        // Abort first: a pending `next()` would hold `return()` back until the next event.
        stream.abort(
          reason ?? new DOMException('The reader cancelled the event stream.', 'AbortError'),
        );
        await chunks?.return(undefined);
      },
    },
    // Nothing is read ahead of the reader, so a slow client slows the run down.
    { highWaterMark: 0 },
  );
}

/**
 * A run as a `Response` of server-sent events (`content-type: text/event-stream`), for
 * web-standard servers. See {@link toSSEStream} for the body and {@link SSE_HEADERS} for the
 * headers.
 *
 * @param stream - from `agent.stream()`, not yet iterated.
 * @param options - `status`, `headers`, `serialize`, `heartbeatMs`.
 * @returns the response.
 * @example
 * ```ts
 * // A hono / Next.js route handler:
 * export const POST = async (req: Request) => {
 *   const { message } = await req.json();
 *   return toSSEResponse(agent.stream(message, { signal: req.signal }));
 * };
 * ```
 */
export function toSSEResponse<TOutput>(
  stream: AgentStream<TOutput>,
  { status = 200, headers, ...options }: SSEResponseOptions = {},
): Response {
  return new Response(toSSEStream(stream, options), {
    status,
    headers: { ...SSE_HEADERS, ...headers },
  });
}
