import type { ServerResponse } from 'node:http';

/** The JSON body of every error answer: `{ error: { code, message, ...fields } }`. */
export interface ErrorBody {
  error: { code: string; message: string; [field: string]: unknown };
}

/**
 * A fault of the request itself (bad JSON, a missing field, a wrong route, too many runs), answered
 * with `status` and an {@link ErrorBody}. Thrown by the request checks, caught by the service.
 */
export class HttpError extends Error {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** A stable snake_case code, e.g. `invalid_json`, `body_too_large`, `too_many_runs`. */
  readonly code: string;
  /** Extra response headers, e.g. `allow` for 405 or `retry-after` for 429. */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param status - the HTTP status.
   * @param code - the stable code sent in the body.
   * @param message - what was expected, what came, and what to do.
   * @param headers - extra response headers.
   */
  constructor(
    status: number,
    code: string,
    message: string,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The body sent for this error. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * Answers with a JSON body (`content-type: application/json`) and ends the response. Does nothing
 * when the client is gone.
 *
 * @param res - the response.
 * @param status - the HTTP status.
 * @param body - serialised with `JSON.stringify`.
 * @param headers - extra headers.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}
