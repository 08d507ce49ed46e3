/** The tools of a server changed: names as the server gives them. */
export interface McpToolsChangedEvent {
  type: 'tools:changed';
  /** The server's `name`. */
  server: string;
  /** Tools the server offers now and did not before. */
  added: string[];
  /** Tools it no longer offers; calls to them become tool faults. */
  removed: string[];
  /**
   * Tools whose description or input schema changed. A tool handed out by `tools()` before the
   * change keeps what the model was shown, and its calls become tool faults saying so, rather
   * than running a tool the agent never agreed to; call `tools()` again for the new definitions.
   */
  changed: string[];
}

/** The connection was lost (the child exited, the HTTP session ended); the next call reconnects. */
export interface McpConnectionLostEvent {
  type: 'connection:lost';
  server: string;
}

/** A lost connection was made again. */
export interface McpConnectionRestoredEvent {
  type: 'connection:restored';
  server: string;
  /** Which attempt succeeded, from 1. */
  attempt: number;
}

/** Something went wrong outside any call (refreshing the tool list after a change). */
export interface McpErrorEvent {
  type: 'error';
  server: string;
  error: unknown;
}

/** Everything a server object reports to `server.on(...)`. */
export type McpServerEvent =
  | McpToolsChangedEvent
  | McpConnectionLostEvent
  | McpConnectionRestoredEvent
  | McpErrorEvent;

/** The event of a type. */
export type McpServerEventOf<TType extends McpServerEvent['type']> = Extract<
  McpServerEvent,
  { type: TType }
>;

/** A small emitter: listeners by type, each called in order; one that throws does not stop the others. */
export class ServerEvents {
  readonly #listeners = new Map<string, Set<(event: McpServerEvent) => void>>();

  on<TType extends McpServerEvent['type']>(
    type: TType,
    listener: (event: McpServerEventOf<TType>) => void,
  ): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    const wrapped = listener as (event: McpServerEvent) => void;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  }

  emit(event: McpServerEvent): void {
    for (const listener of this.#listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not break the connection or the other listeners.
        console.warn(`@agentloop/mcp: a listener for "${event.type}" threw:`, error);
      }
    }
  }
}
