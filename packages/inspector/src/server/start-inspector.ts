/**
 * `startInspector`: serves the page for a run log on 127.0.0.1 and keeps it up to date as the
 * log grows (the page is told over server-sent events when to fetch again).
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ConfigurationError } from '@agentloop/core';
import { InspectorError } from '../errors.js';
import type { RunResponse, RunsResponse } from '../model/api-types.js';
import { LogSource } from './log-source.js';
import { loadPageAssets } from './page-assets.js';
import { pageHtml, SECURITY_HEADERS } from './page-html.js';

/** Options of {@link startInspector}. */
export interface InspectorOptions {
  /** A run log file (`runLog({ file })`) or a folder of them (`runLog({ dir })`). */
  path: string;
  /** The port on 127.0.0.1; `0` picks a free one. @default 4760 */
  port?: number;
  /** How often the log is checked for new lines, in ms. @default 250 */
  pollMs?: number;
}

/** A running inspector. */
export interface Inspector {
  /** The page's address, `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** The log being shown. */
  readonly source: LogSource;
  /** Stops serving and watching the log. */
  close(): Promise<void>;
}

/** The default port of {@link startInspector} and `agentloop-inspect`. */
export const DEFAULT_INSPECTOR_PORT = 4760;
const HOST = '127.0.0.1';
const HEARTBEAT_MS = 15_000;
/** The most characters of a run's input the runs list is sent. */
const LIST_INPUT_CHARS = 300;

/**
 * Serves the inspector page for a run log on 127.0.0.1 (never on another interface: the log
 * holds what tools were given and returned).
 *
 * @param options - `path`, and optionally `port` and `pollMs`.
 * @returns the running inspector, with its `url`.
 * @throws InspectorError `log_not_found` when nothing is at `path`, `port_in_use` when the port
 *   is taken.
 *
 * @example
 * ```ts
 * const inspector = await startInspector({ path: '.agentloop/runs.jsonl', port: 0 });
 * console.log(inspector.url);
 * ```
 */
export async function startInspector({
  path,
  port = DEFAULT_INSPECTOR_PORT,
  pollMs = 250,
}: InspectorOptions): Promise<Inspector> {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new ConfigurationError(`The port must be an integer from 0 to 65535, got ${port}.`, {
      option: 'port',
    });
  }
  if (!(Number.isFinite(pollMs) && pollMs >= 10)) {
    throw new ConfigurationError(`pollMs must be a number of at least 10, got ${pollMs}.`, {
      option: 'pollMs',
    });
  }
  const source = await LogSource.open(path);
  const clients = new Set<ServerResponse>();
  let version = 0;
  let runsJson: { version: number; text: string } | undefined;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        send(response, 500, 'text/plain; charset=utf-8', `The inspector failed: ${String(error)}`);
      } else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const actual = (server.address() as { port: number } | null)?.port ?? port;
    // Only this origin: a page elsewhere must not read the log through a rebound DNS name.
    const host = request.headers.host ?? '';
    if (host !== `${HOST}:${actual}` && host !== `localhost:${actual}`) {
      send(
        response,
        403,
        'text/plain; charset=utf-8',
        'Open the inspector at its 127.0.0.1 address.',
      );
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'The inspector only reads.');
      return;
    }
    const url = new URL(request.url ?? '/', `http://${HOST}`);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      send(response, 200, 'text/html; charset=utf-8', pageHtml(source.given));
    } else if (url.pathname === '/app.js') {
      send(response, 200, 'text/javascript; charset=utf-8', (await loadPageAssets()).js);
    } else if (url.pathname === '/app.css') {
      send(response, 200, 'text/css; charset=utf-8', (await loadPageAssets()).css);
    } else if (url.pathname === '/api/runs') {
      await refresh();
      // Built once per version of the log: every open page asks for it after each change.
      if (runsJson?.version !== version) {
        runsJson = { version, text: JSON.stringify(runsResponse(source, version)) };
      }
      send(response, 200, 'application/json; charset=utf-8', runsJson.text);
    } else if (url.pathname.startsWith('/api/runs/')) {
      await refresh();
      const runId = decodeURIComponent(url.pathname.slice('/api/runs/'.length));
      const run = source.index.runTree(runId);
      if (!run) {
        send(
          response,
          404,
          'application/json',
          JSON.stringify({ error: `No run ${runId} in the log.` }),
        );
      } else {
        const body: RunResponse = {
          version,
          summary: run.summary,
          events: [...run.events],
          descendants: run.descendants.map((child) => ({
            summary: child.summary,
            events: [...child.events],
          })),
          ancestors: run.ancestors,
        };
        sendJson(response, body);
      }
    } else if (url.pathname === '/api/updates') {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        connection: 'keep-alive',
      });
      response.write(`retry: 1000\ndata: ${JSON.stringify({ version })}\n\n`);
      clients.add(response);
      request.on('close', () => clients.delete(response));
    } else {
      send(response, 404, 'text/plain; charset=utf-8', `Nothing at ${url.pathname}.`);
    }
  }

  /** Reads what the log gained; whoever reads it, every open page is told. */
  async function refresh(): Promise<void> {
    if (await source.poll()) {
      version++;
      for (const client of clients) client.write(`data: ${JSON.stringify({ version })}\n\n`);
    }
  }
  const tick = () =>
    refresh().catch(() => {
      // A read that failed is tried again at the next tick; the page keeps what it has.
    });
  const poller = setInterval(() => void tick(), pollMs);
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(': ping\n\n');
  }, HEARTBEAT_MS);
  poller.unref();
  heartbeat.unref();

  try {
    await listen(server, port);
  } catch (error) {
    clearInterval(poller);
    clearInterval(heartbeat);
    throw error;
  }
  const actual = (server.address() as { port: number }).port;
  return {
    url: `http://${HOST}:${actual}/`,
    port: actual,
    source,
    close: async () => {
      clearInterval(poller);
      clearInterval(heartbeat);
      for (const client of clients) client.end();
      clients.clear();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new InspectorError(
            'port_in_use',
            `Port ${port} on ${HOST} is in use (another inspector?). Pass --port with another number, or --port 0 for any free port.`,
            String(port),
            error,
          ),
        );
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

function runsResponse(source: LogSource, version: number): RunsResponse {
  const { index } = source;
  const roots = index.rootRuns();
  return {
    source: { path: source.path, given: source.given, kind: source.kind, files: source.files },
    version,
    events: index.eventCount,
    // The list shows the start of each input and no answer: a long log's list stays small.
    runs: roots.map(({ answer: _answer, ...run }) =>
      run.input !== undefined && run.input.length > LIST_INPUT_CHARS
        ? { ...run, input: `${run.input.slice(0, LIST_INPUT_CHARS)}…` }
        : run,
    ),
    childRuns: index.runs().length - roots.length,
    problems: [...index.problems],
    problemCount: index.problemCount,
    notes: source.notes,
  };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

function sendJson(response: ServerResponse, body: unknown): void {
  send(response, 200, 'application/json; charset=utf-8', JSON.stringify(body));
}
