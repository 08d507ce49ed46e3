import { MemoryError, TokenCounter } from '@agentloop/memory';
import type { CompletionUsage } from 'openai/resources/completions';
import { abortableSleep, throwIfAborted } from '../errors/abort-error.js';
import { ConfigurationError } from '../errors/errors.js';
import type {
  FinishReason,
  Model,
  ModelCallOptions,
  ModelRequest,
  ModelResponse,
  ModelStreamEvent,
  ModelToolCall,
} from '../models/model.js';

/** A tool call in a script. */
export interface ScriptedToolCall {
  /** The tool name. */
  name: string;
  /** The arguments: an object (sent as JSON) or a raw string (to script malformed JSON). */
  arguments: object | string;
  /** The call id. @default `call_<callIndex>_<position>` */
  id?: string | undefined;
}

/** A scripted reply spelled out. */
export interface ScriptedReplyObject {
  /** The text of the reply. @default null */
  content?: string | null | undefined;
  /** Tool calls the model asks for. */
  toolCalls?: readonly ScriptedToolCall[] | undefined;
  /** Why the reply stopped (`'length'` to script a cut-off answer). @default `'tool_calls'` when there are tool calls, else `'stop'` */
  finishReason?: FinishReason | null | undefined;
  /**
   * The usage reported. @default the request and the reply counted with `TokenCounter` for the
   * model's name, as `memory` counts them (prompt: the messages with reply priming, plus the
   * tools; completion: the text, plus each call's name and arguments); none, as from a provider
   * that reports none, where tiktoken is not installed or cannot load (an edge runtime)
   */
  usage?: CompletionUsage | undefined;
  /** The model name reported in the response. @default the model's name */
  model?: string | undefined;
  /**
   * Makes the reply fail after it was produced: `stream()` yields all its deltas and then throws
   * this error (a mid-stream failure); `generate()` rejects with it.
   */
  error?: Error | undefined;
}

/**
 * One step of a script: a string (a final text answer), a reply object, an `Error` to throw
 * (e.g. a `ModelError` to exercise retries), or a function of the request and the call index
 * (0-based) returning any of these, for dynamic scripts.
 */
export type ScriptedReply =
  | string
  | ScriptedReplyObject
  | Error
  | ((
      request: ModelRequest,
      callIndex: number,
    ) => string | ScriptedReplyObject | Error | Promise<string | ScriptedReplyObject | Error>);

/** A function that answers every call: for endless or request-dependent scripts. */
export type ScriptedResponder = Extract<ScriptedReply, (...args: never[]) => unknown>;

/** Options of {@link ScriptedModel}. */
export interface ScriptedModelOptions {
  /** The model name (used for token counting and prices). @default 'gpt-4o-mini' */
  name?: string | undefined;
  /** A wait before each reply, in ms; the call's signal cuts it short. @default 0 */
  delayMs?: number | undefined;
  /** A wait between streamed chunks, in ms. @default 0 */
  chunkDelayMs?: number | undefined;
}

/**
 * A {@link Model} that replays scripted replies in order and records every request, for tests and
 * offline demos. `stream()` splits each reply into several text and tool-argument deltas and ends
 * with the whole `response`. Aborting the call's signal rejects with an `AbortError`, also during
 * `delayMs`. A call beyond the end of the script fails with a clear error.
 *
 * @example
 * ```ts
 * const model = new ScriptedModel([
 *   { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
 *   'It is 21 °C in Paris.',
 * ]);
 * const agent = new Agent({ name: 'weather', model, tools: [getWeather] });
 * await agent.run('Weather in Paris?');
 * model.requests[1]?.messages; // [..., assistant tool call, tool result]
 * ```
 */
export class ScriptedModel implements Model {
  /** The model name. */
  readonly name: string;
  /** A copy of every request received, in order. */
  readonly requests: ModelRequest[] = [];
  readonly #replies: readonly ScriptedReply[];
  readonly #delayMs: number;
  readonly #chunkDelayMs: number;
  readonly #responder: ScriptedResponder | undefined;
  /** `null` once counting proved impossible here (no tiktoken), so it is not tried again. */
  #counter: TokenCounter | null | undefined;

  /**
   * @param replies - the script, one reply per model call; or one function that answers every call.
   * @param options - `name`, `delayMs`, `chunkDelayMs`.
   */
  constructor(
    replies: readonly ScriptedReply[] | ScriptedResponder,
    options: ScriptedModelOptions = {},
  ) {
    if (typeof replies === 'function') {
      this.#responder = replies;
      this.#replies = [];
    } else if (Array.isArray(replies)) {
      this.#replies = [...replies];
    } else {
      throw new ConfigurationError(
        'ScriptedModel needs an array of replies, or a function (request, callIndex) => reply.',
        { option: 'replies' },
      );
    }
    this.name = options.name ?? 'gpt-4o-mini';
    this.#delayMs = options.delayMs ?? 0;
    this.#chunkDelayMs = options.chunkDelayMs ?? 0;
  }

  /** How many calls have been made. */
  get callCount(): number {
    return this.requests.length;
  }

  /** How many scripted replies are left. */
  get remaining(): number {
    if (this.#responder) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.#replies.length - this.requests.length);
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const { response, error } = await this.#next(request, options.signal);
    if (error) throw error;
    return response;
  }

  async *stream(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): AsyncGenerator<ModelStreamEvent, void, undefined> {
    const { signal } = options;
    const { response, error } = await this.#next(request, signal);
    for (const event of toDeltas(response)) {
      if (this.#chunkDelayMs > 0) await abortableSleep(this.#chunkDelayMs, signal);
      throwIfAborted(signal);
      yield event;
    }
    if (error) throw error;
    throwIfAborted(signal);
    yield { type: 'response', response };
  }

  async #next(
    request: ModelRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ response: ModelResponse; error?: Error | undefined }> {
    throwIfAborted(signal);
    const callIndex = this.requests.length;
    this.requests.push(clone(request));
    if (this.#delayMs > 0) await abortableSleep(this.#delayMs, signal);
    let reply = this.#responder ?? this.#replies[callIndex];
    if (reply === undefined) {
      throw new ConfigurationError(
        `ScriptedModel ran out of replies: ${this.#replies.length} were scripted, and call #${callIndex + 1} asked for another. Add a reply to the script (the last request is in model.requests[${callIndex}]).`,
        { option: 'replies' },
      );
    }
    if (typeof reply === 'function') reply = await reply(request, callIndex);
    throwIfAborted(signal);
    if (reply instanceof Error) throw reply;
    const spelled: ScriptedReplyObject = typeof reply === 'string' ? { content: reply } : reply;
    return { response: this.#toResponse(spelled, request, callIndex), error: spelled.error };
  }

  #toResponse(reply: ScriptedReplyObject, request: ModelRequest, callIndex: number): ModelResponse {
    const toolCalls: ModelToolCall[] = (reply.toolCalls ?? []).map((call, i) => ({
      id: call.id ?? `call_${callIndex}_${i}`,
      type: 'function',
      function: {
        name: call.name,
        arguments:
          typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      },
    }));
    const content = reply.content ?? null;
    return {
      id: `scripted-${callIndex}`,
      model: reply.model ?? this.name,
      message: {
        role: 'assistant',
        content,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finishReason:
        reply.finishReason === undefined
          ? toolCalls.length > 0
            ? 'tool_calls'
            : 'stop'
          : reply.finishReason,
      ...usageField(reply.usage ?? this.#countUsage(request, content, toolCalls)),
    };
  }

  /** The usage a provider would report, counted exactly as `@agentloop/memory` counts. */
  #countUsage(
    request: ModelRequest,
    content: string | null,
    toolCalls: readonly ModelToolCall[],
  ): CompletionUsage | undefined {
    if (this.#counter === undefined) this.#counter = new TokenCounter({ model: this.name });
    const counter = this.#counter;
    if (counter === null) return undefined;
    let prompt_tokens: number;
    try {
      prompt_tokens = counter.countMessages(request.messages) + counter.countTools(request.tools);
    } catch (error) {
      // tiktoken is an optional peer: without it (or on an edge runtime) the script reports no usage.
      const unavailable =
        MemoryError.isInstance(error) &&
        (error.code === 'missing_dependency' || error.code === 'unsupported_runtime');
      if (!unavailable) throw error;
      this.#counter = null;
      return undefined;
    }
    let completion_tokens = counter.countText(content ?? '');
    for (const call of toolCalls) {
      completion_tokens +=
        counter.countText(call.function.name) + counter.countText(call.function.arguments);
    }
    return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
  }
}

function usageField(usage: CompletionUsage | undefined): { usage?: CompletionUsage } {
  return usage === undefined ? {} : { usage };
}

function clone(request: ModelRequest): ModelRequest {
  try {
    return structuredClone(request);
  } catch {
    // A request carrying functions (from a custom interceptor) cannot be cloned structurally.
    return JSON.parse(JSON.stringify(request)) as ModelRequest;
  }
}

/** Splits a string into up to `parts` pieces without breaking a surrogate pair. */
function split(text: string, parts: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [];
  const size = Math.max(1, Math.ceil(chars.length / parts));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** The deltas a real stream of this reply would carry: text in pieces, then each call's pieces. */
function toDeltas(response: ModelResponse): ModelStreamEvent[] {
  const events: ModelStreamEvent[] = [];
  for (const delta of split(response.message.content ?? '', 4)) {
    events.push({ type: 'text-delta', delta });
  }
  (response.message.tool_calls ?? []).forEach((call, index) => {
    const pieces = split(call.function.arguments, 3);
    const base = { type: 'tool-call-delta', index, id: call.id, name: call.function.name } as const;
    events.push({ ...base, argumentsDelta: pieces[0] ?? '' });
    for (const piece of pieces.slice(1)) events.push({ ...base, argumentsDelta: piece });
  });
  return events;
}
