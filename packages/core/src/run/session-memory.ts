import { contextWindowFor, type MemoryStore, TokenCounter, trimMessages } from '@agentloop/memory';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { MemoryOptions } from '../agent-options.js';
import type { ModelSettings } from '../model.js';
import { raceAbort } from './abort.js';
import type { RunState } from './run-state.js';

const DEFAULT_RESERVE_OUTPUT_TOKENS = 4096;

/** The memory settings of an agent, resolved once at construction. */
export interface ResolvedMemory {
  store: MemoryStore | undefined;
  maxTokens: number;
  reserveOutputTokens: number;
  keepFirstUser: boolean;
  counter: TokenCounter;
}

/** Resolves an agent's memory options against its model; `undefined` when memory is off. */
export function resolveMemory(
  options: MemoryOptions | undefined,
  modelName: string,
  settings: ModelSettings | undefined,
): ResolvedMemory | undefined {
  if (!options) return undefined;
  const replyLimit = settings?.max_completion_tokens ?? settings?.max_tokens ?? undefined;
  return {
    store: options.store,
    maxTokens: options.maxTokens ?? contextWindowFor(modelName),
    reserveOutputTokens: options.reserveOutputTokens ?? replyLimit ?? DEFAULT_RESERVE_OUTPUT_TOKENS,
    keepFirstUser: options.keepFirstUser ?? false,
    counter: options.counter ?? new TokenCounter({ model: modelName }),
  };
}

/** Loads a session's history; empty without a store or a session id. */
export async function loadHistory<TContext>(
  state: RunState<TContext>,
  memory: ResolvedMemory | undefined,
): Promise<ChatCompletionMessageParam[]> {
  if (!memory?.store || state.sessionId === undefined) return [];
  return raceAbort(memory.store.load(state.sessionId), state.signal);
}

/**
 * Appends the messages of the turn that just completed to the session, so a crash loses at
 * most the turn in flight. A turn is saved whole: an assistant message with tool calls is
 * never stored without its results.
 */
export async function saveTurn<TContext>(
  state: RunState<TContext>,
  memory: ResolvedMemory | undefined,
): Promise<void> {
  if (!memory?.store || state.sessionId === undefined || state.unsaved.length === 0) return;
  const batch = state.unsaved;
  state.unsaved = [];
  await memory.store.append(state.sessionId, batch);
}

/**
 * Fits the conversation into the token budget for one request (pair-safe, see
 * `trimMessages`) and announces a trim with `memory:trim`. Without memory options the
 * conversation is sent whole.
 */
export function fitToBudget<TContext>(
  state: RunState<TContext>,
  memory: ResolvedMemory | undefined,
  tools: ChatCompletionTool[] | undefined,
): ChatCompletionMessageParam[] {
  if (!memory) return state.messages;
  const trimmed = trimMessages({
    messages: state.messages,
    maxTokens: memory.maxTokens,
    counter: memory.counter,
    reserveOutputTokens: memory.reserveOutputTokens,
    keepFirstUser: memory.keepFirstUser,
    ...(tools ? { tools } : {}),
  });
  if (trimmed.dropped.length > 0) {
    state.bus.emit({
      type: 'memory:trim',
      runId: state.runId,
      turn: state.turn,
      dropped: trimmed.dropped.length,
      kept: trimmed.messages.length,
      tokens: trimmed.tokens,
      maxTokens: memory.maxTokens,
    });
  }
  return trimmed.messages;
}
