import type { EventEmitter } from 'eventemitter3';
import type { AgentEvent, AgentEventType, EventListener } from './events.js';

/** Listeners for one run, keyed by event type, plus `onEvent` for every event. */
export type EventHooks = { [TType in AgentEventType]?: EventListener<TType> } & {
  /** Called for every event of the run. */
  onEvent?: (event: AgentEvent) => unknown;
};

/** Where a listener's failure is reported: it never reaches the run. */
export type ListenerErrorHandler = (error: unknown, event: AgentEvent) => void;

const defaultListenerErrorHandler: ListenerErrorHandler = (error, event) => {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(
    `agentloop: a listener for "${event.type}" threw (${message}); the run goes on. Catch errors inside listeners to silence this warning.`,
    { code: 'AGENTLOOP_LISTENER_ERROR' },
  );
};

/**
 * Delivers one run's events to the agent's emitter, the run's hooks and an optional sink
 * (the stream). A listener that throws, or returns a promise that rejects, is reported and
 * otherwise ignored.
 */
export class EventBus {
  readonly #emitter: EventEmitter;
  readonly #hooks: EventHooks | undefined;
  readonly #sink: ((event: AgentEvent) => void) | undefined;
  readonly #onListenerError: ListenerErrorHandler;
  #ended = false;

  constructor(options: {
    emitter: EventEmitter;
    hooks?: EventHooks | undefined;
    sink?: ((event: AgentEvent) => void) | undefined;
    onListenerError?: ListenerErrorHandler | undefined;
  }) {
    this.#emitter = options.emitter;
    this.#hooks = options.hooks;
    this.#sink = options.sink;
    this.#onListenerError = options.onListenerError ?? defaultListenerErrorHandler;
  }

  /**
   * Whether an event of this type would reach anyone now. Most runs have no listener for most
   * events, so the loop asks before building an event object nobody would receive.
   */
  wants(type: AgentEventType): boolean {
    if (this.#ended) return false;
    if (this.#sink !== undefined) return true;
    const hooks = this.#hooks;
    if (hooks !== undefined && (hooks[type] !== undefined || hooks.onEvent !== undefined)) return true;
    return this.#emitter.listenerCount(type) > 0 || this.#emitter.listenerCount('*') > 0;
  }

  /**
   * Emits one event to every listener, in order: agent listeners, `*` listeners, run hooks, the
   * sink. The terminal event (`run:end` / `run:error`) is the last: anything emitted after it
   * (say, the `tool:end` of a tool that settled after the run was aborted) is dropped.
   */
  emit(event: AgentEvent): void {
    if (this.#ended) return;
    if (event.type === 'run:end' || event.type === 'run:error') this.#ended = true;
    // listeners() copies the list; most events of most runs have no listener at all.
    if (this.#emitter.listenerCount(event.type) > 0) {
      for (const listener of this.#emitter.listeners(event.type)) this.#call(listener, event);
    }
    if (this.#emitter.listenerCount('*') > 0) {
      for (const listener of this.#emitter.listeners('*')) this.#call(listener, event);
    }
    const hook = this.#hooks?.[event.type] as ((event: AgentEvent) => unknown) | undefined;
    if (hook) this.#call(hook, event);
    if (this.#hooks?.onEvent) this.#call(this.#hooks.onEvent, event);
    // The sink is ours (the stream queue); it does not throw.
    this.#sink?.(event);
  }

  #call(listener: (event: AgentEvent) => unknown, event: AgentEvent): void {
    try {
      const returned = listener(event);
      if (returned instanceof Promise) {
        returned.catch((error: unknown) => this.#report(error, event));
      }
    } catch (error) {
      this.#report(error, event);
    }
  }

  #report(error: unknown, event: AgentEvent): void {
    try {
      this.#onListenerError(error, event);
    } catch {
      // A failing error handler must not break the run either.
    }
  }
}
