import { backoffDelay, sleep } from './backoff.js';
import { type ClientSession, closeSession, describeTarget, openSession } from './connect-client.js';
import { McpServerError } from './errors.js';
import type { ResolvedMcpOptions } from './options.js';
import type { ServerEvents } from './server-events.js';

/**
 * The one connection of a server object, shared by every tool, agent and run that uses it.
 * It holds at most one live session; when that session is lost (the child died, the HTTP
 * session expired), the next caller reconnects, a bounded number of times with backoff, and
 * callers arriving meanwhile wait for the same attempt.
 */
export class McpConnection {
  readonly #options: ResolvedMcpOptions;
  readonly #events: ServerEvents;
  readonly #onToolsChanged: () => void;
  readonly #onReconnected: () => void;
  #session: ClientSession | undefined;
  #opening: Promise<ClientSession> | undefined;
  #closed = false;
  /** Sessions opened and not yet closed, so that `close()` ends every one. */
  readonly #live = new Set<ClientSession>();
  /** Sessions whose transport closed, even before they were handed over. */
  readonly #ended = new WeakSet<ClientSession>();

  constructor(
    options: ResolvedMcpOptions,
    events: ServerEvents,
    hooks: { onToolsChanged(): void; onReconnected(): void },
  ) {
    this.#options = options;
    this.#events = events;
    this.#onToolsChanged = hooks.onToolsChanged;
    this.#onReconnected = hooks.onReconnected;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The live session, if there is one (for `pid` and the transport kind). */
  get current(): ClientSession | undefined {
    return this.#session;
  }

  /**
   * The first connection: one attempt, its error thrown as it is (a wrong command or URL should
   * be reported at once, not retried).
   */
  async open(): Promise<void> {
    await this.#open();
  }

  /**
   * The live session, reconnecting first when it was lost: up to `reconnect.maxAttempts`
   * attempts, waiting `initialDelayMs`, then twice as long each time (at most `maxDelayMs`).
   *
   * @throws McpServerError `mcp_closed` after `close()`; `mcp_unavailable` when every attempt
   *   failed (the next call tries again).
   */
  session(signal?: AbortSignal): Promise<ClientSession> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (this.#session !== undefined) return Promise.resolve(this.#session);
    this.#opening ??= this.#reconnect().finally(() => {
      this.#opening = undefined;
    });
    if (signal === undefined) return this.#opening;
    // The caller may stop waiting; the attempt goes on for the others.
    return raceAbort(this.#opening, signal);
  }

  /** Forgets a session whose requests show it is gone (an HTTP session answered 404). */
  drop(session: ClientSession): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    this.#events.emit({ type: 'connection:lost', server: this.#options.name });
    this.#shut(session);
  }

  /** Ends the session and refuses every later call. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const opening = this.#opening;
    this.#session = undefined;
    await opening?.catch(() => {});
    await Promise.all([...this.#live].map((session) => this.#shut(session)));
  }

  async #reconnect(): Promise<ClientSession> {
    const { maxAttempts, initialDelayMs, maxDelayMs } = this.#options.reconnect;
    let last: unknown;
    for (let attempt = 1; attempt <= Math.max(1, maxAttempts); attempt++) {
      await sleep(backoffDelay(attempt, initialDelayMs, maxDelayMs));
      if (this.#closed) throw this.#closedError();
      try {
        const session = await this.#open();
        this.#events.emit({ type: 'connection:restored', server: this.#options.name, attempt });
        this.#onReconnected();
        return session;
      } catch (error) {
        last = error;
      }
    }
    const reason = last instanceof Error ? last.message : String(last);
    throw new McpServerError(
      `MCP server "${this.#options.name}" (${describeTarget(this.#options)}) is unavailable: the connection was lost and ${maxAttempts} attempt(s) to reconnect failed. Last: ${reason}`,
      { code: 'mcp_unavailable', serverName: this.#options.name, cause: last },
    );
  }

  async #open(): Promise<ClientSession> {
    const session = await openSession(this.#options, {
      onClose: (closed) => this.#lost(closed),
      onToolsChanged: (from) => {
        if (from === this.#session) this.#onToolsChanged();
      },
    });
    if (this.#ended.has(session)) {
      throw new McpServerError(
        `MCP server "${this.#options.name}" closed the connection right after initializing.`,
        { code: 'mcp_connect_failed', serverName: this.#options.name },
      );
    }
    this.#live.add(session);
    if (this.#closed) {
      await this.#shut(session);
      throw this.#closedError();
    }
    this.#session = session;
    return session;
  }

  #lost(session: ClientSession): void {
    this.#ended.add(session);
    this.#live.delete(session);
    if (this.#session !== session) return;
    this.#session = undefined;
    this.#events.emit({ type: 'connection:lost', server: this.#options.name });
  }

  async #shut(session: ClientSession): Promise<void> {
    this.#live.delete(session);
    await closeSession(session).catch(() => {});
  }

  #closedError(): McpServerError {
    return new McpServerError(
      `MCP server "${this.#options.name}" is closed: close() was called. Connect again with connectMcpServer to use it.`,
      { code: 'mcp_closed', serverName: this.#options.name },
    );
  }
}

/** `promise`, or the signal's reason when it aborts first. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
