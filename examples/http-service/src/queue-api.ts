import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AgentError, formatSSE, SSE_HEADERS } from '@agentloop/core';
import { type QueuedDecision, type RunQueue, RunQueueError } from '@agentloop/redis';
import { HttpError, sendJson } from './http-error.js';
import { readJsonBody } from './read-json-body.js';

/**
 * The API process of queue mode: it enqueues runs and serves their events; worker processes
 * (`queue-worker.ts`) run them. Nothing here runs an agent, so any number of these can sit
 * behind a load balancer, and a client whose stream broke reconnects to any of them with
 * `Last-Event-ID`.
 *
 * - `POST /v1/runs` `{ message, agent?, sessionId? }` -> 202 `{ runId }`
 * - `GET /v1/runs/:runId/events` -> the run's events as server-sent events (`id:` each event's
 *   id; `Last-Event-ID` resumes after it), ending at `run:end` / `run:error`
 * - `GET /v1/runs/:runId` -> the result, once the run has ended (it waits)
 * - `POST /v1/runs/:runId/cancel` -> 202
 * - `POST /v1/runs/:runId/approve` `{ decisions: { [interruptionId]: "approve" | "reject" | { reject: message } } }` -> 202
 */
export function createQueueApi({
  queue,
  agents,
  maxBodyBytes = 65_536,
}: {
  queue: RunQueue;
  agents: readonly string[];
  maxBodyBytes?: number;
}): Server {
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answerError(res, error));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, v1, runs, runId, action] = url.pathname.split('/');
    if (v1 !== 'v1' || runs !== 'runs')
      return json(res, 404, { error: { code: 'not_found', message: `No route ${url.pathname}.` } });
    if (!runId && req.method === 'POST') {
      const body = (await readJsonBody(req, { maxBytes: maxBodyBytes })) as Record<string, unknown>;
      const agent = typeof body.agent === 'string' ? body.agent : agents[0];
      if (!agent || !agents.includes(agent)) {
        return json(res, 400, {
          error: {
            code: 'unknown_agent',
            message: `Unknown agent ${JSON.stringify(body.agent)}; the agents are ${agents.join(', ')}.`,
          },
        });
      }
      const sessionId = typeof body.sessionId === 'string' ? body.sessionId : crypto.randomUUID();
      const { runId: id } = await queue.enqueue({
        agent,
        input: String(body.message ?? ''),
        sessionId,
        context: { sessionId, agent },
      });
      return json(res, 202, { runId: id, sessionId, agent, events: `/v1/runs/${id}/events` });
    }
    if (runId && action === 'events' && req.method === 'GET') return streamEvents(req, res, runId);
    if (runId && !action && req.method === 'GET') return json(res, 200, await queue.result(runId));
    if (runId && action === 'cancel' && req.method === 'POST') {
      await queue.cancel(runId);
      return json(res, 202, { runId, cancelled: true });
    }
    if (runId && action === 'approve' && req.method === 'POST') {
      const body = (await readJsonBody(req, { maxBytes: maxBodyBytes })) as {
        decisions?: Record<string, QueuedDecision>;
      };
      await queue.resume(runId, body.decisions ?? {});
      return json(res, 202, { runId, events: `/v1/runs/${runId}/events` });
    }
    return json(res, 405, {
      error: {
        code: 'method_not_allowed',
        message: `${req.method} ${url.pathname} is not served.`,
      },
    });
  }

  async function streamEvents(
    req: IncomingMessage,
    res: ServerResponse,
    runId: string,
  ): Promise<void> {
    const lastId = req.headers['last-event-id'];
    const stop = new AbortController();
    req.on('close', () => stop.abort());
    const events = queue.events(runId, {
      ...(typeof lastId === 'string' && lastId ? { after: lastId } : {}),
      signal: stop.signal,
    });
    // The first read checks the run exists, so a bad id is answered 404 as JSON, not as a stream.
    const first = await events.next();
    res.writeHead(200, SSE_HEADERS);
    if (first.done) return void res.end();
    res.write(`id: ${first.value.id}\n${formatSSE(first.value.event.type, first.value.event)}`);
    for await (const { id, event } of events)
      res.write(`id: ${id}\n${formatSSE(event.type, event)}`);
    res.end();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body);
}

function answerError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.end();
  const status = RunQueueError.isInstance(error)
    ? ({ run_not_found: 404, run_not_interrupted: 409, invalid_config: 400 }[
        error.code as string
      ] ?? 500)
    : AgentError.isInstance(error) && error.code === 'redis_unavailable'
      ? 503
      : error instanceof HttpError
        ? error.status
        : 500;
  const body = AgentError.isInstance(error)
    ? (error as AgentError).toJSON()
    : error instanceof HttpError
      ? { code: error.code, message: error.message }
      : { code: 'internal_error', message: 'Something went wrong on the server (logged).' };
  if (status === 500) console.error(error);
  json(res, status, { error: body });
}
