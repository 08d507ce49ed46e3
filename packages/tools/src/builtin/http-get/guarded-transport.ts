import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import type { FetchLike } from '../shared/fetch-json.js';
import { type LookupAll, refusedAddress } from './check-url.js';
import { classifyAddress, isRefused } from './ip-address.js';

/** What {@link guardedTransport} needs. */
export interface GuardedTransportOptions {
  /** The resolver, also used for the connection itself. */
  lookup: LookupAll;
  /** Whether non-public addresses may be connected to (cloud metadata never). */
  allowPrivate: boolean;
  /** The tool's name, for errors. */
  toolName: string;
}

/** Statuses whose response has no body (the `Response` constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Undoes `content-encoding` so the size limit applies to the bytes the model would read. */
function decode(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (decoder === undefined) return response;
  return pipeline(response, decoder, () => {
    // Errors surface through the decoder stream, where the reader sees them.
  });
}

/**
 * A `fetch`-like GET over `node:http`/`node:https` whose socket connects only to addresses that
 * pass the checks: the name is resolved once, every address checked, and the connection made to
 * those very addresses. This closes the DNS-rebinding gap a check before `fetch` leaves (the name
 * resolving to a public address for the check and a private one for the connection). Never
 * follows redirects: the caller checks each hop.
 */
export function guardedTransport({
  lookup,
  allowPrivate,
  toolName,
}: GuardedTransportOptions): FetchLike {
  return (href, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(href);
      const checkedLookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
        lookup(hostname).then(
          (addresses) => {
            for (const { address } of addresses) {
              const category = classifyAddress(address);
              if (category !== undefined && isRefused(category, allowPrivate)) {
                const error = refusedAddress(
                  url,
                  `"${hostname}" resolves to ${address}, which`,
                  category,
                  toolName,
                );
                callback(error as unknown as NodeJS.ErrnoException, '', 0);
                return;
              }
            }
            const first = addresses[0];
            if (first === undefined) {
              const error = Object.assign(new Error(`${hostname} resolved to no address`), {
                code: 'ENOTFOUND',
              });
              callback(error, '', 0);
            } else if (options.all) {
              callback(null, addresses as LookupAddress[]);
            } else {
              callback(null, first.address, first.family);
            }
          },
          (error: NodeJS.ErrnoException) => callback(error, '', 0),
        );
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers = new Headers(init.headers);
      const request = send(
        url,
        {
          method: 'GET',
          headers: Object.fromEntries(headers),
          lookup: checkedLookup,
          agent: false,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status < 200 || status > 599) {
            response.destroy();
            reject(
              new BuiltinToolError(
                `${url.origin} answered with an invalid HTTP status ${status}.`,
                {
                  code: 'upstream_error',
                  toolName,
                  url: url.origin,
                  status,
                },
              ),
            );
            return;
          }
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
            else if (value !== undefined) responseHeaders.set(name, value);
          }
          let body: ReadableStream<Uint8Array> | null = null;
          if (NULL_BODY_STATUSES.has(status)) {
            response.resume();
          } else {
            const decoded = decode(response);
            if (decoded !== response) {
              responseHeaders.delete('content-encoding');
              responseHeaders.delete('content-length');
            }
            body = Readable.toWeb(
              decoded,
            ) as NodeReadableStream<Uint8Array> as ReadableStream<Uint8Array>;
          }
          resolve(
            new Response(body, {
              status,
              statusText: response.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        },
      );
      request.on('error', reject);
      request.end();
    });
}
