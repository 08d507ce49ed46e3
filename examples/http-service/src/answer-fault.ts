import type { ServerResponse } from 'node:http';
import { AgentError } from '@agentloop/core';
import { HttpError, sendJson } from './http-error.js';
import { ClientGoneError } from './read-json-body.js';
import { runErrorResponse, type ServiceLog } from './run-error.js';

/**
 * Answers a fault of the request (an `HttpError`), an agentloop error raised before a run
 * started (a paused run that cannot take the request: 404, 409), or an unexpected one (500,
 * logged).
 *
 * @param error - what the request's handler threw.
 * @param res - the response, when it is not yet sent.
 * @param log - where unexpected faults are reported.
 */
export function answerFault(error: unknown, res: ServerResponse, log: ServiceLog): void {
  if (error instanceof ClientGoneError) return;
  if (error instanceof HttpError) {
    sendJson(res, error.status, error.toBody(), error.headers);
    return;
  }
  if (AgentError.isInstance(error) && !res.headersSent) {
    const { status, body } = runErrorResponse(error, log);
    sendJson(res, status, body);
    return;
  }
  log.error('A request failed unexpectedly.', error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, {
    error: {
      code: 'internal_error',
      message: 'The request failed unexpectedly; the server logged it.',
    },
  });
}
