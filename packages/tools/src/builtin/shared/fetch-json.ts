import { BuiltinToolError } from './builtin-tool-error.js';

/**
 * The part of `fetch` the built-in tools use. The global `fetch` fits; tests and custom
 * transports (proxies, caches) can pass their own.
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** What {@link fetchJson} needs. */
export interface FetchJsonOptions {
  /** The URL to GET. */
  url: URL;
  /** The transport. */
  fetch: FetchLike;
  /** Aborts the request (the tool's `ctx.signal`). */
  signal: AbortSignal;
  /** The service's name for messages (`'Open-Meteo geocoding'`). */
  service: string;
  /** The tool's name, for the error, when known. */
  toolName?: string | undefined;
  /** Extra request headers (never shown in messages). */
  headers?: Record<string, string> | undefined;
}

/** The URL without query, fragment or credentials, safe to show in a message. */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** A short reason from an error body: its JSON `reason`/`message`/`error`, or its text, clipped. */
function reasonFromBody(text: string): string {
  let reason = text.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      const candidate = [record.reason, record.message, record.error, record.detail].find(
        (value) => typeof value === 'string' && value !== '',
      );
      if (typeof candidate === 'string') reason = candidate;
    }
  } catch {
    // Not JSON: the text itself is the reason.
  }
  return reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
}

/**
 * GETs a URL and parses its JSON body. A network fault becomes `network_error`, an error status
 * or a body that is not JSON becomes `upstream_error`; an abort of `signal` rethrows the abort
 * reason so the caller reports a timeout or an abort, not a network fault.
 *
 * @returns The parsed body.
 */
export async function fetchJson({
  url,
  fetch,
  signal,
  service,
  toolName,
  headers,
}: FetchJsonOptions): Promise<unknown> {
  const shown = describeUrl(url);
  let response: Response;
  try {
    response = await fetch(url.href, {
      method: 'GET',
      headers: { accept: 'application/json', ...headers },
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const reason = error instanceof Error ? describeCause(error) : String(error);
    throw new BuiltinToolError(
      `Could not reach ${service} at ${shown}: ${reason}. The service may be down or unreachable; try again later or continue without it.`,
      { code: 'network_error', toolName, url: shown, cause: error },
    );
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new BuiltinToolError(
      `${service} at ${shown} closed the connection while answering (HTTP ${response.status}). Try again later.`,
      { code: 'network_error', toolName, url: shown, status: response.status, cause: error },
    );
  }
  if (!response.ok) {
    const reason = reasonFromBody(text);
    throw new BuiltinToolError(
      `${service} at ${shown} answered HTTP ${response.status}${reason ? `: ${reason}` : ''}. Check the request, or try again later if the service is failing.`,
      { code: 'upstream_error', toolName, url: shown, status: response.status },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BuiltinToolError(
      `${service} at ${shown} answered HTTP ${response.status} with a body that is not JSON (${text.slice(0, 80) || 'empty'}). Check that the URL points at the right service.`,
      { code: 'upstream_error', toolName, url: shown, status: response.status, cause: error },
    );
  }
}

/** An error's message followed by its cause's (`fetch failed (ECONNREFUSED ...)`). */
function describeCause(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error && cause.message && cause.message !== error.message) {
    return `${error.message} (${cause.message})`;
  }
  return error.message;
}
