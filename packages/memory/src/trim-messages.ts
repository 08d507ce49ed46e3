/**
 * `trimMessages`: fit a conversation into a token budget without ever breaking a tool call from
 * its results.
 *
 * @module
 */

import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { contextWindowFor } from './context-window.js';
import { InvalidOptionError } from './errors.js';
import type { ShrunkToolOutput } from './shrink-tool-outputs.js';
import type { TokenCounter } from './token-counter.js';
import { type TrimCoreOptions, trimCore } from './trim-core.js';

/** Options of {@link trimMessages}. */
export interface TrimOptions {
  /** The whole conversation, oldest first. It is not modified. */
  messages: readonly ChatCompletionMessageParam[];
  /** Counts tokens for the model the request goes to. */
  counter: TokenCounter;
  /**
   * The budget for the whole request: messages (reply priming included), tool definitions and
   * `reserveOutputTokens`.
   * @default contextWindowFor(counter.model)
   */
  maxTokens?: number | undefined;
  /** The tool definitions sent with the request; their tokens come out of the budget. */
  tools?: readonly ChatCompletionTool[] | undefined;
  /**
   * Tokens kept free for the reply.
   * @default 0
   */
  reserveOutputTokens?: number | undefined;
  /**
   * Keep every system and developer message, wherever it is.
   * @default true
   */
  keepSystem?: boolean | undefined;
  /**
   * Keep the first user message (the task), however old.
   * @default false
   */
  keepFirstUser?: boolean | undefined;
  /**
   * When the newest turn alone does not fit, cut its biggest tool outputs (keeping their start and
   * a marker) before giving up with `ContextOverflowError`.
   * @default true
   */
  shrinkToolOutputs?: boolean | undefined;
  /**
   * Tool outputs are never cut below this many tokens (marker included).
   * @default 64
   */
  minToolOutputTokens?: number | undefined;
}

/** Result of {@link trimMessages}. */
export interface TrimResult {
  /** The messages to send: a valid request, oldest first. */
  messages: ChatCompletionMessageParam[];
  /**
   * The messages left out, oldest first (the same objects as in the input): the oldest whole
   * turns, plus any message that could never be sent (a tool message without its call, a call
   * without all of its results). Hand them to a summariser if you keep one.
   */
  dropped: ChatCompletionMessageParam[];
  /**
   * Prompt tokens of the result: `counter.countMessages(messages) + counter.countTools(tools)`.
   * With `reserveOutputTokens` added it never exceeds `maxTokens`.
   */
  tokens: number;
  /** Tool outputs of the newest turn that were cut to make it fit (empty when none). */
  shrunk: ShrunkToolOutput[];
}

/**
 * Checks a numeric option.
 *
 * @param name - The option's name.
 * @param value - Its value.
 * @param min - The smallest allowed value.
 * @returns The value.
 */
export function checkCount(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidOptionError(name, `an integer >= ${min}`, value);
  }
  return value;
}

/**
 * Fits a conversation into a token budget. Pure: the input is not modified and the same input
 * gives the same output.
 *
 * It keeps the system and developer messages (and, with `keepFirstUser`, the first user message),
 * then the newest whole turns that fit, and drops the oldest turns first. A turn is a user message
 * and everything after it up to the next user message, so an assistant message with `tool_calls`
 * always stays with the tool messages that answer it and the result is always a valid request.
 * When even the newest turn does not fit, its biggest tool outputs are cut with a marker; if it
 * still does not fit, `ContextOverflowError` says by how much and which message is too big.
 *
 * The budget is exact: `counter.countMessages(result.messages) + counter.countTools(tools) +
 * reserveOutputTokens <= maxTokens`. Sizes are cached in the counter, so trimming a conversation
 * that grew by one turn only encodes that turn.
 *
 * @param options - See {@link TrimOptions}.
 * @returns The messages to send, those dropped, the prompt tokens and the cut tool outputs.
 * @throws ContextOverflowError when the pinned messages and the newest turn cannot fit.
 * @throws InvalidOptionError for a bad option.
 * @example
 * ```ts
 * const counter = new TokenCounter({ model: 'gpt-4o' });
 * const { messages, dropped } = trimMessages({
 *   messages: history, counter, maxTokens: 16_000, tools, reserveOutputTokens: 1_000,
 * });
 * await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
 * ```
 */
export function trimMessages(options: TrimOptions): TrimResult {
  const { messages, counter } = options;
  if (!Array.isArray(messages)) {
    throw new InvalidOptionError('messages', 'an array of chat messages', messages);
  }
  if (!counter || typeof counter.countMessage !== 'function') {
    throw new InvalidOptionError('counter', 'a TokenCounter', counter);
  }
  const { messages: kept, dropped, tokens, shrunk } = trimCore(resolveTrimOptions(options));
  return { messages: kept, dropped, tokens, shrunk };
}

/**
 * Applies the defaults of {@link TrimOptions} (to options left `undefined`) and checks the numeric
 * options, in the order `maxTokens`, `reserveOutputTokens`, `minToolOutputTokens`. Shared by
 * `trimMessages` and `trimWithSummary`; nothing is summarised yet (`from: 0`, no summary).
 *
 * @internal
 * @param options - The options as given.
 * @returns The options of the trimming algorithm.
 * @throws InvalidOptionError for a bad numeric option.
 */
export function resolveTrimOptions({
  messages,
  counter,
  maxTokens,
  tools,
  reserveOutputTokens = 0,
  keepSystem = true,
  keepFirstUser = false,
  shrinkToolOutputs = true,
  minToolOutputTokens = 64,
}: TrimOptions): TrimCoreOptions {
  return {
    messages,
    counter,
    maxTokens: checkCount('maxTokens', maxTokens ?? contextWindowFor(counter.model), 1),
    tools,
    reserveOutputTokens: checkCount('reserveOutputTokens', reserveOutputTokens, 0),
    keepSystem,
    keepFirstUser,
    shrinkToolOutputs,
    minToolOutputTokens: checkCount('minToolOutputTokens', minToolOutputTokens, 1),
    from: 0,
    summary: undefined,
    summaryTokens: 0,
  };
}
