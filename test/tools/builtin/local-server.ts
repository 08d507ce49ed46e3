import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the local server received. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
}

/** A local HTTP server on 127.0.0.1 for tests: no network beyond loopback. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every request, in order. */
  requests: ReceivedRequest[];
  /** How many requests were closed by the client before their response ended. */
  clientAborts: () => number;
  close: () => Promise<void>;
}

/** Starts a server whose `handler` answers every request. */
export async function startLocalServer(
  handler: (req: IncomingMessage, res: ServerResponse, url: URL) => unknown,
): Promise<LocalServer> {
  const requests: ReceivedRequest[] = [];
  let aborts = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', url, headers: req.headers });
    res.on('close', () => {
      if (!res.writableEnded) aborts += 1;
    });
    Promise.resolve(handler(req, res, url)).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    clientAborts: () => aborts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** A `ToolContext` for calling `execute` directly. */
export function toolContext(signal: AbortSignal = new AbortController().signal) {
  return {
    signal,
    toolCallId: 'call_test',
    runId: undefined,
    context: undefined,
    idempotencyKey: 'call_test',
  };
}
