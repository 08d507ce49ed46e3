/**
 * The vocabulary of scripted answers for the test server: replies, faults, resets, hangs.
 *
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import type { ApiErrorObject } from './api-error.js';

/** A `finish_reason` the API can answer with. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** One tool call in a scripted reply. */
export interface ToolCallSpec {
  /** The call id. @default `call_<random>` */
  id?: string;
  /** The function name the model "calls" (not checked against the request's tools: models hallucinate). */
  name: string;
  /**
   * The arguments: a string is sent verbatim (so malformed JSON can be scripted), anything else as
   * JSON. Left out, the call has no `arguments` key at all (as some servers send a call without
   * parameters).
   */
  arguments?: string | Record<string, unknown> | unknown[];
  /**
   * Send an object or array `arguments` as that JSON value instead of a JSON string, as some
   * servers do. @default false
   */
  argumentsAsObject?: boolean;
  /** `extra_content` on the call (Gemini puts its `google.thought_signature` there). */
  extraContent?: Record<string, unknown>;
}

/** Token counts of a scripted reply; missing ones are estimated from the request and reply sizes. */
export interface UsageSpec {
  /** `usage.prompt_tokens`. */
  promptTokens?: number;
  /** `usage.completion_tokens` (reasoning tokens included, as in the API). */
  completionTokens?: number;
  /** `usage.prompt_tokens_details.cached_tokens`. @default 0 */
  cachedTokens?: number;
  /** `usage.completion_tokens_details.reasoning_tokens`. @default 0 */
  reasoningTokens?: number;
  /**
   * `usage.prompt_tokens_details.cache_write_tokens` (as OpenRouter reports cache writes, a part
   * of `prompt_tokens`); absent unless given.
   */
  cacheWriteTokens?: number;
  /**
   * Where the reasoning tokens are counted: inside `completion_tokens` (OpenAI), `beside` them
   * (xAI: `completion_tokens` without them, `total_tokens` with them), or only in the `total`
   * (Gemini: no `completion_tokens_details` at all). @default 'completion'
   */
  reasoningIn?: 'completion' | 'beside' | 'total';
}

/** How a streamed reply is cut into SSE chunks. */
export interface StreamShape {
  /** Seed of the generator that picks split points, so a failing test replays identically. @default 1 */
  seed?: number;
  /** Longest content/arguments piece per delta, in code points. @default 6 */
  maxPieceLength?: number;
  /** Interleave the deltas of parallel tool calls round-robin instead of one call after another. @default false */
  interleaveToolCalls?: boolean;
  /**
   * Write every SSE event that holds a multi-byte UTF-8 character in two socket writes split
   * inside that character, so the client must reassemble bytes across reads. @default false
   */
  splitUtf8?: boolean;
}

/** A successful model answer (JSON, or SSE when the request has `stream: true`). */
export interface ReplyStep {
  /** Assistant text. @default `null` with tool calls or a refusal, else `''` */
  content?: string | null;
  /** Tool calls the model asks for. */
  toolCalls?: ToolCallSpec[];
  /** @default `'tool_calls'` when there are calls, else `'stop'` */
  finishReason?: FinishReason;
  /** Token counts; missing ones are estimated. */
  usage?: UsageSpec;
  /** A refusal message (`message.refusal`). */
  refusal?: string | null;
  /**
   * The model's reasoning as DeepSeek, xAI and Z.ai send it: `message.reasoning_content`, or
   * streamed as `delta.reasoning_content` pieces before the content.
   */
  reasoningContent?: string;
  /** The same under the name Ollama, OpenRouter and Groq use: `reasoning`. */
  reasoning?: string;
  /**
   * `/v1/responses` only: reasoning items in the output, `true` for one before the first item,
   * `'interleaved'` for one before every item (its summary is `reasoningContent` or
   * `reasoning`). They carry `encrypted_content` when the request includes it, and the server
   * remembers which item each preceded. @default the server's `reasoningItems`
   */
  reasoningItems?: boolean | 'interleaved';
  /** Wait this long before answering (a client abort meanwhile counts in `aborted`). */
  delayMs?: number;
  /** Streaming only: wait this long between chunks, so a test can abort mid-stream. @default 0 */
  chunkDelayMs?: number;
  /** Streaming only: send this many `chat.completion.chunk` events, then destroy the socket. */
  cutAfterChunks?: number;
  /**
   * Streaming only: send this many `chat.completion.chunk` events (0: none, just the headers),
   * then nothing more, never ending the response: a provider that stalled. With `keepAliveMs`,
   * the stalled stream still sends an SSE comment (`: keep-alive`) at that interval, as proxies
   * and providers do (OpenRouter sends `: OPENROUTER PROCESSING`).
   */
  stallAfterChunks?: number;
  /** With `stallAfterChunks`: write `: keep-alive` every this many ms until the client leaves. */
  keepAliveMs?: number;
  /** Overrides the server's stream shape for this reply. */
  stream?: StreamShape;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** An HTTP error answer: a status, headers (e.g. `retry-after-ms`) and a body. */
export interface FaultStep {
  /** The HTTP status, e.g. 429, 500, 503. */
  status: number;
  /** Extra response headers, e.g. `{ 'retry-after-ms': '10' }`. */
  headers?: Record<string, string>;
  /** A string is sent verbatim as `text/plain` (a non-JSON body); anything else as JSON. @default the API's error body for that status */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** Destroy the connection without answering (the client sees a connection error). */
export interface ResetStep {
  /** Always `true`. */
  reset: true;
  /** Wait this long before destroying the socket. */
  delayMs?: number;
}

/** Never answer; the client must time out or abort (which counts in `aborted`). */
export interface HangStep {
  /** Always `true`. */
  hang: true;
}

/**
 * A body written byte for byte as given: hand-made SSE (CRLF line ends, comments, `event:` lines,
 * chunks the API never sends) or a whole JSON body of any shape. Each string of an array is a
 * separate socket write, so a test can cut the body where it likes.
 */
export interface RawStep {
  /** The body: one string, or pieces written one after another. */
  raw: string | readonly string[];
  /** The HTTP status. @default 200 */
  status?: number;
  /** The `content-type`. @default `'text/event-stream; charset=utf-8'` */
  contentType?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** One scripted answer. */
export type Step = ReplyStep | FaultStep | ResetStep | HangStep | RawStep;

/** A request the server received on its chat-completions or responses endpoint. */
export interface RecordedRequest {
  /** Position in `server.requests`, from 0. */
  index: number;
  /** Which API the request used: `POST /v1/chat/completions` or `POST /v1/responses`. */
  api: 'chat' | 'responses';
  /** HTTP method. */
  method: string;
  /** Path, e.g. `/v1/chat/completions`. */
  path: string;
  /** Request headers (lower-case names). */
  headers: IncomingHttpHeaders;
  /**
   * The parsed JSON body (`{}` when it was not JSON: then `rejected` is set). For a
   * `/v1/responses` request it is that body, typed in `responsesBody`.
   */
  body: ChatCompletionCreateParams;
  /** The body of a `/v1/responses` request (`undefined` for chat completions). */
  responsesBody: ResponseCreateParams | undefined;
  /** When it arrived, from the server's clock. */
  receivedAt: number;
  /** Set when the server refused it (bad auth, bad JSON, or a request the API would reject). */
  rejected: (ApiErrorObject & { status: number }) | undefined;
  /** The HTTP status answered, once answered (`undefined` for resets, hangs and aborts). */
  status: number | undefined;
  /** How many SSE comments (`: keep-alive`) were written on this request's stream. */
  keepAlives: number;
}

/**
 * Computes the answer to a request dynamically, e.g. from the user message, so many concurrent
 * runs can each get their own reply.
 *
 * @param request - The recorded request.
 * @param index - Its position in `server.requests`.
 */
export type Responder = (request: RecordedRequest, index: number) => Step | Promise<Step>;

/** Narrows a step to the variant it is. */
export function stepKind(step: Step): 'hang' | 'reset' | 'raw' | 'fault' | 'reply' {
  if ('hang' in step) return 'hang';
  if ('reset' in step) return 'reset';
  if ('raw' in step) return 'raw';
  if ('status' in step) return 'fault';
  return 'reply';
}
