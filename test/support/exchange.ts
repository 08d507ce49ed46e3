/**
 * How the test server writes one answer on one exchange: JSON, SSE, faults, cuts and resets.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorBody } from './api-error.js';
import { type CannedAnswer, defaultFaultBody } from './api-responses.js';
import { buildCompletion, randomId, resolveReply } from './completion.js';
import type { ReasoningLedger } from './reasoning-ledger.js';
import {
  buildResponse,
  planOutput,
  type ReasoningMode,
  type ResponsesRequestView,
} from './responses-body.js';
import { buildResponsesEvents, encodeResponsesEvent } from './responses-sse.js';
import {
  type FaultStep,
  type RawStep,
  type RecordedRequest,
  type ReplyStep,
  type Step,
  type StreamShape,
  stepKind,
} from './script.js';
import { buildChunks, DEFAULT_STREAM_SHAPE, encodeEvent, splitForWrite } from './sse.js';

/** What a `/v1/responses` answer needs besides the step: the ledger and the default reasoning. */
export interface ResponsesContext {
  /** Where issued reasoning items are recorded. */
  ledger: ReasoningLedger;
  /** Reasoning items of replies that do not say. */
  reasoningItems: ReasoningMode;
}

/** One request/response pair and whether it is closed, and by whom. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly closed: Promise<void>;
  isClosed: boolean;
  endedByServer: boolean;
}

/** Reads a request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Waits `ms`, or less when the exchange closes first (the timer never outlives the request). */
function pause(ms: number, exchange: Exchange): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void exchange.closed.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function write(exchange: Exchange, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    exchange.res.write(bytes, () => resolve());
    void exchange.closed.then(resolve);
  });
}

function cut(exchange: Exchange): void {
  exchange.endedByServer = true;
  exchange.req.socket.destroy();
}

/** Answers with a status and a JSON (or, for a string, text) body, recording the status. */
export function send(
  record: RecordedRequest | null,
  exchange: Exchange,
  status: number,
  body: ApiErrorBody | object | string,
  headers: Record<string, string> = {},
): void {
  if (record) record.status = status;
  const isText = typeof body === 'string';
  exchange.res.writeHead(status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    ...headers,
  });
  exchange.res.end(isText ? body : JSON.stringify(body));
}

/** Answers a refused request with a canned API error, recording why. */
export function refuse(record: RecordedRequest, exchange: Exchange, answer: CannedAnswer): void {
  record.rejected = { ...answer.body.error, status: answer.status };
  send(record, exchange, answer.status, answer.body);
}

/** A reply resolved for a `/v1/responses` request: its id, and its planned output items. */
function responsesReply(
  record: RecordedRequest,
  step: ReplyStep,
  nowMs: number,
  context: ResponsesContext,
) {
  const view = record.body as unknown as ResponsesRequestView;
  const reply = { ...resolveReply(step, record.body, nowMs), id: randomId('resp_', 48) };
  const items = planOutput(
    reply,
    step.reasoningItems ?? context.reasoningItems,
    view,
    context.ledger,
  );
  return { reply, items, view };
}

async function streamReply(
  record: RecordedRequest,
  exchange: Exchange,
  step: ReplyStep,
  shapeDefaults: StreamShape,
  nowMs: number,
  context: ResponsesContext,
): Promise<void> {
  const shape = { ...DEFAULT_STREAM_SHAPE, ...shapeDefaults, ...step.stream };
  let chunks: Buffer[];
  if (record.api === 'responses') {
    const { reply, items, view } = responsesReply(record, step, nowMs, context);
    chunks = buildResponsesEvents(reply, items, view, shape).map(encodeResponsesEvent);
  } else {
    const includeUsage =
      record.body.stream === true && record.body.stream_options?.include_usage === true;
    chunks = buildChunks(resolveReply(step, record.body, nowMs), shape, includeUsage).map(
      encodeEvent,
    );
  }
  record.status = 200;
  exchange.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...step.headers,
  });
  const limit = step.cutAfterChunks ?? step.stallAfterChunks;
  for (const [i, chunk] of chunks.entries()) {
    if (limit !== undefined && i >= limit) break;
    if (i > 0 && step.chunkDelayMs !== undefined && step.chunkDelayMs > 0) {
      await pause(step.chunkDelayMs, exchange);
    }
    for (const part of splitForWrite(chunk, shape.splitUtf8)) {
      if (exchange.isClosed) return;
      await write(exchange, part);
      // Yield to the event loop between byte runs so they tend to reach the client as separate reads.
      if (shape.splitUtf8) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (exchange.isClosed) return;
  if (step.stallAfterChunks !== undefined) return stall(record, exchange, step.keepAliveMs);
  if (limit !== undefined) return cut(exchange);
  // The Responses API ends its stream without a `[DONE]`.
  if (record.api === 'chat') await write(exchange, encodeEvent('[DONE]'));
  exchange.res.end();
}

/** Sends no more data, only a `: keep-alive` comment every `keepAliveMs`, until the client leaves. */
async function stall(
  record: RecordedRequest,
  exchange: Exchange,
  keepAliveMs: number | undefined,
): Promise<void> {
  // Flush the headers even when no chunk was sent, as a provider that accepted the stream does.
  exchange.res.flushHeaders();
  if (keepAliveMs === undefined || keepAliveMs <= 0) return;
  while (!exchange.isClosed) {
    await pause(keepAliveMs, exchange);
    if (exchange.isClosed) return;
    await write(exchange, Buffer.from(': keep-alive\n\n', 'utf8'));
    record.keepAlives += 1;
  }
}

async function jsonReply(
  record: RecordedRequest,
  exchange: Exchange,
  step: ReplyStep,
  nowMs: number,
  context: ResponsesContext,
): Promise<void> {
  let completion: object;
  if (record.api === 'responses') {
    const { reply, items, view } = responsesReply(record, step, nowMs, context);
    completion = buildResponse(reply, items, view);
  } else {
    completion = buildCompletion(resolveReply(step, record.body, nowMs));
  }
  if (step.cutAfterChunks === undefined)
    return send(record, exchange, 200, completion, step.headers);
  // A non-streaming reply that is "cut" announces its full length, sends half, and drops the connection.
  const bytes = Buffer.from(JSON.stringify(completion), 'utf8');
  record.status = 200;
  exchange.res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    ...step.headers,
  });
  await write(exchange, bytes.subarray(0, Math.floor(bytes.length / 2)));
  if (!exchange.isClosed) cut(exchange);
}

function sendFault(record: RecordedRequest, exchange: Exchange, step: FaultStep): void {
  const body =
    step.body === undefined
      ? defaultFaultBody(step.status, record.body.model)
      : (step.body as object | string);
  send(record, exchange, step.status, body, step.headers);
}

async function sendRaw(record: RecordedRequest, exchange: Exchange, step: RawStep): Promise<void> {
  const status = step.status ?? 200;
  record.status = status;
  exchange.res.writeHead(status, {
    'content-type': step.contentType ?? 'text/event-stream; charset=utf-8',
    ...step.headers,
  });
  const pieces = typeof step.raw === 'string' ? [step.raw] : step.raw;
  for (const piece of pieces) {
    if (exchange.isClosed) return;
    await write(exchange, Buffer.from(piece, 'utf8'));
    // Yield between pieces so they tend to reach the client as separate reads.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!exchange.isClosed) exchange.res.end();
}

/**
 * Answers a request with a scripted step: waits `delayMs`, then resets, sends the fault, or sends
 * the raw body, or the reply as JSON or SSE (by the request's `stream`); a hang sends nothing.
 *
 * @param step - The scripted step.
 * @param record - The request it answers.
 * @param exchange - The request/response pair.
 * @param shapeDefaults - The server's default stream shape.
 * @param now - The server clock.
 * @param context - The ledger and default reasoning of `/v1/responses` answers.
 */
export async function runStep(
  step: Step,
  record: RecordedRequest,
  exchange: Exchange,
  shapeDefaults: StreamShape,
  now: () => number,
  context: ResponsesContext,
): Promise<void> {
  const kind = stepKind(step);
  if (kind === 'hang' || exchange.isClosed) return;
  const delayMs = 'delayMs' in step ? step.delayMs : undefined;
  if (delayMs !== undefined && delayMs > 0) {
    await pause(delayMs, exchange);
    if (exchange.isClosed) return;
  }
  if (kind === 'reset') return cut(exchange);
  if (kind === 'raw') return sendRaw(record, exchange, step as RawStep);
  if (kind === 'fault') return sendFault(record, exchange, step as FaultStep);
  const reply = step as ReplyStep;
  if (record.body.stream === true)
    return streamReply(record, exchange, reply, shapeDefaults, now(), context);
  return jsonReply(record, exchange, reply, now(), context);
}
