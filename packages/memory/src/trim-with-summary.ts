/**
 * `trimWithSummary`: trimming that replaces the dropped turns by one pinned summary, kept and
 * extended from turn to turn.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { hashKey } from './count-cache.js';
import { InvalidOptionError } from './errors.js';
import { trimCore } from './trim-core.js';
import {
  checkCount,
  resolveTrimOptions,
  type TrimOptions,
  type TrimResult,
} from './trim-messages.js';

/**
 * What a summary covers, to pass back on the next call for the same session. A plain JSON
 * object: keep it next to the session (in memory by session id, or saved beside the history).
 */
export interface SummaryState {
  /** The summary text. */
  summary: string;
  /** How many messages at the start of the history the summary stands for. */
  covered: number;
  /** Fingerprint of the last covered message: a state that does not match the history is ignored. */
  fingerprint: string;
}

/** What the summarise function receives. */
export interface SummarizeInput {
  /** The summary so far, to extend; `undefined` the first time. */
  previousSummary: string | undefined;
  /** The messages to fold into it (only those dropped since the previous summary), oldest first. */
  messages: ChatCompletionMessageParam[];
  /** The summary should stay under this many tokens; a longer one is cut. */
  maxTokens: number;
  /** Aborts the summarising call. */
  signal: AbortSignal | undefined;
}

/** Produces the new summary from the previous one and the newly dropped messages (e.g. by calling the model). */
export type SummarizeFunction = (input: SummarizeInput) => Promise<string>;

/** Options of {@link trimWithSummary}: those of `trimMessages`, plus the summariser. */
export interface TrimWithSummaryOptions extends TrimOptions {
  /** Makes the summary; called only on turns where more messages must be dropped. */
  summarize: SummarizeFunction;
  /** The state returned by the previous call for this session; omit the first time. */
  state?: SummaryState | undefined;
  /**
   * The most tokens the summary may take (held out of the budget once summarising starts).
   * @default 1000
   */
  maxSummaryTokens?: number | undefined;
  /**
   * The role of the summary message.
   * @default 'system'
   */
  summaryRole?: 'system' | 'developer' | 'user' | undefined;
  /** Passed to `summarize`. */
  signal?: AbortSignal | undefined;
}

/** Result of {@link trimWithSummary}. */
export interface TrimWithSummaryResult extends TrimResult {
  /** The state to pass as `state` on the next call for this session (`undefined` while nothing is summarised). */
  state: SummaryState | undefined;
  /** The summary message included in `messages`, if any. */
  summary: ChatCompletionMessageParam | undefined;
  /** The messages this call folded into the summary (empty when `summarize` was not called). */
  summarized: ChatCompletionMessageParam[];
}

/** The heading of the summary message. */
export const SUMMARY_HEADING = 'Summary of the earlier part of this conversation, no longer shown:';

function summaryMessage(text: string, role: 'system' | 'developer' | 'user') {
  return { role, content: `${SUMMARY_HEADING}\n\n${text}` } as ChatCompletionMessageParam;
}

function fingerprint(message: ChatCompletionMessageParam | undefined): string {
  return hashKey(JSON.stringify(message) ?? '');
}

function usableState(
  state: SummaryState | undefined,
  messages: readonly ChatCompletionMessageParam[],
): SummaryState | undefined {
  if (!state || typeof state.summary !== 'string' || !Number.isSafeInteger(state.covered)) {
    return undefined;
  }
  if (state.covered < 1 || state.covered > messages.length) return undefined;
  return fingerprint(messages[state.covered - 1]) === state.fingerprint ? state : undefined;
}

/**
 * Like `trimMessages`, but the oldest dropped turns are replaced by one pinned summary message
 * (placed after the kept system messages, before the kept turns), made by `summarize`.
 *
 * The summary is extended, not recomputed: `summarize` is called only when more turns must be
 * dropped, with the previous summary and only the newly dropped messages. Keep `result.state`
 * and pass it back as `state` on the next call for the same session (it is plain JSON; a state
 * that does not match the history, e.g. after `clear`, is ignored and summarising starts over).
 * Once summarising starts, `maxSummaryTokens` (plus the message framing) is held out of the
 * budget, so the new summary always fits; a longer summary is cut to that size.
 *
 * @param options - See {@link TrimWithSummaryOptions}.
 * @returns The trimmed messages with the summary, and the state to keep.
 * @throws ContextOverflowError when the pinned messages, the summary and the newest turn cannot fit.
 * @example
 * ```ts
 * let state: SummaryState | undefined;              // one per session
 * const result = await trimWithSummary({
 *   messages: history, counter, maxTokens: 16_000, state,
 *   summarize: async ({ previousSummary, messages }) =>
 *     callModel(summaryRequestMessages({ previousSummary, messages })),
 * });
 * state = result.state;
 * ```
 */
export async function trimWithSummary(
  options: TrimWithSummaryOptions,
): Promise<TrimWithSummaryResult> {
  const { messages, counter, summarize, signal, summaryRole = 'system' } = options;
  if (typeof summarize !== 'function') {
    throw new InvalidOptionError('summarize', 'an async function returning the summary', summarize);
  }
  const maxSummaryTokens = checkCount('maxSummaryTokens', options.maxSummaryTokens ?? 1000, 1);
  const base = resolveTrimOptions(options);
  const state = usableState(options.state, messages);
  const from = state?.covered ?? 0;
  const current = state ? summaryMessage(state.summary, summaryRole) : undefined;
  const attempt = trimCore({
    ...base,
    from,
    summary: current,
    summaryTokens: current ? counter.countMessage(current) : 0,
  });
  if (attempt.droppedTurns.length === 0) {
    const { messages: kept, dropped, tokens, shrunk } = attempt;
    return { messages: kept, dropped, tokens, shrunk, state, summary: current, summarized: [] };
  }

  // More turns must go: hold the whole summary budget, then fold what falls out into the summary.
  const reserve = counter.countMessage(summaryMessage('', summaryRole)) + maxSummaryTokens;
  const held = trimCore({ ...base, from, summaryTokens: reserve });
  const summarized = held.droppedTurns;
  const text = await summarize({
    previousSummary: state?.summary,
    messages: summarized,
    maxTokens: maxSummaryTokens,
    signal,
  });
  if (typeof text !== 'string') {
    throw new InvalidOptionError(
      'summarize',
      'a function whose promise resolves to a string',
      text,
    );
  }
  const fitted = counter.truncateText(text, maxSummaryTokens);
  const summary = summaryMessage(fitted, summaryRole);
  const final = trimCore({
    ...base,
    from: held.keptStart,
    summary,
    summaryTokens: counter.countMessage(summary),
  });
  const next: SummaryState = {
    summary: fitted,
    covered: held.keptStart,
    fingerprint: fingerprint(messages[held.keptStart - 1]),
  };
  const { messages: kept, dropped, tokens, shrunk } = final;
  return { messages: kept, dropped, tokens, shrunk, state: next, summary, summarized };
}
