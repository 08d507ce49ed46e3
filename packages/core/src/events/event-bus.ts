import { EventEmitter } from 'eventemitter3';
import type { ToolList } from '../agent/tool-calls.js';
import type { AgentEvent, AgentEventType, EventListener, UnstampedEvent } from './events.js';

/**
 * Listeners for one run, keyed by event type, plus `onEvent` for every event.
 *
 * @typeParam TTools - The agent's tools, which type the tool events (see `AgentEvent`).
 */
export type EventHooks<TTools extends ToolList = ToolList> = {
  [TType in AgentEventType]?: EventListener<TType, TTools>;
} & {
  /** Called for every event of the run. */
  onEvent?: (event: AgentEvent<TTools>) => unknown;
};

/** Where a listener's failure is reported: it never reaches the run. */
export type ListenerErrorHandler = (error: unknown, event: AgentEvent) => void;

type EmitWarning = (warning: string, options: { code: string }) => void;

/** A process warning on Node; `console.warn` where there is no `process` (edge runtimes). */
const defaultListenerErrorHandler: ListenerErrorHandler = (error, event) => {
  const message = error instanceof Error ? error.message : String(error);
  const warning = `agentloop: a listener for "${event.type}" threw (${message}); the run goes on. Catch errors inside listeners to silence this warning.`;
  const nodeProcess = (globalThis as { process?: { emitWarning?: EmitWarning } }).process;
  if (typeof nodeProcess?.emitWarning === 'function') {
    nodeProcess.emitWarning(warning, { code: 'AGENTLOOP_LISTENER_ERROR' });
  } else {
    console.warn(warning);
  }
};

/** Calls one listener; a throw or a rejected promise is reported and goes no further. */
function callListener(
  listener: (event: AgentEvent) => unknown,
  event: AgentEvent,
  onError: ListenerErrorHandler,
): void {
  try {
    const returned = listener(event);
    if (returned instanceof Promise) {
      returned.catch((error: unknown) => report(onError, error, event));
    }
  } catch (error) {
    report(onError, error, event);
  }
}

function report(onError: ListenerErrorHandler, error: unknown, event: AgentEvent): void {
  try {
    onError(error, event);
  } catch {
    // A failing error handler must not break the run either.
  }
}

type AnyListener = (event: AgentEvent) => unknown;

/**
 * An agent's listeners, kept in an eventemitter3 emitter. Each is registered as the `this` of a
 * guard function (one for `on`, one per type for `once`), so `off` finds a listener by identity
 * while every call goes through {@link callListener}. A `once` registration removes itself, and
 * only itself, before its call: eventemitter3's own `once` removes every once-listener sharing
 * the function, and here they all share one.
 */
export class AgentListeners {
  readonly #emitter = new EventEmitter();
  readonly #guard: (this: AnyListener, event: AgentEvent) => void;
  readonly #onceGuards = new Map<string, (this: AnyListener, event: AgentEvent) => void>();
  readonly onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler | undefined) {
    const onError = onListenerError ?? defaultListenerErrorHandler;
    this.onListenerError = onError;
    this.#guard = function guard(this: AnyListener, event: AgentEvent) {
      callListener(this, event, onError);
    };
  }

  /** The guard of `once` listeners of one type: removes the listener's once registrations, then calls it. */
  #onceGuard(type: string): (this: AnyListener, event: AgentEvent) => void {
    let guard = this.#onceGuards.get(type);
    if (!guard) {
      const emitter = this.#emitter;
      const onError = this.onListenerError;
      guard = function onceGuard(this: AnyListener, event: AgentEvent) {
        emitter.off(type, onceGuard, this);
        callListener(this, event, onError);
      };
      this.#onceGuards.set(type, guard);
    }
    return guard;
  }

  /** Adds a listener for one event type, or for every event with `'*'`. */
  on(type: string, listener: AnyListener): void {
    this.#emitter.on(type, this.#guard, listener);
  }

  /** Adds a listener removed after its first event. */
  once(type: string, listener: AnyListener): void {
    this.#emitter.on(type, this.#onceGuard(type), listener);
  }

  /** Removes every registration of this listener for this type, `once` ones included. */
  off(type: string, listener: AnyListener): void {
    this.#emitter.off(type, this.#guard, listener);
    this.#emitter.off(type, this.#onceGuard(type), listener);
  }

  /** Whether anyone listens to this type, directly or through `'*'`. */
  listens(type: AgentEventType): boolean {
    return this.#emitter.listenerCount(type) > 0 || this.#emitter.listenerCount('*') > 0;
  }

  /** Calls the listeners of the event's type, then the `'*'` listeners. */
  deliver(event: AgentEvent): void {
    this.#emitter.emit(event.type, event);
    this.#emitter.emit('*', event);
  }
}

/**
 * Delivers one run's events to the agent's listeners, the run's hooks, its middleware's `events`
 * and an optional sink (the stream), stamping each with the run's `agent`, `path`,
 * `parentRunId` and `parentToolCallId`. A child run's bus (a run started by a tool made with `agent.asTool()`) passes
 * every event on to its parent's bus, which delivers it to its own listeners, hooks and sink and
 * passes it further up: the root sees the whole tree's events, in the order they happened. A
 * listener that throws, or returns a promise that rejects, is reported and otherwise ignored.
 */
export class EventBus {
  readonly #listeners: AgentListeners;
  readonly #hooks: EventHooks | undefined;
  readonly #observers: readonly EventHooks[];
  readonly #sink: ((event: AgentEvent) => void) | undefined;
  readonly #parent: EventBus | undefined;
  #agent: string;
  #path: readonly string[];
  /** The run and tool call that started this run, when one did. */
  readonly #caller: { readonly runId: string; readonly toolCallId: string } | undefined;
  #ended = false;

  constructor(options: {
    listeners: AgentListeners;
    hooks?: EventHooks | undefined;
    /** The `events` of the run's middleware, called after the run's hooks. */
    observers?: readonly EventHooks[] | undefined;
    sink?: ((event: AgentEvent) => void) | undefined;
    /** The agent whose run this is. */
    agent: string;
    /** The agents from the root down to this one; `[agent]` when not given. */
    path?: readonly string[] | undefined;
    /**
     * The bus of the run that called this one, which receives every event of this run too, the
     * caller's run id and the id of its tool call that started this run.
     */
    parent?: { bus: EventBus; runId: string; toolCallId: string } | undefined;
  }) {
    this.#listeners = options.listeners;
    this.#hooks = options.hooks;
    this.#observers = options.observers ?? [];
    this.#sink = options.sink;
    this.#agent = options.agent;
    this.#path = Object.freeze([...(options.path ?? [options.agent])]);
    this.#parent = options.parent?.bus;
    this.#caller = options.parent
      ? { runId: options.parent.runId, toolCallId: options.parent.toolCallId }
      : undefined;
  }

  /** The agents from the root run down to this one, root first. */
  get path(): readonly string[] {
    return this.#path;
  }

  /**
   * A handoff made `agent` the run's active agent: the events emitted from here on carry its name,
   * and it takes the last place of the path.
   */
  handOver(agent: string): void {
    this.#agent = agent;
    this.#path = Object.freeze([...this.#path.slice(0, -1), agent]);
  }

  /**
   * Whether an event of this type would reach anyone now. Most runs have no listener for most
   * events, so the loop asks before building an event object nobody would receive.
   */
  wants(type: AgentEventType): boolean {
    if (this.#ended) return false;
    if (this.#sink !== undefined) return true;
    if (hooksWant(this.#hooks, type)) return true;
    for (const observer of this.#observers) if (hooksWant(observer, type)) return true;
    if (this.#listeners.listens(type)) return true;
    return this.#parent?.wants(type) ?? false;
  }

  /**
   * Emits one event of this run to every listener, in order: agent listeners, `*` listeners, run
   * hooks, the sink, then the parent run's bus. The terminal event (`run:end` / `run:error`) is
   * the last: anything emitted after it (say, the `tool:end` of a tool that settled after the
   * run was aborted) is dropped.
   */
  emit(event: UnstampedEvent): void {
    if (this.#ended) return;
    const stamped = event as AgentEvent;
    stamped.agent = this.#agent;
    stamped.path = this.#path;
    if (this.#caller !== undefined) {
      stamped.parentRunId = this.#caller.runId;
      stamped.parentToolCallId = this.#caller.toolCallId;
    }
    if (event.type === 'run:end' || event.type === 'run:error') this.#ended = true;
    this.#deliver(stamped);
  }

  /** An event of a descendant run: delivered here and passed up, unless this run has ended. */
  #forward(event: AgentEvent): void {
    if (this.#ended) return;
    this.#deliver(event);
  }

  #deliver(event: AgentEvent): void {
    this.#listeners.deliver(event);
    const onError = this.#listeners.onListenerError;
    if (this.#hooks !== undefined) callHooks(this.#hooks, event, onError);
    for (const observer of this.#observers) callHooks(observer, event, onError);
    // The sink is ours (the stream queue); it does not throw.
    this.#sink?.(event);
    if (this.#parent !== undefined) this.#parent.#forward(event);
  }
}

function hooksWant(hooks: EventHooks | undefined, type: AgentEventType): boolean {
  return hooks !== undefined && (hooks[type] !== undefined || hooks.onEvent !== undefined);
}

function callHooks(hooks: EventHooks, event: AgentEvent, onError: ListenerErrorHandler): void {
  const hook = hooks[event.type] as AnyListener | undefined;
  if (hook) callListener(hook, event, onError);
  if (hooks.onEvent) callListener(hooks.onEvent as AnyListener, event, onError);
}
