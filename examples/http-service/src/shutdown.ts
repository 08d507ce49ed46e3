import type { Server } from 'node:http';
import type { RunSlots } from './run-slots.js';

/** What {@link shutdown} stops. */
export interface ShutdownOptions {
  server: Server;
  slots: RunSlots;
  /** How long runs in progress may go on before they are aborted, in ms. */
  graceMs: number;
}

// Once every run has ended, connections still open (an answer being flushed, an idle keep-alive)
// get this long before they are cut.
const LINGER_MS = 1000;

/**
 * Stops a service gracefully: the server stops accepting connections and idle keep-alive ones are
 * closed; runs in progress get `graceMs` to finish, then are aborted (a JSON client gets 503
 * `run_aborted`, a streaming one a `run:error` event); once every run has ended, the remaining
 * connections are closed.
 *
 * @param options - the server, its run slots, the grace period.
 * @returns a promise resolved when the server is closed.
 */
export async function shutdown({ server, slots, graceMs }: ShutdownOptions): Promise<void> {
  // `close` reports "not running" for a server that never listened: closed all the same.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (!(await within(slots.idle(), graceMs))) {
    slots.abortAll(new DOMException('The service is shutting down.', 'AbortError'));
    await slots.idle();
  }
  server.closeIdleConnections();
  if (!(await within(closed, LINGER_MS))) server.closeAllConnections();
  await closed;
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
