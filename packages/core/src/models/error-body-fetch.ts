/**
 * Error bodies in shapes the `openai` client cannot read, rewritten into the one it can.
 *
 * @module
 */

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * The error body the client reads (`{ error: { message, ... } }`) for one it cannot: Gemini's
 * compatible endpoint wraps its error in an array (`[{ "error": { ... } }]`), and some servers
 * answer JSON without an `error` object (`{ message }`, `{ error: '...' }`, `{ detail }`). The
 * client reports those as "status code (no body)"; this gives it the array's error, the message
 * the body has, or else the body's text as the message.
 *
 * @param text - the error response's body.
 * @returns the body to hand to the client, or `undefined` when it can read this one as it is.
 */
export function readableErrorBody(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined; // Not JSON: the client shows the text itself.
  }
  if (hasErrorObject(parsed)) return undefined;
  if (Array.isArray(parsed)) {
    const wrapped = parsed.find(hasErrorObject);
    if (wrapped) return JSON.stringify(wrapped);
  } else if (typeof parsed === 'object' && parsed !== null) {
    const { message, error, detail } = parsed as Record<string, unknown>;
    // vLLM's older `{ object: 'error', message, type, code }`, `{ error: '...' }`, `{ detail: '...' }`.
    if (typeof message === 'string') return JSON.stringify({ error: parsed });
    if (typeof error === 'string') return JSON.stringify({ error: { message: error } });
    if (typeof detail === 'string') return JSON.stringify({ error: { message: detail } });
  }
  return JSON.stringify({ error: { message: text.trim() } });
}

function hasErrorObject(value: unknown): value is { error: object } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { error } = value as { error?: unknown };
  return typeof error === 'object' && error !== null;
}

/**
 * A `fetch` that passes every request to `fetch` and rewrites an error response's body with
 * {@link readableErrorBody} when the client could not read it. Successful responses, and their
 * streams, pass through untouched.
 *
 * @param fetch - the `fetch` to call, looked up at each call (so a replaced global is honoured).
 */
export function readableErrorsFetch(fetch: () => Fetch): Fetch {
  return async (input, init) => {
    const response = await fetch()(input, init);
    if (response.ok) return response;
    let text: string;
    try {
      text = await response.clone().text();
    } catch {
      return response; // The client meets the same failure reading it and reports it.
    }
    const body = readableErrorBody(text);
    if (body === undefined) return response;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    headers.set('content-type', 'application/json');
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}
