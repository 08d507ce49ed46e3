import { lookup as dnsLookup } from 'node:dns/promises';
import { z } from 'zod/v4';
import { tool } from '../../tool.js';
import type { Tool } from '../../types.js';
import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import {
  type BuiltinToolOptions,
  fetchOption,
  invalidOption,
  positiveInt,
} from '../shared/factory-options.js';
import type { FetchLike } from '../shared/fetch-json.js';
import { checkUrl, type LookupAll, type UrlPolicy } from './check-url.js';
import { guardedTransport } from './guarded-transport.js';
import { parseAllowlist } from './host-allowlist.js';
import { readLimitedBody } from './read-body.js';

/** Options of {@link httpGetTool}. */
export interface HttpGetToolOptions extends BuiltinToolOptions {
  /**
   * The hosts that may be fetched: `example.com` (that host), `*.example.com` (its subdomains,
   * not the domain itself), IP addresses, or `*` for any host. Checked for every redirect too.
   */
  allow: readonly string[];
  /** Read at most this many bytes of a body; the rest is cut with a marker. @default 100000 */
  maxBytes?: number | undefined;
  /** Give up after this many milliseconds, redirects and body included. @default 10000 */
  timeoutMs?: number | undefined;
  /** Follow at most this many redirects (0 for none). @default 5 */
  maxRedirects?: number | undefined;
  /**
   * Allow private, loopback, link-local and other non-public addresses (for services on your own
   * network). Cloud metadata and container credential addresses (169.254.169.254,
   * 169.254.170.2, 169.254.170.23, fd00:ec2::254, fd00:ec2::23, in any form) stay refused.
   * @default false
   */
  allowPrivate?: boolean | undefined;
  /**
   * A custom transport. The URL and its resolved addresses are still checked before each
   * request, but a transport of your own resolves the name again itself, so only the default
   * transport also pins the connection to the checked addresses. @default a `node:http(s)`
   * transport that connects only to checked addresses
   */
  fetch?: FetchLike | undefined;
  /** The resolver for every address check. @default `dns.lookup` with `{ all: true }` */
  lookup?: LookupAll | undefined;
  /** The `User-Agent` header. @default 'agentloop-http-get/0.1' */
  userAgent?: string | undefined;
}

/** The arguments of the HTTP GET tool. */
export interface HttpGetArgs {
  /** The absolute http(s) URL. */
  url: string;
  /** Return HTML as is instead of as text. */
  raw?: boolean | undefined;
}

/** What the HTTP GET tool returns. */
export interface HttpGetResult {
  /** The final URL, after redirects. */
  url: string;
  /** The HTTP status of the final response (an error status is a result, not a failure). */
  status: number;
  /** The `Content-Type` header, if any. */
  contentType: string | undefined;
  /** Every redirect target followed, in order. */
  redirects: string[];
  /** The bytes of the body read. */
  bytes: number;
  /** Whether `maxBytes` cut the body. */
  truncated: boolean;
  /** The body as text (HTML as readable text unless `raw`), or a note for binary content. */
  body: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const defaultLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * A tool that GETs a URL whose host is on an allowlist, for reading a page or an API the model
 * found. Guards against server-side request forgery: only http(s); private, loopback,
 * link-local, unspecified, multicast, reserved and cloud-metadata addresses are refused (unless
 * `allowPrivate`, which never opens cloud metadata), whether the URL names them directly (in any
 * notation: `http://2130706433/`, `http://0x7f.1/`, `http://[::ffff:127.0.0.1]/`), through DNS
 * (every address of the name is checked, and the default transport connects only to checked
 * addresses), or through a redirect (followed by hand, each hop checked, at most `maxRedirects`).
 * The body is streamed and cut at `maxBytes`; the whole fetch is bounded by `timeoutMs`.
 *
 * @param options - `allow` and limits; `name` (default `http_get`), `description`.
 * @returns The tool.
 * @throws BuiltinToolError `invalid_config` for an empty or malformed allowlist or a bad limit.
 * @example
 * ```ts
 * const get = httpGetTool({ allow: ['*.wikipedia.org', 'api.github.com'], maxBytes: 50_000 });
 * ```
 */
export function httpGetTool(options: HttpGetToolOptions): Tool<HttpGetArgs, HttpGetResult> {
  const factory = 'httpGetTool';
  const allowlist = parseAllowlist(factory, options?.allow);
  const maxBytes = positiveInt(factory, 'maxBytes', options.maxBytes, 100_000);
  const timeoutMs = positiveInt(factory, 'timeoutMs', options.timeoutMs, 10_000);
  const maxRedirects = options.maxRedirects ?? 5;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
    invalidOption(
      factory,
      'maxRedirects',
      `expected maxRedirects to be a whole number ≥ 0, received ${String(maxRedirects)}.`,
    );
  }
  const allowPrivate = options.allowPrivate === true;
  const name = options.name ?? 'http_get';
  const lookup = options.lookup ?? defaultLookup;
  const policy: UrlPolicy = { allowlist, allowPrivate, lookup, toolName: name };
  const transport =
    options.fetch === undefined
      ? guardedTransport({ lookup, allowPrivate, toolName: name })
      : fetchOption(factory, options.fetch);
  const headers = {
    accept: 'text/html,application/xhtml+xml,application/json;q=0.9,text/plain;q=0.9,*/*;q=0.5',
    'accept-encoding': 'gzip, deflate, br',
    'user-agent': options.userAgent ?? 'agentloop-http-get/0.1',
  };
  const hosts = allowlist.any ? 'any public host' : allowlist.entries.join(', ');

  const fetchChecked = async (
    start: URL,
    raw: boolean,
    signal: AbortSignal,
  ): Promise<HttpGetResult> => {
    const redirects: string[] = [];
    let url = start;
    for (;;) {
      await checkUrl(url, policy, signal);
      const response = await transport(url.href, {
        method: 'GET',
        redirect: 'manual',
        headers,
        signal,
      });
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null) {
        const body = await readLimitedBody(response, maxBytes, raw);
        const marker = `\n…[truncated: stopped reading after ${maxBytes} bytes; the rest was not fetched]`;
        return {
          url: url.href,
          status: response.status,
          contentType: response.headers.get('content-type') ?? undefined,
          redirects,
          bytes: body.bytes,
          truncated: body.truncated,
          body: body.truncated && !body.binary ? `${body.text}${marker}` : body.text,
        };
      }
      await response.body?.cancel().catch(() => undefined);
      if (redirects.length >= maxRedirects) {
        throw new BuiltinToolError(
          `Stopped after ${maxRedirects} redirects (the last one from ${url.href} to ${location}). The URL redirects too often or in a loop; try the final address directly.`,
          { code: 'too_many_redirects', toolName: name, url: url.origin },
        );
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        throw new BuiltinToolError(
          `${url.origin} redirected to an invalid URL (${location.slice(0, 200)}).`,
          {
            code: 'upstream_error',
            toolName: name,
            url: url.origin,
            status: response.status,
            cause: error,
          },
        );
      }
      redirects.push(next.href);
      url = next;
    }
  };

  return tool({
    name,
    description:
      options.description ??
      `Fetches a web page or API response with HTTP GET and returns its status and body (HTML as plain text, cut at ${maxBytes} bytes). Only URLs on these hosts can be fetched: ${hosts}. Private and internal addresses are refused.`,
    parameters: z.object({
      url: z.string().min(1).describe('The absolute http(s) URL to fetch.'),
      raw: z
        .boolean()
        .optional()
        .describe('Return HTML source as is instead of as text. Default: false.'),
    }),
    execute: async ({ url: text, raw }, { signal: runSignal }): Promise<HttpGetResult> => {
      let start: URL;
      try {
        start = new URL(text.trim());
      } catch {
        throw new BuiltinToolError(
          `"${text.slice(0, 200)}" is not an absolute URL. Send a full URL such as "https://example.com/page".`,
          { code: 'invalid_url', toolName: name },
        );
      }
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = AbortSignal.any([runSignal, deadline]);
      try {
        return await fetchChecked(start, raw === true, signal);
      } catch (error) {
        if (runSignal.aborted) throw runSignal.reason;
        if (deadline.aborted) {
          throw new BuiltinToolError(
            `Fetching ${start.origin} took longer than ${timeoutMs} ms and was cancelled. The server is slow or unreachable; try again later or another source.`,
            { code: 'timeout', toolName: name, url: start.origin, cause: error },
          );
        }
        if (error instanceof BuiltinToolError) throw error;
        const cause =
          error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
        throw new BuiltinToolError(
          `Could not fetch ${start.origin}: ${error instanceof Error ? error.message : String(error)}${cause}. Check the URL, or try again later.`,
          { code: 'network_error', toolName: name, url: start.origin, cause: error },
        );
      }
    },
  });
}
