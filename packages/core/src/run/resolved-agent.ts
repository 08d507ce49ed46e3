import type { ToolRegistry } from '@agentloop/tools';
import type { ChatCompletionToolChoiceOption } from 'openai/resources/chat/completions';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import type { Instructions, OutputSchema, RunInput } from '../agent/agent-options.js';
import type { StreamSink } from '../agent/agent-stream.js';
import type { Handoff } from '../agent/handoff.js';
import type { AgentListeners } from '../events/event-bus.js';
import type { Middleware } from '../middleware/middleware.js';
import type { Model, ModelSettings } from '../models/model.js';
import type { RetryOptions } from '../models/retry.js';
import type { ChildLink } from '../tree/child-link.js';
import type { ModelTimeouts } from './model-timeouts.js';
import type { RunState } from './run-state.js';
import type { RunStore } from './run-store.js';
import type { ResolvedMemory } from './session-memory.js';
import type { StopCondition } from './stop-when.js';

/** An agent's configuration, validated and resolved at construction. */
export interface ResolvedAgent<TContext> {
  name: string;
  instructions: Instructions<TContext> | undefined;
  model: Model;
  registry: ToolRegistry<TContext>;
  modelSettings: ModelSettings | undefined;
  toolChoice: ChatCompletionToolChoiceOption | undefined;
  toolConcurrency: number;
  maxTurns: number;
  onMaxTurns: 'throw' | 'final-answer';
  output: OutputSchema | undefined;
  /** The strict response format derived from `output`, built once at construction. */
  responseFormat: ResponseFormatJSONSchema | undefined;
  maxOutputRepairs: number;
  memory: ResolvedMemory | undefined;
  retry: RetryOptions | undefined;
  timeouts: ModelTimeouts | undefined;
  /** The agent's middleware, its `beforeModel` / `beforeTool` shortcuts first. */
  middleware: readonly Middleware<TContext>[];
  stopWhen: readonly StopCondition<TContext>[];
  listeners: AgentListeners;
  runStore: RunStore | undefined;
  /** The agent's handoffs: the agent's own list, which `agent.addHandoffs` extends. */
  handoffs: readonly Handoff<TContext>[];
  /** The most handoffs a run of this agent makes (the run's first agent decides). */
  maxHandoffs: number;
  /** Past `maxHandoffs`: fail the run, or refuse the handoff and let the active agent answer. */
  onMaxHandoffs: 'throw' | 'final-answer';
}

/** How a run is executed: a plain call, or streamed with a sink receiving every event. */
export interface ExecuteOptions {
  mode: 'generate' | 'stream';
  sink?: StreamSink;
  /** Aborted by the stream's consumer when it stops reading (or by a parent stopping a child). */
  internalSignal?: AbortSignal;
  /** For a child run (`agent.asTool()`): the call of the parent that started it. */
  child?: ChildLink;
}

/** Where a run starts: from input, or from where an earlier run stopped. */
export type RunStart =
  | { input: RunInput }
  /** `agent.run(state)`: continue from a state the caller holds. */
  | { state: RunState }
  /** `agent.resume(runId)`: continue from the run store's latest checkpoint. */
  | { runId: string };
