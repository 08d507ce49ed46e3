/**
 * The trimming algorithm shared by `trimMessages` and `trimWithSummary`.
 *
 * @module
 * @internal
 */

import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { type Block, turnsFromNewest } from './conversation-turns.js';
import { ContextOverflowError, type OverflowingMessage } from './errors.js';
import { REPLY_PRIMING_TOKENS } from './message-tokens.js';
import { type ShrunkToolOutput, shrinkToolOutputs } from './shrink-tool-outputs.js';
import type { TokenCounter } from './token-counter.js';

/** Resolved options of the trimming algorithm. */
export interface TrimCoreOptions {
  messages: readonly ChatCompletionMessageParam[];
  maxTokens: number;
  counter: TokenCounter;
  tools: readonly ChatCompletionTool[] | undefined;
  reserveOutputTokens: number;
  keepSystem: boolean;
  keepFirstUser: boolean;
  shrinkToolOutputs: boolean;
  minToolOutputTokens: number;
  /** Messages before this index are already covered by a summary: only pinned ones are kept. */
  from: number;
  /** A pinned message placed before the kept turns (the summary). */
  summary: ChatCompletionMessageParam | undefined;
  /** Tokens held for the summary; at least its size. */
  summaryTokens: number;
}

/** Output of the trimming algorithm. */
export interface TrimCoreResult {
  messages: ChatCompletionMessageParam[];
  dropped: ChatCompletionMessageParam[];
  tokens: number;
  shrunk: ShrunkToolOutput[];
  /** Index where the kept turns start. */
  keptStart: number;
  /** Messages of `[from, keptStart)` that were dropped (not pinned): the turns a summary should cover. */
  droppedTurns: ChatCompletionMessageParam[];
}

function isPinnedRole(message: ChatCompletionMessageParam): boolean {
  return message.role === 'system' || message.role === 'developer';
}

// The validator of the real API refuses `tool_calls: []`; an empty list means no calls.
function sendable(message: ChatCompletionMessageParam): ChatCompletionMessageParam {
  if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length === 0) {
    const { tool_calls: _empty, ...rest } = message;
    return rest;
  }
  return message;
}

/**
 * Fits `messages` into the budget: pinned messages, then the newest whole turns that fit.
 *
 * @param o - Resolved options.
 * @returns The messages to send and what was left out.
 * @throws ContextOverflowError when the pinned messages plus the newest turn cannot fit.
 */
export function trimCore(o: TrimCoreOptions): TrimCoreResult {
  const { messages, counter, maxTokens } = o;
  const n = messages.length;
  const pinned = new Set<number>();
  if (o.keepSystem) {
    for (let i = 0; i < n; i++)
      if (isPinnedRole(messages[i] as ChatCompletionMessageParam)) pinned.add(i);
  }
  if (o.keepFirstUser) {
    const first = messages.findIndex((m) => m.role === 'user');
    if (first !== -1) pinned.add(first);
  }
  let fixed =
    REPLY_PRIMING_TOKENS + counter.countTools(o.tools) + o.reserveOutputTokens + o.summaryTokens;
  let largest: OverflowingMessage | undefined;
  const consider = (index: number, tokens: number, role = messages[index]?.role ?? '') => {
    if (!largest || tokens > largest.tokens) largest = { index, role, tokens };
  };
  for (const index of pinned) {
    const tokens = counter.countMessage(messages[index] as ChatCompletionMessageParam);
    fixed += tokens;
    consider(index, tokens);
  }
  if (o.summary) consider(-1, counter.countMessage(o.summary), o.summary.role);

  let used = 0;
  let keptStart = n;
  let newest = true;
  const invalid = new Set<number>();
  let replacements = new Map<number, ChatCompletionMessageParam>();
  let shrunk: ShrunkToolOutput[] = [];
  for (const turn of turnsFromNewest(messages, o.from)) {
    let cost = 0;
    const toolIndices: number[] = [];
    const valid: Block[] = [];
    for (const block of turn.blocks) {
      if (!block.valid) continue;
      valid.push(block);
      for (let i = block.start; i < block.end; i++) {
        if (pinned.has(i)) continue;
        const tokens = counter.countMessage(messages[i] as ChatCompletionMessageParam);
        cost += tokens;
        if (newest) consider(i, tokens);
        if (messages[i]?.role === 'tool') toolIndices.push(i);
      }
    }
    if (fixed + used + cost > maxTokens) {
      if (!newest) break;
      // The newest turn must be sent: shrink its tool outputs, or give up.
      const excess = fixed + cost - maxTokens;
      const result =
        o.shrinkToolOutputs && toolIndices.length > 0
          ? shrinkToolOutputs({
              messages,
              indices: toolIndices,
              excess,
              minTokens: o.minToolOutputTokens,
              counter,
            })
          : undefined;
      if (!result?.ok) {
        const possible = result?.possible ?? 0;
        throw new ContextOverflowError({
          budget: maxTokens,
          needed: fixed + cost - possible,
          largestMessage: largest,
          reason: `${fixed - o.reserveOutputTokens} for the kept system messages${o.summaryTokens > 0 ? ', the summary' : ''}, tool definitions and reply priming, ${o.reserveOutputTokens} reserved for the reply, and ${cost - possible} for the newest turn${possible > 0 ? ` with its tool outputs cut to ${o.minToolOutputTokens} tokens` : ''}`,
        });
      }
      replacements = result.replacements;
      shrunk = result.shrunk;
      cost -= result.saved;
    }
    used += cost;
    keptStart = turn.start;
    newest = false;
    for (const block of turn.blocks) {
      if (!block.valid) for (let i = block.start; i < block.end; i++) invalid.add(i);
    }
  }

  const out: ChatCompletionMessageParam[] = [];
  const dropped: ChatCompletionMessageParam[] = [];
  const droppedTurns: ChatCompletionMessageParam[] = [];
  for (let i = 0; i < keptStart; i++) {
    const message = messages[i] as ChatCompletionMessageParam;
    if (pinned.has(i)) out.push(sendable(message));
    else {
      dropped.push(message);
      if (i >= o.from) droppedTurns.push(message);
    }
  }
  if (o.summary) out.push(o.summary);
  for (let i = keptStart; i < n; i++) {
    const message = messages[i] as ChatCompletionMessageParam;
    if (invalid.has(i)) dropped.push(message);
    else out.push(replacements.get(i) ?? sendable(message));
  }
  const summaryActual = o.summary ? counter.countMessage(o.summary) : 0;
  const tokens = fixed - o.reserveOutputTokens - o.summaryTokens + summaryActual + used;
  return { messages: out, dropped, tokens, shrunk, keptStart, droppedTurns };
}
