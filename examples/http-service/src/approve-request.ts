import { type RunState, RunStateError } from '@agentloop/core';
import { HttpError } from './http-error.js';

/** One rejection: the interruption, and what the model is told instead of the tool's result. */
export interface Rejection {
  /** An interruption's `id`. */
  id: string;
  /** What the model sees as the call's result. @default a sentence saying the call was rejected */
  message?: string;
}

/** A checked body of `POST /v1/runs/:id/approve`. */
export interface ApproveRequest {
  /** The interruptions to allow, by id, or `'all'`: every one not rejected here. */
  approve: readonly string[] | 'all';
  /** The interruptions to refuse. */
  reject: readonly Rejection[];
}

const FIELDS = new Set(['approve', 'reject']);
const SHAPE =
  '{"approve": ["<interruption id>", ...] or "all", "reject": [{"id": "<interruption id>", "message": "<what the model is told>"}, ...]} (both optional; a rejection may also be just its id)';

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

const invalid = (message: string) =>
  new HttpError(400, 'invalid_request', `${message} Expected ${SHAPE}.`);

/**
 * Checks a parsed body of `POST /v1/runs/:id/approve`: `approve` is `"all"` or a list of
 * interruption ids, `reject` a list of `{ id, message? }` (or bare ids). An id may be decided once
 * per request; unknown fields are refused, so a misspelt one is reported instead of ignored.
 * Whether the ids exist is checked against the run's state (see {@link applyDecisions}).
 *
 * @param body - the parsed JSON body.
 * @returns the checked decisions.
 * @throws HttpError 400 `invalid_request` saying what was expected and what came.
 */
export function parseApproveRequest(body: unknown): ApproveRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`The request body must be a JSON object, got ${describe(body)}.`);
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) {
    throw invalid(`Unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}.`);
  }
  const approve = parseApprovals(fields.approve);
  const reject = parseRejections(fields.reject);
  const seen = new Set<string>();
  for (const id of [...(approve === 'all' ? [] : approve), ...reject.map((r) => r.id)]) {
    if (seen.has(id)) {
      throw invalid(`The interruption ${JSON.stringify(id)} is decided twice; decide it once.`);
    }
    seen.add(id);
  }
  return { approve, reject };
}

function parseApprovals(value: unknown): readonly string[] | 'all' {
  if (value === undefined) return [];
  if (value === 'all') return 'all';
  if (!Array.isArray(value)) {
    throw invalid(`The field "approve" must be "all" or an array of ids, got ${describe(value)}.`);
  }
  return value.map((id, i) => {
    if (typeof id !== 'string' || id === '') {
      throw invalid(`"approve[${i}]" must be an interruption id (a string), got ${describe(id)}.`);
    }
    return id;
  });
}

function parseRejections(value: unknown): Rejection[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw invalid(`The field "reject" must be an array, got ${describe(value)}.`);
  }
  return value.map((entry, i): Rejection => {
    if (typeof entry === 'string' && entry !== '') return { id: entry };
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw invalid(`"reject[${i}]" must be an object {"id", "message"?}, got ${describe(entry)}.`);
    }
    const { id, message, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      throw invalid(
        `"reject[${i}]" has unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}.`,
      );
    }
    if (typeof id !== 'string' || id === '') {
      throw invalid(
        `"reject[${i}].id" must be an interruption id (a string), got ${describe(id)}.`,
      );
    }
    if (message === undefined) return { id };
    if (typeof message !== 'string' || message.trim() === '') {
      throw invalid(
        `"reject[${i}].message" must be a non-blank string (the model sees it), got ${typeof message === 'string' ? 'a blank string' : describe(message)}.`,
      );
    }
    return { id, message };
  });
}

/**
 * Decides a paused run's interruptions on its state. The state is the caller's copy: when a
 * decision is refused, nothing has been stored, and the run waits as it did.
 *
 * @param state - the run's state, loaded for this request.
 * @param request - the decisions.
 * @throws RunStateError `unknown_interruption` for an id the run does not wait for (the message
 * lists those it does).
 * @throws HttpError 400 `nothing_decided` when the run waits for decisions and the request made none.
 */
export function applyDecisions(state: RunState, { approve, reject }: ApproveRequest): void {
  const waiting = state.interruptions;
  if (approve !== 'all' && approve.length === 0 && reject.length === 0 && waiting.length > 0) {
    throw new HttpError(
      400,
      'nothing_decided',
      `The request decides nothing, and run "${state.runId}" waits for ${waiting.map((i) => JSON.stringify(i.id)).join(', ')}. Send {"approve": [...]} or {"reject": [...]} naming them, or {"approve": "all"}.`,
    );
  }
  const known = new Set(waiting.map((i) => i.id));
  const unknown = [...(approve === 'all' ? [] : approve), ...reject.map((r) => r.id)].filter(
    (id) => !known.has(id),
  );
  if (unknown.length > 0) {
    const list = (ids: readonly string[]) => ids.map((id) => JSON.stringify(id)).join(', ');
    throw new RunStateError(
      `Run "${state.runId}" waits for no decision on ${list(unknown)} (unknown, or decided already); ${waiting.length === 0 ? 'it waits for none' : `it waits for ${list([...known])}`}. Nothing was decided: send the request again with those ids.`,
      { code: 'unknown_interruption', runId: state.runId },
    );
  }
  for (const { id, message } of reject) state.reject(id, message === undefined ? {} : { message });
  const approved =
    approve === 'all' ? state.interruptions.map((i) => i.id) : (approve as readonly string[]);
  for (const id of approved) state.approve(id);
}
