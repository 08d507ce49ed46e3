/**
 * The API's canned error answers the test server gives: authentication failures, unparseable
 * bodies, unknown routes, and the default body of each scripted fault status.
 *
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http';
import { type ApiErrorBody, apiErrorBody } from './api-error.js';

/** A status and body to answer with. */
export interface CannedAnswer {
  /** HTTP status. */
  status: number;
  /** The API's error body. */
  body: ApiErrorBody;
}

/** Masks a key like the API does in its messages: the ends stay, the middle becomes stars. */
function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

/**
 * Checks `Authorization: Bearer <key>` like the API: absent → 401 "You didn't provide an API
 * key"; when `expectedKey` is set, a different key → 401 `invalid_api_key` (key masked).
 *
 * @param headers - The request headers.
 * @param expectedKey - The only key accepted, if any.
 * @returns `null` when authorised, else the 401 answer.
 */
export function checkAuthorization(
  headers: IncomingHttpHeaders,
  expectedKey: string | undefined,
): CannedAnswer | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (!match) {
    return {
      status: 401,
      body: apiErrorBody({
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      }),
    };
  }
  const key = match[1] ?? '';
  if (expectedKey !== undefined && key !== expectedKey) {
    return {
      status: 401,
      body: apiErrorBody({
        message: `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        code: 'invalid_api_key',
      }),
    };
  }
  return null;
}

/** The API's 400 for a body that is not JSON. */
export const INVALID_JSON: CannedAnswer = {
  status: 400,
  body: apiErrorBody({
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  }),
};

/**
 * The API's 404 for a route it does not serve.
 *
 * @param method - HTTP method.
 * @param path - Request path.
 */
export function invalidUrl(method: string, path: string): CannedAnswer {
  return { status: 404, body: apiErrorBody({ message: `Invalid URL (${method} ${path})` }) };
}

/**
 * The body a scripted fault sends when the script gives none: what the API sends for that status.
 *
 * @param status - The scripted status.
 * @param model - The requested model (named in rate-limit messages).
 */
export function defaultFaultBody(status: number, model: string): ApiErrorBody {
  switch (status) {
    case 429:
      return apiErrorBody({
        message: `Rate limit reached for ${model} in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        type: 'requests',
        code: 'rate_limit_exceeded',
      });
    case 500:
      return apiErrorBody({
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
      });
    case 502:
      return apiErrorBody({ message: 'Bad gateway.', type: 'server_error', code: 'bad_gateway' });
    case 503:
      return apiErrorBody({
        message: 'The engine is currently overloaded, please try again later.',
        type: 'server_error',
      });
    default:
      return apiErrorBody({
        message: `test server: scripted fault with status ${status}.`,
        type: status >= 500 ? 'server_error' : 'invalid_request_error',
      });
  }
}

/**
 * The 500 answered when no scripted step is left, worded so the failing test says what to do.
 *
 * @param index - The request's position in `server.requests`.
 */
export function scriptExhausted(index: number, path = '/v1/chat/completions'): CannedAnswer {
  return {
    status: 500,
    body: apiErrorBody({
      message: `test server: script exhausted: request #${index} reached POST ${path} but no scripted step is queued and no responder is set. Queue answers with server.reply(...) or pass { responder } to startTestServer().`,
      type: 'server_error',
      code: 'test_script_exhausted',
    }),
  };
}
