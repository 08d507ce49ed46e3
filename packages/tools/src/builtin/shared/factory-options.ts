import { BuiltinToolError } from './builtin-tool-error.js';
import type { FetchLike } from './fetch-json.js';
import { trimTrailingSlashes } from './trim-trailing-slashes.js';

/** Options every built-in tool factory accepts. */
export interface BuiltinToolOptions {
  /** The tool's name, as the model calls it. @default the tool's own (`get_weather`, ...) */
  name?: string | undefined;
  /** What the model is told the tool does. @default a description written for the tool */
  description?: string | undefined;
}

/** Throws `invalid_config` for the option `option` of the factory `factory`. */
export function invalidOption(factory: string, option: string, message: string): never {
  throw new BuiltinToolError(`Invalid options for ${factory}(): ${message}`, {
    code: 'invalid_config',
    option,
  });
}

/** Checks an optional positive integer option and returns it or the default. */
export function positiveInt(
  factory: string,
  field: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    invalidOption(
      factory,
      field,
      `expected ${field} to be a positive integer, received ${String(value)}. Leave it out for the default (${fallback}).`,
    );
  }
  return value;
}

/** Parses an http(s) base URL option; a trailing slash is removed from its path. */
export function baseUrlOption(factory: string, field: string, value: unknown): URL {
  let url: URL | undefined;
  if (typeof value === 'string' || value instanceof URL) {
    try {
      url = new URL(String(value));
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    invalidOption(
      factory,
      field,
      `expected ${field} to be an http(s) URL such as "https://example.com", received ${JSON.stringify(String(value))}.`,
    );
  }
  url.pathname = trimTrailingSlashes(url.pathname);
  url.search = '';
  url.hash = '';
  return url;
}

/** Joins a base URL and a path (`/v1/search`), keeping any path prefix of the base. */
export function joinUrl(base: URL, path: string): URL {
  const url = new URL(base.href);
  url.pathname = `${trimTrailingSlashes(base.pathname)}${path}`;
  return url;
}

/** Checks an optional `fetch` option and returns it or the global `fetch`. */
export function fetchOption(factory: string, value: unknown): FetchLike {
  if (value === undefined) return (url, init) => globalThis.fetch(url, init);
  if (typeof value !== 'function') {
    invalidOption(factory, 'fetch', `expected fetch to be a function, received ${typeof value}.`);
  }
  return value as FetchLike;
}
