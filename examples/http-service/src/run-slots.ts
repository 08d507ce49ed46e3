/** One admitted run: its abort controller, and the way to give the slot back. */
export interface RunSlot {
  /** Aborted when the client disconnects or the service shuts down; passed to the run. */
  readonly signal: AbortSignal;
  /** Aborts the run with `reason` (kept as the `RunAbortedError`'s reason). */
  abort(reason: unknown): void;
  /** Frees the slot. Idempotent. */
  release(): void;
}

/**
 * A bound on the runs in progress: `tryAcquire()` admits a run while fewer than `max` are active,
 * else refuses at once (the service answers 429; queueing would only hide overload from clients).
 * It also knows every active run, so a shutdown can abort them and wait for them to end.
 */
export class RunSlots {
  /** The most runs admitted at once. */
  readonly max: number;
  readonly #active = new Set<AbortController>();
  #waiters: (() => void)[] = [];

  /**
   * @param max - the bound, a whole number >= 1.
   * @throws RangeError when `max` is not a whole number >= 1.
   */
  constructor(max: number) {
    if (!(Number.isInteger(max) && max >= 1)) {
      throw new RangeError(`maxConcurrentRuns must be a whole number >= 1, got ${String(max)}.`);
    }
    this.max = max;
  }

  /** How many runs are in progress. */
  get active(): number {
    return this.#active.size;
  }

  /**
   * Admits a run when a slot is free.
   * @returns the slot, or `undefined` when `max` runs are already active.
   */
  tryAcquire(): RunSlot | undefined {
    if (this.#active.size >= this.max) return undefined;
    const controller = new AbortController();
    this.#active.add(controller);
    return {
      signal: controller.signal,
      abort: (reason) => controller.abort(reason),
      release: () => {
        if (this.#active.delete(controller) && this.#active.size === 0) this.#wakeWaiters();
      },
    };
  }

  /**
   * Aborts every active run.
   * @param reason - the abort reason each run receives.
   */
  abortAll(reason: unknown): void {
    for (const controller of this.#active) controller.abort(reason);
  }

  /** Resolves once no run is active (at once when none is). */
  idle(): Promise<void> {
    if (this.#active.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wakeWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
