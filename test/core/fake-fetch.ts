/**
 * A fake `fetch` for the `openai` client: each call is answered by the next handler, and every
 * request is recorded. Streaming bodies are cut into pieces at chosen byte offsets, can fail part
 * way, and error out when the request's signal aborts, as undici's do.
 */

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: Record<string, unknown>;
  signal: AbortSignal | undefined;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function fakeFetch(...handlers: Handler[]) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? undefined;
    const request: RecordedRequest = {
      url: String(input instanceof Request ? input.url : input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body:
        typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {},
      signal,
    };
    requests.push(request);
    const handler = handlers[requests.length - 1] ?? handlers[handlers.length - 1];
    if (!handler) throw new Error('fakeFetch: no handler');
    if (signal?.aborted) throw abortError();
    return await new Promise<Response>((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(abortError()), { once: true });
      Promise.resolve(handler(request)).then(resolve, reject);
    });
  };
  return { fetch, requests };
}

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function errorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Response {
  return json({ error: { message, type: 'invalid_request_error', ...extra } }, status, headers);
}

export function completion(message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ...extra,
  };
}

/** A chunk with one choice delta. */
export function chunk(delta: Record<string, unknown>, finishReason: string | null = null) {
  return {
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

export function usageChunk(usage: Record<string, unknown>) {
  return {
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [],
    usage,
  };
}

export function sseText(chunks: readonly unknown[], done = true): string {
  return (
    chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '')
  );
}

export interface SseOptions {
  /** Byte offsets to cut the body at; `'every-byte'` cuts after each byte. */
  cuts?: readonly number[] | 'every-byte';
  /** Fail the body with this error after sending this many pieces. */
  failAfterPieces?: number;
  failWith?: Error;
  /** Send [DONE] at the end. */
  done?: boolean;
  /** Never end after the last piece (until aborted). */
  hang?: boolean;
  /** Called when the body starts hanging: every piece has been sent. */
  onHang?: () => void;
  headers?: Record<string, string>;
}

/** A `text/event-stream` response whose body arrives in the pieces asked for. */
export function sse(chunks: readonly unknown[], options: SseOptions = {}): Handler {
  return (request) => {
    const bytes = new TextEncoder().encode(sseText(chunks, options.done ?? true));
    const offsets =
      options.cuts === 'every-byte'
        ? Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)
        : [...(options.cuts ?? [])].filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b);
    const pieces: Uint8Array[] = [];
    let start = 0;
    for (const end of [...offsets, bytes.length]) {
      if (end > start) pieces.push(bytes.slice(start, end));
      start = end;
    }
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        request.signal?.addEventListener(
          'abort',
          () => {
            try {
              controller.error(abortError());
            } catch {}
          },
          { once: true },
        );
      },
      async pull(controller) {
        await Promise.resolve();
        if (request.signal?.aborted) return;
        if (options.failAfterPieces !== undefined && sent >= options.failAfterPieces) {
          controller.error(options.failWith ?? new TypeError('terminated'));
          return;
        }
        const piece = pieces[sent++];
        if (piece) controller.enqueue(piece);
        else if (options.hang) {
          options.onHang?.();
          await new Promise(() => {});
        } else controller.close();
      },
    });
    return new Response(body, {
      status: 200,
      headers: { 'content-type': 'text/event-stream', ...options.headers },
    });
  };
}
