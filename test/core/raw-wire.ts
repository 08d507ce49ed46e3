/**
 * Hand-made wire bodies for the adapter's compatibility tests: chunks and whole completions in the
 * shapes real OpenAI-compatible servers send (written here from their documented shapes), and a
 * model on the local test server to send them through the real `openai` client.
 */
import type { ModelResponse, ModelStreamEvent } from '../../packages/core/src/models/model.js';
import { openai } from '../../packages/core/src/models/openai-model.js';
import type { RawStep, TestServer } from '../support/index.js';

export const KEY = 'sk-test-wire0123456789abcdefghijklmnopqrstuvwxyz';
export const request = { messages: [{ role: 'user' as const, content: 'hi' }] };

/** A model on the test server with the test key. */
export function modelOn(server: TestServer) {
  return openai('gpt-4o-mini', { apiKey: KEY, baseURL: server.url });
}

/** One `chat.completion.chunk` with the given choices. */
export function chunkOf(choices: readonly Record<string, unknown>[], extra: object = {}) {
  return {
    id: 'chatcmpl-raw',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'raw-model',
    choices,
    ...extra,
  };
}

/** A chunk with one choice (index 0 unless said). */
export function deltaChunk(
  delta: Record<string, unknown>,
  finish: string | null = null,
  index = 0,
) {
  return chunkOf([{ index, delta, finish_reason: finish }]);
}

export interface SseBodyOptions {
  /** The line end. @default '\n' */
  lineEnd?: string;
  /** Text of every `data:` line before the payload. @default 'data: ' */
  prefix?: string;
  /** Lines written before each event (comments, `event:` lines), without line ends. */
  before?: readonly string[];
  /** End with `data: [DONE]`. @default true */
  done?: boolean;
}

/** An SSE body of these payloads. */
export function sseBody(payloads: readonly unknown[], options: SseBodyOptions = {}): string {
  const { lineEnd = '\n', prefix = 'data: ', before = [], done = true } = options;
  const event = (data: string) =>
    `${before.map((line) => line + lineEnd).join('')}${prefix}${data}${lineEnd}${lineEnd}`;
  return payloads.map((p) => event(JSON.stringify(p))).join('') + (done ? event('[DONE]') : '');
}

/** A raw SSE step of these payloads. */
export function sseStep(payloads: readonly unknown[], options: SseBodyOptions = {}): RawStep {
  return { raw: sseBody(payloads, options) };
}

/** A whole completion with these choices. */
export function completionOf(choices: readonly Record<string, unknown>[], extra: object = {}) {
  return {
    id: 'chatcmpl-raw',
    object: 'chat.completion',
    created: 1,
    model: 'raw-model',
    choices,
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    ...extra,
  };
}

/** A raw JSON step (status 200 unless said). */
export function jsonStep(body: unknown, status = 200): RawStep {
  return { raw: JSON.stringify(body), status, contentType: 'application/json' };
}

/** Every event of a stream, the final response, and the error it ended with, if any. */
export async function drain(iterable: AsyncIterable<ModelStreamEvent>) {
  const events: ModelStreamEvent[] = [];
  let error: unknown;
  try {
    for await (const event of iterable) events.push(event);
  } catch (caught) {
    error = caught;
  }
  const last = events.at(-1);
  const response: ModelResponse | undefined = last?.type === 'response' ? last.response : undefined;
  const text = events.map((e) => (e.type === 'text-delta' ? e.delta : '')).join('');
  return { events, error, response, text };
}

/** What a promise rejected with (`undefined` when it resolved). */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}
