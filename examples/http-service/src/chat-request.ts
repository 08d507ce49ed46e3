import { assertSessionId, InvalidSessionIdError } from '@agentloop/memory';
import { HttpError } from './http-error.js';

/** A checked chat request: what `POST /v1/chat` and `POST /v1/chat/stream` accept. */
export interface ChatRequest {
  /** The user's message (not empty). */
  message: string;
  /** The session to continue; a new one is started when absent. */
  sessionId: string | undefined;
  /** The agent to run, by name; the service's default when absent. */
  agent: string | undefined;
}

const FIELDS = new Set(['message', 'sessionId', 'agent']);

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

const invalid = (message: string) => new HttpError(400, 'invalid_request', message);

/**
 * Checks a parsed request body: `{ message: string, sessionId?: string, agent?: string }`, with a
 * non-blank `message`, a session id that is safe as a file name (`assertSessionId` from
 * `@agentloop/memory`) and one of the `agents`. Unknown fields are refused, so a misspelt one is
 * reported instead of ignored.
 *
 * @param body - the parsed JSON body.
 * @param agents - the names of the agents the service runs.
 * @returns the checked request.
 * @throws HttpError 400 `invalid_request` (or `invalid_session_id`, `unknown_agent`) saying what
 * was expected and what came.
 */
export function parseChatRequest(body: unknown, agents: readonly string[]): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(
      `The request body must be a JSON object such as {"message":"Hello"}, got ${describe(body)}.`,
    );
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) {
    throw invalid(
      `Unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the accepted fields are "message", "sessionId" and "agent".`,
    );
  }
  const { message, sessionId, agent } = fields;
  if (message === undefined) {
    throw invalid('The field "message" is missing: send the user\'s message as a string.');
  }
  if (typeof message !== 'string') {
    throw invalid(`The field "message" must be a string, got ${describe(message)}.`);
  }
  if (message.trim() === '') {
    throw invalid('The field "message" is empty: send the user\'s message as a non-blank string.');
  }
  if (agent !== undefined) {
    if (typeof agent !== 'string') {
      throw invalid(`The field "agent" must be a string, got ${describe(agent)}.`);
    }
    if (!agents.includes(agent)) {
      throw new HttpError(
        400,
        'unknown_agent',
        `There is no agent named ${JSON.stringify(agent)}; the agents are ${agents.map((a) => JSON.stringify(a)).join(', ')}. Leave "agent" out to use ${JSON.stringify(agents[0])}.`,
      );
    }
  }
  return { message, sessionId: checkSessionId(sessionId), agent };
}

function checkSessionId(sessionId: unknown): string | undefined {
  if (sessionId === undefined) return undefined;
  try {
    return assertSessionId(sessionId);
  } catch (error) {
    if (!(error instanceof InvalidSessionIdError)) throw error;
    throw new HttpError(
      400,
      'invalid_session_id',
      `The field "sessionId" is invalid. ${error.message} Leave it out to start a new session.`,
    );
  }
}
