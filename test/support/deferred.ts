/**
 * Latches for tests of ordering and concurrency: a test holds a tool, a model or a writer at a
 * known point and releases it when it has checked what it wanted, instead of sleeping and hoping
 * the other side got there in time.
 *
 * @module
 */

/** A promise with its `resolve` and `reject` in hand. */
export interface Deferred<T> {
  /** Settles when `resolve` or `reject` is called. */
  readonly promise: Promise<T>;
  /** Fulfils `promise` with `value`. */
  resolve(value: T | PromiseLike<T>): void;
  /** Rejects `promise` with `reason`. */
  reject(reason?: unknown): void;
  /** Whether `resolve` or `reject` has been called. */
  readonly settled: boolean;
}

/**
 * A promise settled from outside.
 * @returns the promise and the functions that settle it.
 * @example
 * const gate = deferred();
 * const tool = { execute: async () => { await gate.promise; return 'done'; } };
 * // ... check that the run is waiting on the tool ...
 * gate.resolve();
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  let settled = false;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    promise,
    resolve: (value) => {
      settled = true;
      resolve(value);
    },
    reject: (reason) => {
      settled = true;
      reject(reason);
    },
    get settled() {
      return settled;
    },
  };
}

/** A countdown: `reached` fulfils once `arrive` has been called `count` times. */
export interface Latch {
  /** Counts one arrival. */
  arrive(): void;
  /** Fulfils on the `count`-th arrival. */
  readonly reached: Promise<void>;
  /** How many have arrived so far. */
  readonly arrived: number;
}

/**
 * A latch that opens after `count` arrivals, e.g. once every parallel tool call has started.
 * @param count - arrivals needed; 0 opens at once.
 * @returns the latch.
 */
export function latch(count: number): Latch {
  const opened = deferred();
  let arrived = 0;
  if (count <= 0) opened.resolve();
  return {
    arrive: () => {
      arrived += 1;
      if (arrived >= count) opened.resolve();
    },
    reached: opened.promise,
    get arrived() {
      return arrived;
    },
  };
}

// Taken when this module loads, before a test installs fake timers, so that settling the event
// loop still works on a fake clock (which fakes `setImmediate` too).
const realSetImmediate = globalThis.setImmediate;

/**
 * Lets the event loop run a few full turns (I/O, and with real timers the timers already due),
 * so work that is free to proceed gets there, and Node reports any unhandled rejection. For
 * asserting that something did *not* happen while it was held; it measures no time and moves no
 * fake clock.
 * @param turns - how many event-loop turns to let pass.
 * @default turns 5
 */
export async function settleEventLoop(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}
