import type { WireEvent } from '@agentloop/core';
import type { RecordClient } from './run-record.js';

/**
 * Publishes one run's events to its stream, in order, fenced by the job's lock: events asked for
 * while a write is under way go together in the next write (one round trip for many events).
 * A write refused (the lock is another worker's now) or failed (Redis gone) calls `onLost` once;
 * the worker then aborts the run.
 */
export class EventPublisher {
  readonly #client: RecordClient;
  readonly #lockKey: string;
  readonly #eventsKey: string;
  readonly #token: string;
  readonly #onLost: (cause: unknown) => void;
  #waiting: string[] = [];
  #writing: Promise<void> | undefined;
  #lost = false;

  constructor(options: {
    client: RecordClient;
    lockKey: string;
    eventsKey: string;
    token: string;
    onLost: (cause: unknown) => void;
  }) {
    this.#client = options.client;
    this.#lockKey = options.lockKey;
    this.#eventsKey = options.eventsKey;
    this.#token = options.token;
    this.#onLost = options.onLost;
  }

  /** Whether a write was refused or failed. */
  get lost(): boolean {
    return this.#lost;
  }

  /** Queues an event; it is written after every event queued before it. */
  push(event: WireEvent): void {
    if (this.#lost) return;
    this.#waiting.push(JSON.stringify(event));
    this.#writing ??= this.#write();
  }

  /** Resolves once every queued event is written (or the run was lost). */
  async drain(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #write(): Promise<void> {
    try {
      while (this.#waiting.length > 0 && !this.#lost) {
        const batch = this.#waiting;
        this.#waiting = [];
        let written: string | null;
        try {
          written = await this.#client.agentloopPublish(
            this.#lockKey,
            this.#eventsKey,
            this.#token,
            ...batch,
          );
        } catch (error) {
          this.#lose(error);
          return;
        }
        if (written === null) this.#lose(undefined);
      }
    } finally {
      this.#writing = undefined;
    }
  }

  #lose(cause: unknown): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#waiting = [];
    this.#onLost(cause);
  }
}
