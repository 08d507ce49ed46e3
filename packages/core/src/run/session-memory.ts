import {
  contextWindowFor,
  type MemoryStore,
  type SessionLock,
  type SummarizeFunction,
  type SummaryState,
  summaryRequestMessages,
  TokenCounter,
  trimMessages,
  trimWithSummary,
} from '@agentloop/memory';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { MemoryOptions } from '../agent/agent-options.js';
import { ConfigurationError } from '../errors/errors.js';
import type { Model, ModelSettings } from '../models/model.js';
import { addUsage, usageFromCompletion } from '../models/usage.js';
import { raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { boundedModelCall } from './bounded-model-call.js';

const DEFAULT_RESERVE_OUTPUT_TOKENS = 4096;
/** Summaries kept per agent for sessions, the least recently used forgotten first. */
const SUMMARY_CACHE_SIZE = 1000;

/** The memory settings of an agent, resolved once at construction. */
export interface ResolvedMemory {
  store: MemoryStore | undefined;
  maxTokens: number;
  reserveOutputTokens: number;
  keepFirstUser: boolean;
  counter: TokenCounter;
  /** Set when dropped turns are replaced by a summary: `'model'` asks the agent's model. */
  summarize: SummarizeFunction | 'model' | undefined;
  model: Model;
  maxSummaryTokens: number | undefined;
  /** The latest summary of each session, so the next run extends it instead of starting over. */
  summaries: Map<string, SummaryState>;
  /** The last run in line for each busy session; an entry goes when its queue empties. */
  sessionQueues: Map<string, Promise<void>>;
  /** Holds a session across processes, after the run's turn in this process's line. */
  sessionLock: SessionLock | undefined;
}

/** Resolves an agent's memory options against its model; `undefined` when memory is off. */
export function resolveMemory(
  options: MemoryOptions | undefined,
  model: Model,
  settings: ModelSettings | undefined,
): ResolvedMemory | undefined {
  if (!options) return undefined;
  const modelName = model.name;
  const replyLimit = settings?.max_completion_tokens ?? settings?.max_tokens ?? undefined;
  const maxTokens = options.maxTokens ?? contextWindowFor(modelName);
  // The default reserve never takes more than a quarter of a budget the user chose.
  const defaultReserve =
    options.maxTokens === undefined
      ? DEFAULT_RESERVE_OUTPUT_TOKENS
      : Math.min(DEFAULT_RESERVE_OUTPUT_TOKENS, Math.floor(options.maxTokens / 4));
  const reserveOutputTokens = options.reserveOutputTokens ?? replyLimit ?? defaultReserve;
  if (reserveOutputTokens >= maxTokens) {
    const source =
      options.reserveOutputTokens !== undefined
        ? 'memory.reserveOutputTokens'
        : replyLimit !== undefined
          ? 'the reply limit in modelSettings'
          : 'the default memory.reserveOutputTokens';
    throw new ConfigurationError(
      `memory.maxTokens is ${maxTokens}, but ${source} keeps ${reserveOutputTokens} of them free for the reply, which leaves nothing for the conversation, so every request would overflow. Raise memory.maxTokens or set a smaller memory.reserveOutputTokens.`,
      { option: 'memory.reserveOutputTokens' },
    );
  }
  return {
    store: options.store,
    maxTokens,
    reserveOutputTokens,
    keepFirstUser: options.keepFirstUser ?? false,
    counter: options.counter ?? new TokenCounter({ model: modelName }),
    summarize:
      options.summarize === true
        ? 'model'
        : typeof options.summarize === 'function'
          ? options.summarize
          : undefined,
    model,
    maxSummaryTokens: options.maxSummaryTokens,
    summaries: new Map(),
    sessionQueues: new Map(),
    sessionLock: options.sessionLock,
  };
}

/** A summariser that asks the agent's own model, without tools; its tokens count in the run's usage. */
function summarizeWith<TContext>(model: Model, state: ActiveRun<TContext>): SummarizeFunction {
  return async ({ previousSummary, messages, maxTokens, signal }) => {
    const request = { messages: summaryRequestMessages({ previousSummary, messages, maxTokens }) };
    // A model call like the turns': bounded by the run's firstByteMs (not retried).
    const response = await boundedModelCall(
      {
        signal: signal ?? state.signal,
        model: model.name,
        mode: 'generate',
        timeouts: state.timeouts,
      },
      (attempt) => model.generate(request, attempt.callOptions),
    );
    state.usage = addUsage(
      state.usage,
      usageFromCompletion(response.usage, response.model ?? model.name),
    );
    return response.message.content ?? '';
  };
}

/**
 * Waits until no other run of this agent is using the session, then holds it until the
 * returned function is called. Runs on one session thus take turns: each loads the history the
 * previous one left complete, and their turns never interleave in the store. Runs on other
 * sessions, or without one, never wait. With a `sessionLock` the session is then also held
 * across processes (its lease kept on the run, for the appends). Aborting the run's signal
 * stops the wait.
 *
 * @returns the function that lets the next run in (here and, with a lock, anywhere).
 */
export async function enterSession<TContext>(
  state: ActiveRun<TContext>,
  memory: ResolvedMemory | undefined,
): Promise<() => Promise<void>> {
  if (!memory?.store || state.sessionId === undefined) return async () => {};
  const key = state.sessionId;
  const queues = memory.sessionQueues;
  const previous = queues.get(key) ?? Promise.resolve();
  let release: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  // The next run waits for this one and, through it, for every run before.
  const tail = previous.then(() => done);
  queues.set(key, tail);
  const leave = () => {
    release();
    if (queues.get(key) === tail) queues.delete(key);
  };
  try {
    await raceAbort(previous, state.signal);
    const lock = memory.sessionLock;
    if (lock) {
      const acquiring = lock.acquire(key, { signal: state.signal });
      try {
        state.sessionLease = await raceAbort(acquiring, state.signal);
        // A lease lost while the run goes on stops the run at once (its tools see the abort),
        // not only its next append: another process may hold the session now.
        if (state.sessionLease.signal) state.follow(state.sessionLease.signal);
      } catch (error) {
        // A lease granted after the run gave up waiting is given back at once.
        acquiring.then((lease) => lease.release()).catch(() => {});
        throw error;
      }
    }
  } catch (error) {
    leave();
    throw error;
  }
  return async () => {
    const lease = state.sessionLease;
    state.sessionLease = undefined;
    try {
      await lease?.release();
    } finally {
      leave();
    }
  };
}

/** Loads a session's history; empty without a store or a session id. */
export async function loadHistory<TContext>(
  state: ActiveRun<TContext>,
  memory: ResolvedMemory | undefined,
): Promise<ChatCompletionMessageParam[]> {
  if (!memory?.store || state.sessionId === undefined) return [];
  return raceAbort(memory.store.load(state.sessionId), state.signal);
}

/**
 * Appends the messages of the turn that just completed to the session, so a crash loses at
 * most the turn in flight, once: the append is keyed by run and turn. A turn is saved whole: an assistant message with tool calls is
 * never stored without its results.
 *
 * @returns The store's promise, or `undefined` when there is nothing to save (no store, no
 *   session, or nothing new), so a run without a store does not wait a tick per turn.
 */
export function saveTurn<TContext>(
  state: ActiveRun<TContext>,
  memory: ResolvedMemory | undefined,
): Promise<void> | undefined {
  if (!memory?.store || state.sessionId === undefined) return undefined;
  if (state.saved >= state.messages.length) return undefined;
  const batch = state.messages.slice(state.saved);
  state.saved = state.messages.length;
  // Keyed by run and turn: a run resumed after a crash between this append and its checkpoint
  // appends the same turn again, and the store keeps it once.
  const key = `${state.runId}:${state.turn}`;
  const lease = state.sessionLease;
  return Promise.resolve(
    memory.store.append(state.sessionId, batch, lease ? { key, lease } : { key }),
  );
}

/**
 * The conversation as one request sends it without memory options: whole, and copied, because
 * the conversation grows after this call and the request (seen by `model:start` listeners and by
 * the model) must stay what was sent.
 */
export function messagesToSend<TContext>(state: ActiveRun<TContext>): ChatCompletionMessageParam[] {
  return state.messages.slice();
}

/**
 * Fits the conversation into the token budget for one request (pair-safe, see
 * `trimMessages`) and announces a trim with `memory:trim`. With a summariser, the dropped turns
 * are replaced by one summary message, extended from turn to turn and from run to run of a
 * session. Without memory options the conversation is sent whole (see {@link messagesToSend}).
 */
export async function fitToBudget<TContext>(
  state: ActiveRun<TContext>,
  memory: ResolvedMemory,
  tools: ChatCompletionTool[] | undefined,
): Promise<ChatCompletionMessageParam[]> {
  const options = {
    messages: state.messages,
    maxTokens: memory.maxTokens,
    counter: memory.counter,
    reserveOutputTokens: memory.reserveOutputTokens,
    keepFirstUser: memory.keepFirstUser,
    ...(tools ? { tools } : {}),
  };
  const summarize =
    memory.summarize === 'model' ? summarizeWith(memory.model, state) : memory.summarize;
  const trimmed = summarize
    ? await summarizeToBudget(state, memory, summarize, options)
    : trimMessages(options);
  if (trimmed.dropped.length > 0 || trimmed.shrunk.length > 0) {
    state.bus.emit({
      type: 'memory:trim',
      runId: state.runId,
      turn: state.turn,
      dropped: trimmed.dropped.length,
      shrunk: trimmed.shrunk.length,
      kept: trimmed.messages.length,
      tokens: trimmed.tokens,
      maxTokens: memory.maxTokens,
    });
  }
  return trimmed.messages;
}

async function summarizeToBudget<TContext>(
  state: ActiveRun<TContext>,
  memory: ResolvedMemory,
  summarize: SummarizeFunction,
  options: Parameters<typeof trimMessages>[0],
) {
  const key = state.sessionId;
  const previous = state.summary ?? (key === undefined ? undefined : memory.summaries.get(key));
  const result = await raceAbort(
    trimWithSummary({
      ...options,
      summarize,
      state: previous,
      signal: state.signal,
      ...(memory.maxSummaryTokens !== undefined
        ? { maxSummaryTokens: memory.maxSummaryTokens }
        : {}),
    }),
    state.signal,
  );
  state.summary = result.state;
  if (key !== undefined && result.state) {
    memory.summaries.delete(key);
    memory.summaries.set(key, result.state);
    if (memory.summaries.size > SUMMARY_CACHE_SIZE) {
      const oldest = memory.summaries.keys().next().value;
      if (oldest !== undefined) memory.summaries.delete(oldest);
    }
  }
  return result;
}
